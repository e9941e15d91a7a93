//! The department tree: 部局 > 課 > 係.

use crate::code_enum::code_enum;

code_enum! {
    /// The level of a department in the tree.
    DepartmentLevel, "組織階層" {
        Bureau => "bureau", "部局";
        Section => "section", "課";
        Unit => "unit", "係";
    }
}
