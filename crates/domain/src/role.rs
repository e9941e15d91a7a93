//! Who may do what: the five account roles of daicho.

use crate::code_enum::code_enum;

code_enum! {
    /// An account's role. Scope by department applies to `manager` only.
    Role, "役割" {
        Admin => "admin", "管理者";
        Policy => "policy", "情報政策課";
        Manager => "manager", "情報セキュリティ管理者";
        Auditor => "auditor", "監査人";
        Viewer => "viewer", "閲覧者";
    }
}

impl Role {
    /// Sees every department of its tenant (a manager sees only its own).
    pub fn sees_all_departments(self) -> bool {
        !matches!(self, Role::Manager)
    }

    /// May create and change ledger data (a manager within its departments).
    pub fn writes_ledgers(self) -> bool {
        matches!(self, Role::Admin | Role::Policy | Role::Manager)
    }

    /// May record an audit's items (the auditor, 情報政策課 and the administrator); the
    /// auditor writes nothing else.
    pub fn records_audits(self) -> bool {
        matches!(self, Role::Admin | Role::Policy | Role::Auditor)
    }
}
