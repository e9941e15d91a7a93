//! 所属・場所・職員: the organisation other ledgers refer to.

use super::{DEPARTMENT, Engine, Kind, Ledger, Overlap, alias, col, db, req};

pub const DEPARTMENTS: Ledger = Ledger {
    name: "departments",
    label: "所属",
    aliases: &["所属一覧", "組織"],
    table: "departments",
    key: &["code"],
    engine: Engine::Departments,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(
            req("code", "所属コード", Kind::Code),
            &["コード", "課コード"],
        ),
        alias(req("name", "所属名", Kind::Text), &["名称", "課名"]),
        col(
            "level",
            "階層",
            Kind::Choice(daicho_domain::DepartmentLevel::CHOICES),
        ),
        alias(
            db(col("parent", "上位所属", Kind::Department), "parent_id"),
            &["上位", "部局"],
        ),
        alias(
            col("manager", "情報セキュリティ管理者", Kind::Text),
            &["所属長", "課長"],
        ),
    ],
};

pub(super) const LOCATIONS: Ledger = Ledger {
    name: "locations",
    label: "設置場所",
    aliases: &["場所"],
    table: "locations",
    key: &["code"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        req("code", "場所コード", Kind::Code),
        DEPARTMENT,
        req("building", "建物", Kind::Text),
        col("room", "部屋", Kind::Text),
        alias(col("lockable", "施錠可否", Kind::Bool), &["施錠"]),
    ],
};

pub(super) const STAFF: Ledger = Ledger {
    name: "staff",
    label: "職員",
    aliases: &["職員名簿"],
    table: "staff_members",
    key: &["staff_id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("staff_id", "職員番号", Kind::Code), &["職員コード"]),
        alias(col("name", "氏名", Kind::Text), &["名前"]),
        DEPARTMENT,
        alias(
            req(
                "employment",
                "任用区分",
                Kind::Choice(&[
                    ("regular", "職員"),
                    ("fiscal_year_appointed", "会計年度任用職員"),
                    ("contractor", "委託・派遣"),
                ]),
            ),
            &["雇用区分"],
        ),
        alias(
            db(
                col(
                    "role",
                    "セキュリティ役割",
                    Kind::Choice(&[
                        ("ciso", "最高情報セキュリティ責任者"),
                        ("chief", "統括情報セキュリティ責任者"),
                        ("manager", "情報セキュリティ管理者"),
                        ("system_admin", "情報システム管理者"),
                        ("tech_contact", "技術担当者"),
                    ]),
                ),
                "security_role",
            ),
            &["役割"],
        ),
    ],
};
