//! Login sessions. The cookie carries a random token; the database keeps only its SHA-256,
//! so a copy of the database does not let anyone log in. Each session has its own CSRF
//! token, which every state-changing form must echo.

use crate::sql::{Sql, Value};
use crate::{Db, StoreError, User};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// How long a session lasts at most.
pub const SESSION_HOURS: i64 = 12;

/// How long a session waits for its second factor.
const PENDING_MINUTES: i64 = 10;

/// How long a session may go without a request before it ends (the default of `serve`).
pub const IDLE_MINUTES: i64 = 30;

/// A session's last request is written at most this often: a page view should not need
/// to write, and may not be able to while an import holds SQLite's write lock.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The secret for the cookie (only known at creation).
    pub token: String,
    /// The CSRF token forms carry.
    pub csrf_token: String,
    pub user_id: i64,
}

/// The account of a live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user: User,
    /// The CSRF token forms carry.
    pub csrf: String,
    /// The password was right but the second factor is still to be typed: the session
    /// opens nothing but the page that asks for it.
    pub second_factor_pending: bool,
}

/// 32 random bytes as hex.
pub fn random_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Password(e.to_string()))?;
    Ok(hex(&bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes `hex` wrote; None for text that is not pairs of hex digits.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// The SHA-256 of a secret as hex: how session tokens, API tokens, setup codes and
/// recovery codes are kept (each random enough that a fast hash is safe).
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

impl Db {
    /// Starts a session for `user`; `second_factor_pending` when the password was right
    /// and the account's second factor is still to be typed.
    pub async fn create_session(
        &self,
        user: &User,
        second_factor_pending: bool,
    ) -> Result<Session, StoreError> {
        let mut sql = Sql::new("DELETE FROM sessions WHERE expires_at <= ");
        sql.bind(crate::now_text());
        sql.execute(self).await?;
        let token = random_token()?;
        let csrf_token = random_token()?;
        // A session waiting for its second factor lasts as long as typing a code takes.
        let lasts = if second_factor_pending {
            chrono::Duration::minutes(PENDING_MINUTES)
        } else {
            chrono::Duration::hours(SESSION_HOURS)
        };
        let expires = crate::instant_text(chrono::Utc::now() + lasts);
        let mut sql = Sql::insert(
            "sessions",
            &[
                "token_hash",
                "user_id",
                "csrf_token",
                "created_at",
                "expires_at",
                "last_seen_at",
                "second_factor_pending",
            ],
        );
        sql.bind_list([
            Value::from(token_hash(&token)),
            user.id.into(),
            csrf_token.as_str().into(),
            crate::now_text().into(),
            expires.into(),
            crate::now_text().into(),
            second_factor_pending.into(),
        ]);
        sql.execute(self).await?;
        Ok(Session {
            token,
            csrf_token,
            user_id: user.id,
        })
    }

    /// The user and CSRF token of a live session, if the token names one, the account is
    /// still enabled, and the session made a request within `idle`.
    pub async fn session_user(
        &self,
        token: &str,
        idle: chrono::Duration,
    ) -> Result<Option<SessionUser>, StoreError> {
        let now = chrono::Utc::now();
        let mut sql = Sql::new(
            "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.second_factor_pending FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ",
        );
        sql.bind(token_hash(token))
            .push(" AND s.expires_at > ")
            .bind(crate::instant_text(now))
            .push(" AND s.last_seen_at > ")
            .bind(crate::instant_text(now - idle))
            .push(" AND u.disabled = ")
            .bind(false);
        let Some(row) = sql.fetch_optional(self).await? else {
            return Ok(None);
        };
        let user_id: i64 = row.try_get("user_id")?;
        let csrf: String = row.try_get("csrf_token")?;
        let seen: String = row.try_get("last_seen_at")?;
        let pending = crate::sql::Read::flag(&row, "second_factor_pending")?.unwrap_or(false);
        if seen < crate::instant_text(now - chrono::Duration::seconds(TOUCH_EVERY_SECONDS)) {
            let mut sql = Sql::new("UPDATE sessions SET last_seen_at = ");
            sql.bind(crate::instant_text(now))
                .push(" WHERE token_hash = ")
                .bind(token_hash(token));
            // Not written now (the database is busy with an import): the session stays
            // live and the next request writes it.
            if let Err(e) = sql.execute(self).await {
                tracing::debug!(error = %e, "session not touched");
            }
        }
        Ok(Some(SessionUser {
            user: self.user(user_id).await?,
            csrf,
            second_factor_pending: pending,
        }))
    }

    /// Ends one session (logout).
    pub async fn end_session(&self, token: &str) -> Result<(), StoreError> {
        let mut sql = Sql::new("DELETE FROM sessions WHERE token_hash = ");
        sql.bind(token_hash(token));
        sql.execute(self).await?;
        Ok(())
    }

    pub(crate) async fn end_sessions_of(&self, user_id: i64) -> Result<(), StoreError> {
        let mut sql = Sql::new("DELETE FROM sessions WHERE user_id = ");
        sql.bind(user_id);
        sql.execute(self).await?;
        Ok(())
    }
}

/// A random password of 16 letters and digits without look-alikes (no 0/O, 1/l/I), for
/// first-run and demo accounts printed once.
pub fn random_password() -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Password(e.to_string()))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// `letters` random letters and digits without look-alikes (a 31-letter alphabet, about
/// 5 bits each), shown in groups of four: setup and recovery codes, typed by people.
pub(crate) fn random_code(letters: usize) -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; letters];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Password(e.to_string()))?;
    let chosen: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(chosen
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// Moves `sessions` and `login_throttle` into the attached `auth` file, when the database
/// has one (a SQLite file; an in-memory database keeps them). Unqualified names then find
/// them there. The session's user is no longer a foreign key: SQLite cannot refer across
/// files, and accounts are disabled, never deleted.
pub(crate) async fn move_to_auth_file(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<(), sqlx::Error> {
    let attached: Option<String> =
        sqlx::query_scalar("SELECT name FROM pragma_database_list WHERE name = 'auth'")
            .fetch_optional(&mut **tx)
            .await?;
    if attached.is_none() {
        return Ok(());
    }
    sqlx::raw_sql(
        "DROP TABLE IF EXISTS auth.sessions;
         DROP TABLE IF EXISTS auth.login_throttle;
         CREATE TABLE auth.sessions (
             token_hash TEXT PRIMARY KEY,
             user_id BIGINT NOT NULL,
             csrf_token TEXT NOT NULL,
             created_at TEXT NOT NULL,
             expires_at TEXT NOT NULL,
             last_seen_at TEXT NOT NULL DEFAULT ''
         );
         CREATE INDEX auth.sessions_user ON sessions (user_id);
         CREATE TABLE auth.login_throttle (
             throttle_key TEXT PRIMARY KEY,
             failures BIGINT NOT NULL,
             next_at TEXT NOT NULL
         );
         INSERT INTO auth.sessions SELECT token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at FROM main.sessions;
         INSERT INTO auth.login_throttle SELECT throttle_key, failures, next_at FROM main.login_throttle;
         DROP TABLE main.sessions;
         DROP TABLE main.login_throttle;",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
