//! Who may do what: the six account roles of daicho.

use crate::code_enum::code_enum;

code_enum! {
    /// An account's role. Scope by department applies to `manager` (the departments it
    /// answers for) and `staff` (the department its staff member belongs to).
    Role, "役割" {
        Admin => "admin", "管理者";
        Policy => "policy", "情報政策課";
        Manager => "manager", "情報セキュリティ管理者";
        Auditor => "auditor", "監査人";
        Viewer => "viewer", "閲覧者";
        Staff => "staff", "職員";
    }
}

impl Role {
    /// Sees every department of its tenant (a manager sees only its own).
    pub fn sees_all_departments(self) -> bool {
        !matches!(self, Role::Manager | Role::Staff)
    }

    /// Sees only what concerns the person: their self-check, their training and their
    /// department's open audit items — no ledger, no finding.
    pub fn is_staff(self) -> bool {
        self == Role::Staff
    }

    /// Can change everything of a tenant, so a tenant may require a second factor of it.
    pub fn may_need_second_factor(self) -> bool {
        matches!(self, Role::Admin | Role::Policy)
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
