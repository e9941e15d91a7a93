//! What a caller may see and change: its tenant, and for a department-bound role the
//! departments it answers for. Every store query that reads tenant data takes one.

use crate::sql::Sql;

/// The visible part of the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The tenant every row must belong to.
    pub tenant_id: i64,
    /// `None`: every department of the tenant; `Some`: only these (already expanded to
    /// their sub-departments).
    pub departments: Option<Vec<i64>>,
    /// Whether ledger data may be changed within the scope.
    pub can_write: bool,
    /// Whether an audit's items may be recorded (auditors, 情報政策課, administrators).
    pub can_audit: bool,
}

impl Scope {
    /// The whole tenant, writable: for the CLI and the demo loader.
    pub fn tenant(tenant_id: i64) -> Self {
        Scope {
            tenant_id,
            departments: None,
            can_write: true,
            can_audit: true,
        }
    }

    /// Whether a department is inside the scope.
    pub fn covers(&self, department_id: i64) -> bool {
        self.departments
            .as_ref()
            .is_none_or(|d| d.contains(&department_id))
    }

    /// Appends ` AND <column> IN (...)` when the scope is limited to departments.
    pub(crate) fn restrict(&self, sql: &mut Sql, column: &str) {
        if let Some(departments) = &self.departments {
            if departments.is_empty() {
                sql.push(" AND 1 = 0");
            } else {
                sql.push(" AND ")
                    .push(column)
                    .push(" IN ")
                    .bind_list(departments.iter().copied());
            }
        }
    }
}

/// Who makes a change, as the change history records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// A change made by daicho itself (demo loader, import without a user).
    pub fn system(what: &str) -> Self {
        Actor {
            user_id: None,
            name: format!("system:{what}"),
        }
    }
}
