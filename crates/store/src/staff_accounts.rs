//! Staff accounts in bulk: one `staff` account per person of the staff ledger, so that
//! 2,000–10,000 people can answer the self-check without an administrator typing each.
//! A new account has no password: the person sets one with a setup code printed for them
//! (on a sheet, with a QR code of the link), valid for some days and used once. Only the
//! code's SHA-256 is kept, as for session tokens; an argon2 hash per person would make a
//! sync of 10,000 take minutes.

use crate::accounts::{ADDRESS, User, UserRow, insert_user};
use crate::sql::Sql;
use crate::{Db, StoreError};
use daicho_domain::Role;
use sqlx::Row;

/// A password hash no password matches: an account that has none yet.
pub(crate) const NO_PASSWORD: &str = "!";

/// Days a setup code stays valid by default.
pub const SETUP_DAYS: i64 = 30;

/// A person's account and the code that opens it, for the sheet handed to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupSlip {
    pub username: String,
    pub display_name: String,
    pub department_name: String,
    /// The code as printed (groups of four).
    pub code: String,
    /// The last day (Japan) it can be used.
    pub expires_on: chrono::NaiveDate,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffSync {
    /// Accounts made now, with their setup codes.
    pub created: Vec<SetupSlip>,
    /// People who already have an account (of any role).
    pub kept: usize,
    /// Staff accounts disabled because their person is no longer in the staff ledger.
    pub disabled: Vec<String>,
    /// People whose staff number is the user name of an account not theirs (another
    /// tenant's, or a person's made by hand): not made; a prefix tells them apart.
    pub conflicts: Vec<String>,
    /// The tenant logs in at its directory: no account is made and no code handed out;
    /// a person's account is made at their first login with the directory's password.
    pub by_directory: bool,
    /// With a directory: the people of the staff ledger who have not logged in yet.
    pub awaiting_login: usize,
}

fn code_hash(code: &str) -> String {
    let typed: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect();
    crate::sessions::token_hash(&typed)
}

impl Db {
    /// Makes a `staff` account for every person of the tenant's staff ledger who has none
    /// (user name: `prefix` + staff number), each with a setup code valid `days` days, and
    /// disables the staff accounts whose person is gone. Existing accounts keep their
    /// role and password. All or nothing. A tenant with a directory gets no accounts nor
    /// codes (the directory makes them at the first login; it also decides who may log
    /// in, so its accounts are left as they are): the sync counts who has not logged in.
    pub async fn sync_staff_accounts(
        &self,
        tenant_id: i64,
        prefix: &str,
        days: i64,
    ) -> Result<StaffSync, StoreError> {
        if prefix.contains(char::is_whitespace) {
            return Err(StoreError::invalid(
                "prefix",
                "ユーザー名の接頭辞に空白は使えません",
            ));
        }
        let expires_on = crate::today() + chrono::Duration::days(days.max(1));
        let mut sql = Sql::new(
            "SELECT st.id, st.staff_id, st.name, d.name AS department_name FROM staff_members st \
             LEFT JOIN departments d ON d.id = st.department_id AND d.tenant_id = st.tenant_id \
             WHERE st.tenant_id = ",
        );
        sql.bind(tenant_id).push(" ORDER BY st.staff_id");
        let people = sql.fetch_all(self).await?;
        let mut sql = Sql::new(
            "SELECT id, username, role, staff_ref, disabled, directory FROM users WHERE tenant_id = ",
        );
        sql.bind(tenant_id);
        let accounts = sql.fetch_all(self).await?;
        let mut linked = std::collections::HashSet::new();
        for a in &accounts {
            if let Some(s) = a.try_get::<Option<i64>, _>("staff_ref")? {
                linked.insert(s);
            }
        }
        let staff_ids: std::collections::HashSet<i64> = people
            .iter()
            .map(|p| p.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut sync = StaffSync {
            by_directory: self.has_directory(tenant_id).await?,
            ..StaffSync::default()
        };
        let mut disabled_ids = Vec::new();
        let mut tx = self.pool().begin().await?;
        let expires_at = crate::instant_text(crate::end_of_day_jst(expires_on));
        for p in &people {
            let staff_ref: i64 = p.try_get("id")?;
            if linked.contains(&staff_ref) {
                sync.kept += 1;
                continue;
            }
            if sync.by_directory {
                sync.awaiting_login += 1;
                continue;
            }
            let username = format!("{prefix}{}", p.try_get::<String, _>("staff_id")?);
            let mut taken = Sql::new("SELECT id FROM users WHERE username = ");
            taken.bind(username.as_str());
            if taken.fetch_optional(&mut *tx).await?.is_some() {
                sync.conflicts.push(username);
                continue;
            }
            let display_name = p
                .try_get::<Option<String>, _>("name")?
                .unwrap_or_else(|| username.clone());
            let code = crate::random_code(16)?;
            insert_user(
                &mut tx,
                &UserRow {
                    tenant_id,
                    username: &username,
                    display_name: &display_name,
                    password_hash: NO_PASSWORD,
                    role: Role::Staff,
                    must_change_password: false,
                    staff_ref: Some(staff_ref),
                    setup: Some((code_hash(&code), expires_at.clone())),
                    directory: false,
                },
            )
            .await?;
            sync.created.push(SetupSlip {
                username,
                display_name,
                department_name: p
                    .try_get::<Option<String>, _>("department_name")?
                    .unwrap_or_default(),
                code,
                expires_on,
            });
        }
        for a in &accounts {
            let role: String = a.try_get("role")?;
            let gone = a
                .try_get::<Option<i64>, _>("staff_ref")?
                .is_none_or(|s| !staff_ids.contains(&s));
            let disabled = crate::sql::Read::flag(a, "disabled")?.unwrap_or(false);
            let directory = crate::sql::Read::flag(a, "directory")?.unwrap_or(false);
            if role == Role::Staff.code() && gone && !disabled && !directory {
                let id: i64 = a.try_get("id")?;
                let mut sql = Sql::new("UPDATE users SET disabled = ");
                sql.bind(true).push(" WHERE id = ").bind(id);
                sql.execute(&mut *tx).await?;
                disabled_ids.push(id);
                sync.disabled.push(a.try_get("username")?);
            }
        }
        tx.commit().await?;
        // A disabled account's sessions already open nothing; they are removed after the
        // accounts (on Citus the sessions are sharded apart from them).
        for id in disabled_ids {
            self.end_sessions_of(id).await?;
        }
        tracing::info!(
            tenant_id,
            created = sync.created.len(),
            disabled = sync.disabled.len(),
            "staff accounts synced"
        );
        Ok(sync)
    }

    /// A new setup code for an account (a lost sheet, an expired code): the password it
    /// had stops working and its sessions end.
    pub async fn issue_setup_code(&self, user: &User, days: i64) -> Result<SetupSlip, StoreError> {
        if user.directory {
            return Err(StoreError::invalid(
                "username",
                "ディレクトリのアカウントには登録コードを発行できません（パスワードはディレクトリのものです）",
            ));
        }
        let code = crate::random_code(16)?;
        let expires_on = crate::today() + chrono::Duration::days(days.max(1));
        let mut sql = Sql::new("UPDATE users SET setup_code_hash = ");
        sql.bind(code_hash(&code))
            .push(", setup_expires_at = ")
            .bind(crate::instant_text(crate::end_of_day_jst(expires_on)))
            .push(", password_hash = ")
            .bind(NO_PASSWORD)
            .push(" WHERE id = ")
            .bind(user.id);
        sql.execute(self).await?;
        self.end_sessions_of(user.id).await?;
        let department_name = match self.staff_of_user(user.id).await? {
            Some(s) => s.department_name.unwrap_or_default(),
            None => String::new(),
        };
        Ok(SetupSlip {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            department_name,
            code,
            expires_on,
        })
    }

    /// The account a setup code opens, if the code is live and the account enabled.
    /// Tries are throttled per client address, as logins are.
    pub async fn account_of_setup_code(
        &self,
        code: &str,
        remote: &str,
    ) -> Result<Result<User, crate::LoginFailure>, StoreError> {
        if !self
            .claim_try(&format!("address:{remote}"), &ADDRESS)
            .await?
        {
            return Ok(Err(crate::LoginFailure::Throttled));
        }
        let mut sql = Sql::new("SELECT id FROM users WHERE setup_code_hash = ");
        sql.bind(code_hash(code))
            .push(" AND setup_expires_at > ")
            .bind(crate::now_text())
            .push(" AND disabled = ")
            .bind(false);
        match sql.fetch_optional(self).await? {
            Some(r) => Ok(Ok(self.user(r.try_get("id")?).await?)),
            None => {
                tracing::warn!(remote, "wrong setup code");
                Ok(Err(crate::LoginFailure::BadCredentials))
            }
        }
    }

    /// Sets the first password of the account a live setup code opens, and uses the code
    /// up. Refused (nothing changed) when the code is no longer live or the password is
    /// too weak.
    pub async fn complete_setup(
        &self,
        code: &str,
        user: &User,
        password: &str,
    ) -> Result<(), StoreError> {
        let hash = crate::accounts::hash_off_thread(&user.username, password).await?;
        let mut sql = Sql::new("UPDATE users SET password_hash = ");
        sql.bind(hash)
            .push(", setup_code_hash = NULL, setup_expires_at = NULL, must_change_password = ")
            .bind(false)
            .push(", password_changed_at = ")
            .bind(crate::now_text())
            .push(" WHERE id = ")
            .bind(user.id)
            .push(" AND setup_code_hash = ")
            .bind(code_hash(code))
            .push(" AND setup_expires_at > ")
            .bind(crate::now_text());
        if sql.execute(self).await?.rows_affected() != 1 {
            return Err(StoreError::invalid(
                "code",
                "この登録コードは使えません（使用済みか期限切れです）。管理者に新しいコードを依頼してください",
            ));
        }
        let mut sql = Sql::new("DELETE FROM login_throttle WHERE throttle_key = ");
        sql.bind(format!("account:{}", user.username));
        sql.execute(self).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed_and_distinct() {
        let code = crate::random_code(16).expect("code");
        assert_eq!(code.len(), 19);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_uppercase().replace('-', " "))
        );
        assert_ne!(code, crate::random_code(16).expect("code"));
    }
}
