//! The second factor of the accounts that can change everything (管理者, 情報政策課): a
//! time-based one-time password (RFC 6238 as every authenticator app reads an
//! `otpauth://` URI: SHA-1, 6 digits, 30-second steps) and recovery codes for a lost
//! phone. A tenant may require it of those roles; an administrator (or the CLI) can take
//! it off an account whose phone and codes are both lost.

use crate::accounts::{ACCOUNT, User};
use crate::sql::{Read, Sql};
use crate::{Actor, Db, Scope, StoreError};
use serde_json::json;
use sqlx::Row;
use totp_rs::{Algorithm, Secret, TOTP};

/// The name an authenticator app shows beside the code.
pub const ISSUER: &str = "daicho";
/// Seconds per code.
const STEP: u64 = 30;
/// Digits per code.
const DIGITS: usize = 6;
/// Steps before or after now whose code is still accepted: a phone's clock a little off,
/// a code typed as it changes.
const SKEW: i64 = 1;
/// Recovery codes made at once; each opens one login.
pub const RECOVERY_CODES: usize = 10;

/// What an account shows its authenticator app to set the second factor up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The shared secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://totp/...` URI, for a QR code.
    pub uri: String,
}

/// The answer to a code typed at login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Accepted,
    /// A wrong, old or already used code.
    Refused,
    /// Too many wrong codes: wait before the next try.
    Throttled,
}

fn totp(secret_base32: &str) -> Result<TOTP, StoreError> {
    let bytes = Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|e| StoreError::Password(format!("totp secret: {e:?}")))?;
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP, bytes)
        .map_err(|e| StoreError::Password(format!("totp: {e}")))
}

/// The step whose code `code` is, among the steps around `now` (Unix seconds).
fn matching_step(secret_base32: &str, code: &str, now: u64) -> Result<Option<i64>, StoreError> {
    let totp = totp(secret_base32)?;
    let current = (now / STEP) as i64;
    Ok((current - SKEW..=current + SKEW)
        .filter(|s| *s >= 0)
        .find(|s| {
            // Compared whole, in constant time, as the crate compares its own.
            let expected = totp.generate(*s as u64 * STEP);
            constant_time(expected.as_bytes(), code.as_bytes())
        }))
}

fn constant_time(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A code as typed: spaces and hyphens dropped, letters in lower case.
fn normalised(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn recovery_hash(code: &str) -> String {
    crate::sessions::token_hash(&normalised(code))
}

/// Ten codes of 12 letters and digits without look-alikes (about 60 bits each).
fn new_recovery_codes() -> Result<Vec<String>, StoreError> {
    (0..RECOVERY_CODES)
        .map(|_| crate::random_code(12))
        .collect()
}

fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// Where an account's TOTP secret is sealed for (see `secrets`).
fn sealed_for(user_id: i64) -> String {
    format!("users.totp_secret:{user_id}")
}

fn uri(user: &User, secret: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        enc(ISSUER),
        enc(&user.username),
        enc(ISSUER)
    )
}

impl Db {
    /// Starts setting up the second factor: a new secret, kept but not yet in force until
    /// a code from it is typed ([`Db::confirm_totp`]). Refused while one is in force.
    pub async fn start_totp(&self, user: &User) -> Result<Enrollment, StoreError> {
        if user.two_factors {
            return Err(StoreError::invalid(
                "totp",
                "二要素認証は既に設定されています。設定し直すには管理者に解除を依頼してください",
            ));
        }
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Password(e.to_string()))?;
        let secret = match Secret::Raw(bytes.to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!("to_encoded gives the encoded form"),
        };
        let mut sql = Sql::new("UPDATE users SET totp_secret = ");
        sql.bind(crate::secrets::seal(&secret, &sealed_for(user.id))?)
            .push(" WHERE totp_enabled = 0 AND id = ")
            .bind(user.id);
        sql.execute(self).await?;
        Ok(Enrollment {
            uri: uri(user, &secret),
            secret,
        })
    }

    /// The secret being set up, for showing again (a reload of the page).
    pub async fn pending_totp(&self, user: &User) -> Result<Option<Enrollment>, StoreError> {
        Ok(self
            .pending_secret(user)
            .await?
            .map(|(_, secret)| Enrollment {
                uri: uri(user, &secret),
                secret,
            }))
    }

    /// The secret being set up: as stored (sealed) and as the app has it.
    async fn pending_secret(&self, user: &User) -> Result<Option<(String, String)>, StoreError> {
        let mut sql = Sql::new("SELECT totp_secret FROM users WHERE totp_enabled = 0 AND id = ");
        sql.bind(user.id);
        let stored: Option<String> = match sql.fetch_optional(self).await? {
            Some(r) => r.try_get("totp_secret")?,
            None => None,
        };
        stored
            .map(|stored| {
                let plain = crate::secrets::open(&stored, &sealed_for(user.id))?;
                Ok((stored, plain))
            })
            .transpose()
    }

    /// Puts the second factor in force when `code` is the current code of the secret
    /// being set up, and returns the recovery codes (shown once; only their hashes are
    /// kept). None: the code is not right.
    pub async fn confirm_totp(
        &self,
        user: &User,
        code: &str,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let Some((stored, secret)) = self.pending_secret(user).await? else {
            return Ok(None);
        };
        let Some(step) = matching_step(&secret, &normalised(code), unix_now())? else {
            return Ok(None);
        };
        let codes = new_recovery_codes()?;
        let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
        let mut sql = Sql::new("UPDATE users SET totp_enabled = 1, totp_last_step = ");
        sql.bind(step)
            .push(", recovery_codes = ")
            .bind(hashes.join(" "))
            .push(" WHERE totp_enabled = 0 AND id = ")
            .bind(user.id)
            .push(" AND totp_secret = ")
            .bind(stored.as_str());
        if sql.execute(self).await?.rows_affected() != 1 {
            return Ok(None);
        }
        tracing::info!(user = user.username, "second factor set up");
        Ok(Some(codes))
    }

    /// Checks the second factor typed at login: the current code of the account's app
    /// (each step's code once), or one of its unused recovery codes (used up). Wrong codes
    /// are throttled as wrong passwords are, per account.
    pub async fn verify_second_factor(
        &self,
        user: &User,
        code: &str,
    ) -> Result<SecondFactor, StoreError> {
        let key = format!("second-factor:{}", user.id);
        if !self.claim_try(&key, &ACCOUNT).await? {
            tracing::warn!(user = user.username, "second factor throttled");
            return Ok(SecondFactor::Throttled);
        }
        let mut sql = Sql::new(
            "SELECT totp_secret, totp_enabled, totp_last_step, recovery_codes FROM users WHERE id = ",
        );
        sql.bind(user.id);
        let row = sql
            .fetch_optional(self)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("ユーザー {}", user.id)))?;
        let enabled = row.flag("totp_enabled")?.unwrap_or(false);
        let secret: Option<String> = row
            .try_get::<Option<String>, _>("totp_secret")?
            .map(|stored| crate::secrets::open(&stored, &sealed_for(user.id)))
            .transpose()?;
        let recovery: Option<String> = row.try_get("recovery_codes")?;
        let code = normalised(code);
        let accepted = match secret.filter(|_| enabled) {
            None => false,
            Some(secret) if code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit()) => {
                match matching_step(&secret, &code, unix_now())? {
                    // Taken only if no later step was: a code seen over a shoulder or
                    // replayed within its minute is refused.
                    Some(step) => {
                        let mut sql = Sql::new("UPDATE users SET totp_last_step = ");
                        sql.bind(step)
                            .push(" WHERE id = ")
                            .bind(user.id)
                            .push(" AND (totp_last_step IS NULL OR totp_last_step < ")
                            .bind(step)
                            .push(")");
                        sql.execute(self).await?.rows_affected() == 1
                    }
                    None => false,
                }
            }
            Some(_) => {
                let hash = recovery_hash(&code);
                let before = recovery.unwrap_or_default();
                let kept: Vec<&str> = before.split(' ').filter(|h| *h != hash).collect();
                if kept.len() == before.split(' ').count() {
                    false
                } else {
                    // Only if no one used a code since it was read: each code opens once.
                    let mut sql = Sql::new("UPDATE users SET recovery_codes = ");
                    sql.bind(kept.join(" "))
                        .push(" WHERE id = ")
                        .bind(user.id)
                        .push(" AND recovery_codes = ")
                        .bind(before.as_str());
                    let used = sql.execute(self).await?.rows_affected() == 1;
                    if used {
                        tracing::warn!(
                            user = user.username,
                            left = kept.len(),
                            "recovery code used"
                        );
                    }
                    used
                }
            }
        };
        if accepted {
            let mut sql = Sql::new("DELETE FROM login_throttle WHERE throttle_key = ");
            sql.bind(key.as_str());
            sql.execute(self).await?;
            Ok(SecondFactor::Accepted)
        } else {
            tracing::warn!(user = user.username, "wrong second factor");
            Ok(SecondFactor::Refused)
        }
    }

    /// How many recovery codes the account has left.
    pub async fn recovery_codes_left(&self, user: &User) -> Result<usize, StoreError> {
        let mut sql = Sql::new("SELECT recovery_codes FROM users WHERE id = ");
        sql.bind(user.id);
        let codes: Option<String> = match sql.fetch_optional(self).await? {
            Some(r) => r.try_get("recovery_codes")?,
            None => None,
        };
        Ok(codes.map_or(0, |c| c.split(' ').filter(|h| !h.is_empty()).count()))
    }

    /// Takes the second factor off an account (a lost phone and lost codes) and ends its
    /// sessions: at its next login it sets one up again if its tenant requires it.
    pub async fn reset_two_factors(&self, user: &User) -> Result<(), StoreError> {
        let mut sql = Sql::new(
            "UPDATE users SET totp_enabled = 0, totp_secret = NULL, totp_last_step = NULL, recovery_codes = NULL WHERE id = ",
        );
        sql.bind(user.id);
        sql.execute(self).await?;
        tracing::warn!(user = user.username, "second factor reset");
        self.end_sessions_of(user.id).await
    }

    /// Whether the tenant requires a second factor of its administrators and 情報政策課.
    pub async fn two_factors_required(&self, tenant_id: i64) -> Result<bool, StoreError> {
        let mut sql = Sql::new("SELECT two_factors_required FROM tenants WHERE id = ");
        sql.bind(tenant_id);
        Ok(match sql.fetch_optional(self).await? {
            Some(r) => r.flag("two_factors_required")?.unwrap_or(false),
            None => false,
        })
    }

    /// Requires (or stops requiring) the second factor of the tenant's administrators and
    /// 情報政策課. Kept in the history.
    pub async fn set_two_factors_required(
        &self,
        scope: &Scope,
        actor: &Actor,
        required: bool,
    ) -> Result<(), StoreError> {
        let before = self.two_factors_required(scope.tenant_id).await?;
        let as_json = |r: bool| json!({ "two_factors_required": r });
        self.set_tenant_column(
            scope,
            actor,
            "two_factors_required",
            required.into(),
            (as_json(before), as_json(required)),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_of_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", 8 digits there; the
        // last 6 of each are what a 6-digit app shows.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        for (time, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (2000000000, "279037"),
        ] {
            assert_eq!(
                matching_step(&secret, code, time).expect("step"),
                Some(time as i64 / 30)
            );
        }
        assert_eq!(matching_step(&secret, "287083", 59).expect("step"), None);
        // A step either side is accepted, two are not.
        assert!(
            matching_step(&secret, "287082", 59 + 30)
                .expect("s")
                .is_some()
        );
        assert!(
            matching_step(&secret, "287082", 59 + 60)
                .expect("s")
                .is_none()
        );
    }

    #[test]
    fn recovery_codes_are_many_distinct_and_read_as_typed() {
        let codes = new_recovery_codes().expect("codes");
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 14);
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(recovery_hash(&typed), recovery_hash(&codes[0]));
    }
}
