//! A tenant's directory (Active Directory or another LDAP server) as daicho keeps its
//! settings, and the accounts made from it: marked `directory`, without a password of
//! daicho's, made or updated at each login from what the directory said (the crate
//! `daicho-directory` asks it). A local account of the same name is never taken over.

use crate::accounts::{User, UserRow, insert_user};
use crate::history::{Change, record};
use crate::sql::{Read, Sql, Value};
use crate::{Actor, Db, StoreError};
use daicho_domain::Role;
use sqlx::Row;

/// Where a tenant's directory is and how daicho reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub tenant_id: i64,
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// Upgrade `ldap://` to TLS before anything is sent.
    pub starttls: bool,
    /// A service account that searches for the person (then the person's own DN binds).
    pub bind_dn: Option<String>,
    pub bind_password: Option<String>,
    /// Without a service account: the DN or UPN a person binds as, `{username}` replaced
    /// (`uid={username},ou=people,dc=city,dc=example`, `{username}@city.local`).
    pub user_pattern: Option<String>,
    pub search_base: String,
    /// How a person's entry is found, `{username}` replaced (escaped):
    /// `(sAMAccountName={username})`, `(uid={username})`.
    pub user_filter: String,
    /// The attribute holding the staff number (職員番号) that links to the staff ledger.
    pub staff_attribute: Option<String>,
    /// The attribute holding the name shown (`displayName`).
    pub name_attribute: Option<String>,
    /// Group DN → role; a person in several groups gets the first listed.
    pub group_roles: Vec<(String, Role)>,
    /// The role of a person in none of the groups; none: such a person may not log in.
    pub default_role: Option<Role>,
    /// Where several tenants have directories: `name@domain` logs in at this one.
    pub login_domain: Option<String>,
    /// The certificate authorities (PEM) the directory's TLS certificate is checked
    /// against; none: the system's.
    pub ca_certificate: Option<String>,
}

const COLUMNS: &str = "tenant_id, url, starttls, bind_dn, bind_password, user_pattern, \
     search_base, user_filter, staff_attribute, name_attribute, group_roles, default_role, login_domain, \
     ca_certificate";

/// Where a directory's service-account password is sealed for (see `secrets`).
fn sealed_for(tenant_id: i64) -> String {
    format!("directories.bind_password:{tenant_id}")
}

fn directory_from_row(r: &sqlx::any::AnyRow) -> Result<Directory, StoreError> {
    let role = |text: &str| Role::parse(text).map_err(|e| StoreError::Internal(e.to_string()));
    let group_roles = r
        .try_get::<String, _>("group_roles")?
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(role_code, dn)| Ok((dn.to_string(), role(role_code)?)))
        .collect::<Result<_, StoreError>>()?;
    let tenant_id: i64 = r.try_get("tenant_id")?;
    Ok(Directory {
        tenant_id,
        url: r.try_get("url")?,
        starttls: r.flag("starttls")?.unwrap_or(false),
        bind_dn: r.try_get("bind_dn")?,
        bind_password: r
            .try_get::<Option<String>, _>("bind_password")?
            .and_then(|stored| {
                // Sealed under another key (history.key replaced): as if none were set, so
                // that the settings page asks for it again.
                crate::secrets::open(&stored, &sealed_for(tenant_id))
                    .inspect_err(|_| tracing::warn!(tenant_id, "directory password unreadable"))
                    .ok()
            }),
        user_pattern: r.try_get("user_pattern")?,
        search_base: r.try_get("search_base")?,
        user_filter: r.try_get("user_filter")?,
        staff_attribute: r.try_get("staff_attribute")?,
        name_attribute: r.try_get("name_attribute")?,
        group_roles,
        default_role: r
            .try_get::<Option<String>, _>("default_role")?
            .as_deref()
            .map(role)
            .transpose()?,
        login_domain: r.try_get("login_domain")?,
        ca_certificate: r.try_get("ca_certificate")?,
    })
}

/// The settings as the change history keeps them: the service account's password and the
/// certificates only as given or not.
fn kept(d: &Directory) -> serde_json::Value {
    serde_json::json!({
        "url": d.url,
        "starttls": d.starttls,
        "bind_dn": d.bind_dn,
        "bind_password": d.bind_password.as_ref().map(|_| "（設定あり）"),
        "user_pattern": d.user_pattern,
        "search_base": d.search_base,
        "user_filter": d.user_filter,
        "staff_attribute": d.staff_attribute,
        "name_attribute": d.name_attribute,
        "group_roles": d.group_roles.iter().map(|(dn, r)| format!("{} = {dn}", r.label_ja())).collect::<Vec<_>>(),
        "default_role": d.default_role.map(|r| r.label_ja()),
        "login_domain": d.login_domain,
        "ca_certificate": d.ca_certificate.as_ref().map(|_| "（設定あり）"),
    })
}

impl Db {
    /// Sets (replaces) a tenant's directory, kept in the change history.
    pub async fn set_directory(&self, actor: &Actor, d: &Directory) -> Result<(), StoreError> {
        if d.bind_dn.is_none() && d.user_pattern.is_none() {
            return Err(StoreError::invalid(
                "bind_dn",
                "検索用のアカウント（bind DN）か、本人として接続する DN・UPN の形のどちらかを指定してください",
            ));
        }
        if d.bind_dn.is_some() && d.bind_password.as_deref().is_none_or(str::is_empty) {
            return Err(StoreError::invalid(
                "bind_password",
                "検索用アカウントのパスワードを指定してください",
            ));
        }
        if !d.user_filter.contains("{username}") {
            return Err(StoreError::invalid(
                "user_filter",
                "利用者を探す条件には {username} を含めてください（例: (sAMAccountName={username})）",
            ));
        }
        let before = self.directory(d.tenant_id).await?;
        let mut tx = self.begin_write(d.tenant_id).await?;
        let mut sql = Sql::new("DELETE FROM directories WHERE tenant_id = ");
        sql.bind(d.tenant_id);
        sql.execute(&mut *tx).await?;
        let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
        let mut sql = Sql::insert("directories", &columns);
        let groups: Vec<String> = d
            .group_roles
            .iter()
            .map(|(dn, role)| format!("{}\t{dn}", role.code()))
            .collect();
        sql.bind_list([
            Value::from(d.tenant_id),
            d.url.as_str().into(),
            d.starttls.into(),
            d.bind_dn.clone().into(),
            d.bind_password
                .as_deref()
                .map(|p| crate::secrets::seal(p, &sealed_for(d.tenant_id)))
                .transpose()?
                .into(),
            d.user_pattern.clone().into(),
            d.search_base.as_str().into(),
            d.user_filter.as_str().into(),
            d.staff_attribute.clone().into(),
            d.name_attribute.clone().into(),
            groups.join("\n").into(),
            d.default_role.map(|r| r.code().to_string()).into(),
            d.login_domain
                .as_deref()
                .map(|s| s.trim().to_lowercase())
                .into(),
            d.ca_certificate.clone().into(),
        ]);
        sql.execute(&mut *tx).await?;
        let after = kept(d);
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: d.tenant_id,
                entity: "directories",
                entity_id: Some(d.tenant_id),
                entity_key: "directory",
                action: if before.is_some() { "update" } else { "create" },
                before: before.as_ref().map(kept).as_ref(),
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a tenant's directory (kept in the change history): its people no longer log
    /// in; their accounts stay, without a password, for an administrator to decide on.
    pub async fn remove_directory(
        &self,
        actor: &Actor,
        tenant_id: i64,
    ) -> Result<bool, StoreError> {
        let Some(before) = self.directory(tenant_id).await? else {
            return Ok(false);
        };
        let mut tx = self.begin_write(tenant_id).await?;
        let mut sql = Sql::new("DELETE FROM directories WHERE tenant_id = ");
        sql.bind(tenant_id);
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new("SELECT id FROM users WHERE directory = ");
        sql.bind(true).push(" AND tenant_id = ").bind(tenant_id);
        let accounts = sql.fetch_all(&mut *tx).await?;
        record(
            &mut tx,
            actor,
            Change {
                tenant_id,
                entity: "directories",
                entity_id: Some(tenant_id),
                entity_key: "directory",
                action: "delete",
                before: Some(&kept(&before)),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        // The directory's people were logged in by it: their sessions end with it.
        for account in accounts {
            self.end_sessions_of(account.try_get("id")?).await?;
        }
        Ok(true)
    }

    /// Whether a tenant logs its people in at a directory (without reading, nor opening
    /// the sealed password of, its settings).
    pub async fn has_directory(&self, tenant_id: i64) -> Result<bool, StoreError> {
        let mut sql = Sql::new("SELECT 1 AS one FROM directories WHERE tenant_id = ");
        sql.bind(tenant_id);
        Ok(sql.fetch_optional(self).await?.is_some())
    }

    /// A tenant's directory, if it has one.
    pub async fn directory(&self, tenant_id: i64) -> Result<Option<Directory>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM directories WHERE tenant_id = "
        ));
        sql.bind(tenant_id);
        sql.fetch_optional(self)
            .await?
            .as_ref()
            .map(directory_from_row)
            .transpose()
    }

    /// The directories a login name may belong to, with the name to ask them for: the one
    /// whose domain it ends in (`yamada@okayama`), else every directory without a domain.
    pub async fn directories_for(
        &self,
        username: &str,
    ) -> Result<Vec<(Directory, String)>, StoreError> {
        let rows = Sql::new(&format!(
            "SELECT {COLUMNS} FROM directories ORDER BY tenant_id"
        ))
        .fetch_all(self)
        .await?;
        let all: Vec<Directory> = rows
            .iter()
            .map(directory_from_row)
            .collect::<Result<_, _>>()?;
        let lowered = username.to_lowercase();
        if let Some((name, domain)) = lowered.rsplit_once('@')
            && let Some(d) = all
                .iter()
                .find(|d| d.login_domain.as_deref() == Some(domain))
        {
            return Ok(vec![(d.clone(), name.to_string())]);
        }
        Ok(all
            .into_iter()
            .filter(|d| d.login_domain.is_none())
            .map(|d| (d, username.to_string()))
            .collect())
    }

    /// Whether `username` is an account of daicho's own (not made from a directory).
    pub async fn is_local_account(&self, username: &str) -> Result<bool, StoreError> {
        let mut sql = Sql::new("SELECT directory FROM users WHERE username = ");
        sql.bind(username);
        Ok(match sql.fetch_optional(self).await? {
            Some(r) => !r.flag("directory")?.unwrap_or(false),
            None => false,
        })
    }

    /// Makes or updates the account of a person the directory accepted: its name, its role
    /// and, by the staff number, its staff member (a manager answers for that person's
    /// department). Enabled again if it had been disabled by the directory; None (no login)
    /// if an administrator disabled it.
    pub async fn directory_account(
        &self,
        tenant_id: i64,
        username: &str,
        display_name: &str,
        role: Role,
        staff_number: Option<&str>,
    ) -> Result<Option<User>, StoreError> {
        let staff = match staff_number.map(str::trim).filter(|s| !s.is_empty()) {
            Some(number) => {
                let mut sql =
                    Sql::new("SELECT id, department_id FROM staff_members WHERE tenant_id = ");
                sql.bind(tenant_id).push(" AND staff_id = ").bind(number);
                sql.fetch_optional(self)
                    .await?
                    .map(|r| -> Result<(i64, Option<i64>), sqlx::Error> {
                        Ok((r.try_get("id")?, r.try_get("department_id")?))
                    })
                    .transpose()?
            }
            None => None,
        };
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new(
            "SELECT id, tenant_id, directory, disabled, disabled_by_directory FROM users WHERE username = ",
        );
        sql.bind(username);
        let existing = sql.fetch_optional(&mut *tx).await?;
        let id = match existing {
            Some(r) => {
                let (id, owner): (i64, i64) = (r.try_get("id")?, r.try_get("tenant_id")?);
                if owner != tenant_id || !r.flag("directory")?.unwrap_or(false) {
                    return Err(StoreError::Forbidden(format!(
                        "ユーザー名「{username}」はほかのアカウントが使っています"
                    )));
                }
                if r.flag("disabled")?.unwrap_or(false)
                    && !r.flag("disabled_by_directory")?.unwrap_or(false)
                {
                    tracing::warn!(
                        username,
                        "directory login to an account an administrator disabled"
                    );
                    return Ok(None);
                }
                let mut sql = Sql::new("UPDATE users SET display_name = ");
                sql.bind(display_name)
                    .push(", role = ")
                    .bind(role.code())
                    .push(", disabled = ")
                    .bind(false)
                    .push(", disabled_by_directory = ")
                    .bind(false)
                    .push(", directory_checked_at = ")
                    .bind(crate::now_text())
                    .push(", staff_ref = ")
                    .bind(staff.map(|s| s.0))
                    .push(" WHERE id = ")
                    .bind(id);
                sql.execute(&mut *tx).await?;
                id
            }
            None => {
                let id = insert_user(
                    &mut tx,
                    &UserRow {
                        tenant_id,
                        username,
                        display_name,
                        password_hash: crate::staff_accounts::NO_PASSWORD,
                        role,
                        must_change_password: false,
                        staff_ref: staff.map(|s| s.0),
                        setup: None,
                        directory: true,
                    },
                )
                .await?;
                let mut sql = Sql::new("UPDATE users SET directory_checked_at = ");
                sql.bind(crate::now_text()).push(" WHERE id = ").bind(id);
                sql.execute(&mut *tx).await?;
                id
            }
        };
        let mut sql = Sql::new("DELETE FROM user_departments WHERE tenant_id = ");
        sql.bind(tenant_id).push(" AND user_id = ").bind(id);
        sql.execute(&mut *tx).await?;
        if role == Role::Manager
            && let Some((_, Some(department))) = staff
        {
            let mut sql = Sql::new(
                "INSERT INTO user_departments (tenant_id, user_id, department_id) VALUES (",
            );
            sql.bind(tenant_id)
                .push(", ")
                .bind(id)
                .push(", ")
                .bind(department)
                .push(")");
            sql.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Some(self.user(id).await?))
    }

    /// Whether a session of a directory's account is due to be checked with the directory
    /// again (last confirmed more than `every` ago); claims the check, so that a burst of
    /// requests asks the directory once.
    pub async fn directory_check_due(
        &self,
        user_id: i64,
        every: chrono::Duration,
    ) -> Result<bool, StoreError> {
        let now = chrono::Utc::now();
        let mut sql = Sql::new("UPDATE users SET directory_checked_at = ");
        sql.bind(crate::instant_text(now))
            .push(" WHERE id = ")
            .bind(user_id)
            .push(" AND directory = ")
            .bind(true)
            .push(" AND (directory_checked_at IS NULL OR directory_checked_at < ")
            .bind(crate::instant_text(now - every))
            .push(")");
        Ok(sql.execute(self).await?.rows_affected() == 1)
    }

    /// The directory no longer lets this person use daicho (no group, no default role):
    /// their account made from it is disabled and its sessions end.
    pub async fn disable_directory_account(
        &self,
        tenant_id: i64,
        username: &str,
    ) -> Result<(), StoreError> {
        let mut sql = Sql::new("SELECT id FROM users WHERE directory = 1 AND tenant_id = ");
        sql.bind(tenant_id).push(" AND username = ").bind(username);
        if let Some(r) = sql.fetch_optional(self).await? {
            let id: i64 = r.try_get("id")?;
            let mut sql = Sql::new("UPDATE users SET disabled = ");
            sql.bind(true)
                .push(", disabled_by_directory = ")
                .bind(true)
                .push(" WHERE id = ")
                .bind(id)
                .push(" AND disabled = ")
                .bind(false);
            sql.execute(self).await?;
            self.end_sessions_of(id).await?;
        }
        Ok(())
    }
}
