//! 歳出: spending on information systems beside the general account.

use super::{DEPARTMENT, Engine, Kind, Ledger, Overlap, alias, req};

pub(super) const EXPENDITURES: Ledger = Ledger {
    name: "expenditures",
    label: "情報化経費",
    aliases: &["経費"],
    table: "expenditures",
    key: &["fiscal_year", "department", "category", "basis"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        req("fiscal_year", "年度", Kind::FiscalYear),
        DEPARTMENT,
        alias(req("category", "歳出科目", Kind::Text), &["科目", "区分"]),
        alias(
            req(
                "basis",
                "予算・決算",
                Kind::Choice(&[("budget", "予算"), ("settled", "決算")]),
            ),
            &["区分"],
        ),
        alias(req("amount_yen", "金額", Kind::Yen), &[]),
    ],
};

pub(super) const GENERAL_ACCOUNT: Ledger = Ledger {
    name: "general_account",
    label: "一般会計歳出総額",
    aliases: &[],
    table: "general_account_totals",
    key: &["fiscal_year", "basis"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        req("fiscal_year", "年度", Kind::FiscalYear),
        req(
            "basis",
            "予算・決算",
            Kind::Choice(&[("budget", "予算"), ("settled", "決算")]),
        ),
        alias(req("total_yen", "歳出総額", Kind::Yen), &["総額"]),
    ],
};
