//! Local accounts: argon2id password hashes, roles, the departments a manager answers
//! for, and throttling of repeated failed logins.

use crate::sql::Sql;
use crate::{Db, Scope, StoreError};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use daicho_domain::Role;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Failed logins of one user name within [`THROTTLE_WINDOW_MINUTES`] that lock it.
pub const MAX_FAILURES: i64 = 5;
/// How long failures are remembered.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub tenant_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// The departments a manager answers for (as assigned, not expanded).
    pub departments: Vec<i64>,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub tenant_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    pub departments: Vec<i64>,
}

/// Why a login was refused. The web UI shows one message for `BadCredentials` and
/// `Disabled` so that it does not tell which user names exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    BadCredentials,
    Disabled,
    Throttled,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::invalid(
            "password",
            format!("パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください"),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Password(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of nothing anyone knows, checked for unknown user names so that a login takes
/// as long whether or not the name exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Ts1G7Y0pOa0YpsrrlQvjcvAPpE3uUnfzL0tr8V7Txs";

impl Db {
    /// Creates an account. The password is hashed with argon2id off the async threads.
    pub async fn create_user(&self, new: &NewUser) -> Result<User, StoreError> {
        let username = new.username.trim().to_string();
        if username.is_empty() || username.contains(char::is_whitespace) {
            return Err(StoreError::invalid(
                "username",
                "ユーザー名は空白を含まない文字列にしてください",
            ));
        }
        if self.user_by_name(&username).await?.is_some() {
            return Err(StoreError::invalid(
                "username",
                format!("ユーザー名「{username}」は既に使われています"),
            ));
        }
        let password = new.password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| StoreError::Password(e.to_string()))??;
        let now = crate::now_text();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new(
            "INSERT INTO users (tenant_id, username, display_name, password_hash, role, disabled, created_at, password_changed_at) VALUES (",
        );
        sql.bind(new.tenant_id)
            .push(", ")
            .bind(username.as_str())
            .push(", ")
            .bind(new.display_name.as_str())
            .push(", ")
            .bind(hash)
            .push(", ")
            .bind(new.role.code())
            .push(", ")
            .bind(false)
            .push(", ")
            .bind(now.as_str())
            .push(", ")
            .bind(now.as_str())
            .push(") RETURNING id");
        let id: i64 = sql
            .query()
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get("id"))?;
        for d in &new.departments {
            let mut sql = Sql::new("INSERT INTO user_departments (user_id, department_id) SELECT ");
            sql.bind(id)
                .push(", id FROM departments WHERE id = ")
                .bind(*d)
                .push(" AND tenant_id = ")
                .bind(new.tenant_id);
            let done = sql.query().execute(&mut *tx).await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::invalid(
                    "departments",
                    "担当所属がこの団体にありません",
                ));
            }
        }
        tx.commit().await?;
        self.user(id).await
    }

    /// Replaces a user's password.
    pub async fn set_password(&self, username: &str, password: &str) -> Result<(), StoreError> {
        let user = self
            .user_by_name(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("ユーザー「{username}」")))?;
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| StoreError::Password(e.to_string()))??;
        let mut sql = Sql::new("UPDATE users SET password_hash = ");
        sql.bind(hash)
            .push(", password_changed_at = ")
            .bind(crate::now_text())
            .push(" WHERE id = ")
            .bind(user.id);
        sql.query().execute(self.pool()).await?;
        self.end_sessions_of(user.id).await
    }

    /// Disables an account and ends its sessions.
    pub async fn disable_user(&self, username: &str) -> Result<(), StoreError> {
        let user = self
            .user_by_name(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("ユーザー「{username}」")))?;
        let mut sql = Sql::new("UPDATE users SET disabled = ");
        sql.bind(true).push(" WHERE id = ").bind(user.id);
        sql.query().execute(self.pool()).await?;
        self.end_sessions_of(user.id).await
    }

    /// Every account, or those of one tenant.
    pub async fn users(&self, tenant_id: Option<i64>) -> Result<Vec<User>, StoreError> {
        let mut sql = Sql::new("SELECT id FROM users");
        if let Some(t) = tenant_id {
            sql.push(" WHERE tenant_id = ").bind(t);
        }
        sql.push(" ORDER BY tenant_id, username");
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut users = Vec::with_capacity(rows.len());
        for r in rows {
            users.push(self.user(r.try_get("id")?).await?);
        }
        Ok(users)
    }

    /// How many accounts exist.
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await
            .map_err(StoreError::from)
    }

    /// One account by id.
    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let mut sql = Sql::new(
            "SELECT id, tenant_id, username, display_name, role, disabled FROM users WHERE id = ",
        );
        sql.bind(id);
        let row = sql
            .query()
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("ユーザー {id}")))?;
        let mut user = user_from_row(&row)?;
        let mut sql = Sql::new("SELECT department_id FROM user_departments WHERE user_id = ");
        sql.bind(id).push(" ORDER BY department_id");
        user.departments = sql
            .query()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get("department_id"))
            .collect::<Result<_, _>>()?;
        Ok(user)
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let mut sql = Sql::new("SELECT id FROM users WHERE username = ");
        sql.bind(username);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => Ok(Some(self.user(r.try_get("id")?).await?)),
            None => Ok(None),
        }
    }

    /// Checks a user name and password. After [`MAX_FAILURES`] failures within
    /// [`THROTTLE_WINDOW_MINUTES`] the name is refused without checking the password.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
        remote: &str,
    ) -> Result<Result<User, LoginFailure>, StoreError> {
        let since = crate::instant_text(
            chrono::Utc::now() - chrono::Duration::minutes(THROTTLE_WINDOW_MINUTES),
        );
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM login_failures WHERE username = ");
        sql.bind(username).push(" AND failed_at >= ").bind(since);
        let failures: i64 = sql
            .query()
            .fetch_one(self.pool())
            .await
            .and_then(|r| r.try_get("n"))?;
        if failures >= MAX_FAILURES {
            self.record_failure(username, remote).await?;
            return Ok(Err(LoginFailure::Throttled));
        }
        let mut sql = Sql::new("SELECT id, password_hash, disabled FROM users WHERE username = ");
        sql.bind(username);
        let row = sql.query().fetch_optional(self.pool()).await?;
        let (id, hash, disabled) = match &row {
            Some(r) => (
                Some(r.try_get::<i64, _>("id")?),
                r.try_get::<String, _>("password_hash")?,
                crate::sql::flag(r, "disabled")?.unwrap_or(false),
            ),
            None => (None, DUMMY_HASH.to_string(), false),
        };
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| StoreError::Password(e.to_string()))?;
        match (id, ok, disabled) {
            (Some(id), true, false) => {
                let mut sql = Sql::new("DELETE FROM login_failures WHERE username = ");
                sql.bind(username);
                sql.query().execute(self.pool()).await?;
                Ok(Ok(self.user(id).await?))
            }
            (Some(_), true, true) => Ok(Err(LoginFailure::Disabled)),
            _ => {
                self.record_failure(username, remote).await?;
                Ok(Err(LoginFailure::BadCredentials))
            }
        }
    }

    async fn record_failure(&self, username: &str, remote: &str) -> Result<(), StoreError> {
        let mut sql = Sql::new("INSERT INTO login_failures (username, remote, failed_at) VALUES (");
        sql.bind(username)
            .push(", ")
            .bind(remote)
            .push(", ")
            .bind(crate::now_text())
            .push(")");
        sql.query().execute(self.pool()).await?;
        // Failures older than a day no longer lock anything; keep the table small.
        let mut sql = Sql::new("DELETE FROM login_failures WHERE failed_at < ");
        sql.bind(crate::instant_text(
            chrono::Utc::now() - chrono::Duration::days(1),
        ));
        sql.query().execute(self.pool()).await?;
        tracing::warn!(username, remote, "failed login");
        Ok(())
    }

    /// What `user` may see and change.
    pub async fn scope_for(&self, user: &User) -> Result<Scope, StoreError> {
        let departments = if user.role.sees_all_departments() {
            None
        } else {
            Some(
                self.department_subtree(user.tenant_id, &user.departments)
                    .await?,
            )
        };
        Ok(Scope {
            tenant_id: user.tenant_id,
            departments,
            can_write: user.role.writes_ledgers(),
        })
    }
}

fn user_from_row(r: &AnyRow) -> Result<User, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        tenant_id: r.try_get("tenant_id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        disabled: crate::sql::flag(r, "disabled")?.unwrap_or(false),
        departments: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_is_a_valid_argon2id_hash() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything at all", DUMMY_HASH));
    }

    #[test]
    fn hashes_verify_and_short_passwords_are_refused() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(matches!(
            hash_password("short"),
            Err(StoreError::Invalid(_))
        ));
    }
}
