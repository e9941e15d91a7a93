//! Dynamic SQL with numbered `$n` placeholders, which both SQLite and PostgreSQL accept
//! (sqlx's `QueryBuilder` for `Any` writes `?`, which PostgreSQL refuses).

use crate::Backend;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool};

/// Where a query runs: a database's pool, or a connection (a transaction's). Either knows
/// its backend, which chooses the placeholders: callers never do.
pub enum On<'c> {
    Pool(&'c AnyPool, Backend),
    Connection(&'c mut AnyConnection),
}

impl<'c> From<&'c crate::Db> for On<'c> {
    fn from(db: &'c crate::Db) -> Self {
        On::Pool(db.pool(), db.backend())
    }
}

impl<'c> From<&'c mut AnyConnection> for On<'c> {
    fn from(c: &'c mut AnyConnection) -> Self {
        On::Connection(c)
    }
}

/// The backend a connection speaks to.
pub(crate) fn backend_of(c: &AnyConnection) -> Backend {
    if c.backend_name().eq_ignore_ascii_case("postgresql") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
    OptBool(Option<bool>),
    OptFloat(Option<f64>),
    /// A file's bytes (BLOB on SQLite, BYTEA on PostgreSQL).
    Bytes(Vec<u8>),
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::OptInt(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::OptText(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<Option<bool>> for Value {
    fn from(v: Option<bool>) -> Self {
        Value::OptBool(v)
    }
}

/// SQL text under construction with its bound values.
#[derive(Debug, Default, Clone)]
pub struct Sql {
    text: String,
    values: Vec<Value>,
    /// The text with `?` placeholders, made on first use.
    positional: std::sync::OnceLock<String>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            values: Vec::new(),
            positional: std::sync::OnceLock::new(),
        }
    }

    /// Appends literal SQL (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.positional.take();
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.positional.take();
        let value = value.into();
        let float = matches!(value, Value::OptFloat(_));
        self.values.push(value);
        let placeholder = format!("${}", self.values.len());
        if float {
            // sqlx's Any driver sends an f64 to PostgreSQL as the bits of an int8 (0.5 is
            // stored as 4.6e18): send the number as text and let the database convert it.
            self.text
                .push_str(&format!("CAST({placeholder} AS DOUBLE PRECISION)"));
        } else {
            self.text.push_str(&placeholder);
        }
        self
    }

    /// Appends `LIKE <pattern> ESCAPE '\'` for values that contain `word` (case folded
    /// by the caller's LOWER): `%`, `_` and `\` a user types are literals, not wildcards.
    pub fn like_contains(&mut self, word: &str) -> &mut Self {
        let mut pattern = String::from("%");
        for c in word.to_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        self.push(" LIKE ").bind(pattern).push(" ESCAPE '\\'")
    }

    /// Appends `v1, v2, ...` placeholders.
    pub fn bind_all<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v);
        }
        self
    }

    /// Appends `(v1, v2, ...)` placeholders: a list for `IN`, a row of an INSERT.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.push("(").bind_all(values).push(")")
    }

    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// An INSERT of `columns` into `table`, to be followed by one `bind_list` of values
    /// per row (separated by `, `).
    pub fn insert(table: &str, columns: &[&str]) -> Self {
        Sql::new(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            columns.join(", ")
        ))
    }

    /// The query with the placeholders `backend` binds fastest. SQLite looks a named
    /// parameter (`$n`) up by walking every parameter's name, so a statement with many is
    /// quadratic (half the time of a bulk insert went there); anonymous `?` are bound by
    /// position. Values are bound in the order their placeholders appear, so `?` binds
    /// the same values. PostgreSQL takes only `$n`.
    fn query(&self, backend: Backend) -> Query<'_, Any, AnyArguments<'_>> {
        match backend {
            Backend::Postgres => self.bind_values(sqlx::query(&self.text)),
            Backend::Sqlite => self.bind_values(sqlx::query(self.positional())),
        }
    }

    /// Every row.
    pub async fn fetch_all<'c>(&self, on: impl Into<On<'c>>) -> Result<Vec<AnyRow>, sqlx::Error> {
        match on.into() {
            On::Pool(pool, backend) => self.query(backend).fetch_all(pool).await,
            On::Connection(c) => self.query(backend_of(c)).fetch_all(c).await,
        }
    }

    /// The one row; an error when there is none.
    pub async fn fetch_one<'c>(&self, on: impl Into<On<'c>>) -> Result<AnyRow, sqlx::Error> {
        match on.into() {
            On::Pool(pool, backend) => self.query(backend).fetch_one(pool).await,
            On::Connection(c) => self.query(backend_of(c)).fetch_one(c).await,
        }
    }

    /// The first row, if any.
    pub async fn fetch_optional<'c>(
        &self,
        on: impl Into<On<'c>>,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        match on.into() {
            On::Pool(pool, backend) => self.query(backend).fetch_optional(pool).await,
            On::Connection(c) => self.query(backend_of(c)).fetch_optional(c).await,
        }
    }

    /// Runs a statement.
    pub async fn execute<'c>(
        &self,
        on: impl Into<On<'c>>,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        match on.into() {
            On::Pool(pool, backend) => self.query(backend).execute(pool).await,
            On::Connection(c) => self.query(backend_of(c)).execute(c).await,
        }
    }

    /// The rows as they come, from the pool of `db`.
    pub fn fetch<'q>(
        &'q self,
        db: &'q crate::Db,
    ) -> impl futures_util::Stream<Item = Result<AnyRow, sqlx::Error>> + Send + 'q {
        self.query(db.backend()).fetch(db.pool())
    }

    fn positional(&self) -> &str {
        self.positional.get_or_init(|| {
            let mut out = String::with_capacity(self.text.len());
            let mut chars = self.text.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
            out
        })
    }

    fn bind_values<'q>(
        &'q self,
        mut q: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for v in &self.values {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::OptInt(i) => q.bind(*i),
                Value::Text(s) => q.bind(s.as_str()),
                Value::OptText(s) => q.bind(s.as_deref()),
                // Yes/no is stored as 0/1 (see the schema).
                Value::Bool(b) => q.bind(i64::from(*b)),
                Value::OptBool(b) => q.bind(b.map(i64::from)),
                Value::OptFloat(f) => q.bind(f.map(|f| f.to_string())),
                Value::Bytes(b) => q.bind(b.as_slice()),
            };
        }
        q
    }
}

/// A row's columns as the schema stores them: dates as ISO text, yes/no as 0/1.
pub trait Read {
    /// A date column (NULL: none).
    fn date(&self, column: &str) -> Result<Option<chrono::NaiveDate>, sqlx::Error>;
    /// A yes/no column (NULL: not recorded).
    fn flag(&self, column: &str) -> Result<Option<bool>, sqlx::Error>;
}

impl Read for AnyRow {
    fn date(&self, column: &str) -> Result<Option<chrono::NaiveDate>, sqlx::Error> {
        use sqlx::Row;
        let text: Option<String> = self.try_get(column)?;
        text.map(|t| {
            chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))
        })
        .transpose()
    }

    fn flag(&self, column: &str) -> Result<Option<bool>, sqlx::Error> {
        use sqlx::Row;
        Ok(self.try_get::<Option<i64>, _>(column)?.map(|v| v != 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind(1_i64)
            .push(" AND b IN ")
            .bind_list(["x", "y"])
            .push(" AND c = ")
            .bind(Value::OptFloat(Some(0.5)));
        assert_eq!(
            sql.text(),
            "SELECT 1 WHERE a = $1 AND b IN ($2, $3) AND c = CAST($4 AS DOUBLE PRECISION)"
        );
    }
}
