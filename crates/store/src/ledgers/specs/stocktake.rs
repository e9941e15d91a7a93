//! 棚卸と現地確認: what was physically found where.

use super::{DEPARTMENT_REQUIRED, Engine, Kind, Ledger, alias, col, db, req};

pub(super) const STOCKTAKES: Ledger = Ledger {
    name: "stocktakes",
    label: "棚卸",
    aliases: &["現物確認"],
    table: "stocktakes",
    key: &["stocktake_id"],
    engine: Engine::Described,
    register: None,
    columns: &[
        alias(req("stocktake_id", "棚卸番号", Kind::Code), &["番号"]),
        DEPARTMENT_REQUIRED,
        alias(
            db(
                col("location", "場所", Kind::Reference("locations")),
                "location_id",
            ),
            &["設置場所"],
        ),
        alias(col("done_on", "実施日", Kind::Date), &["棚卸日"]),
        alias(col("complete", "完了", Kind::Bool), &[]),
        alias(col("assignee", "担当", Kind::Text), &["担当者"]),
        alias(col("due_on", "期限", Kind::Date), &["実施期限"]),
    ],
};

pub(super) const SIGHTINGS: Ledger = Ledger {
    name: "sightings",
    label: "現物確認記録",
    aliases: &[],
    table: "sightings",
    key: &["stocktake_id", "line"],
    engine: Engine::Described,
    register: None,
    columns: &[
        alias(
            db(
                req("stocktake_id", "棚卸番号", Kind::Reference("stocktakes")),
                "stocktake_ref",
            ),
            &[],
        ),
        alias(req("line", "行番号", Kind::Int), &["No"]),
        alias(col("asset_tag", "備品番号", Kind::Code), &[]),
        alias(col("kind", "種別", Kind::Text), &[]),
        alias(col("description", "内容", Kind::Text), &["品名", "説明"]),
        alias(
            col(
                "ownership",
                "所有区分",
                Kind::Choice(&[
                    ("owned", "自己所有"),
                    ("leased", "リース"),
                    ("rented", "レンタル"),
                    ("donated", "寄付"),
                    ("private", "私物"),
                    ("service", "サービス利用"),
                ]),
            ),
            &[],
        ),
        alias(col("tag_present", "備品整理票", Kind::Bool), &["シール"]),
        alias(col("wire_lock", "ワイヤーロック", Kind::Bool), &[]),
        alias(
            col("password_note", "パスワードの付箋", Kind::Bool),
            &["付箋"],
        ),
        alias(col("cost_yen", "取得価格", Kind::Yen), &["価格"]),
        alias(
            db(
                col("location", "確認した場所", Kind::Reference("locations")),
                "location_id",
            ),
            &["発見場所"],
        ),
        alias(col("in_use", "使用中", Kind::Bool), &[]),
    ],
};

pub(super) const OBSERVATIONS: Ledger = Ledger {
    name: "observations",
    label: "確認事項",
    aliases: &["所見"],
    table: "observations",
    key: &["department", "observed_on", "item"],
    engine: Engine::Described,
    register: None,
    columns: &[
        DEPARTMENT_REQUIRED,
        alias(req("observed_on", "確認日", Kind::Date), &["日付"]),
        alias(req("item", "項目", Kind::Code), &["点検項目"]),
        alias(col("subject", "対象", Kind::Text), &[]),
        alias(col("detail", "内容", Kind::Text), &["詳細"]),
    ],
};
