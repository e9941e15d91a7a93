//! 棚卸と現地確認: what was physically found where.

use super::{DEPARTMENT_REQUIRED, Engine, Kind, Ledger, Overlap, alias, col, db, req};

pub(super) const STOCKTAKES: Ledger = Ledger {
    name: "stocktakes",
    label: "棚卸",
    aliases: &["現物確認"],
    table: "stocktakes",
    key: &["stocktake_id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
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
    overlap: Overlap::Ask,
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
    overlap: Overlap::Ask,
    columns: &[
        DEPARTMENT_REQUIRED,
        alias(req("observed_on", "確認日", Kind::Date), &["日付"]),
        alias(req("item", "項目", Kind::Code), &["点検項目"]),
        alias(col("subject", "対象", Kind::Text), &[]),
        alias(col("detail", "内容", Kind::Text), &["詳細"]),
    ],
};

/// What the asset-management tools see on the network (SKYSEA, LanScope, JP1 and the like
/// export it as CSV; osquery as JSON): one machine per host name, as the last export said.
/// The rules match it to the asset ledger by serial number, MAC address or host name.
pub(super) const INVENTORY: Ledger = Ledger {
    name: "inventory",
    label: "資産管理ツールの検出",
    aliases: &["インベントリ", "インベントリ情報", "資産情報", "検出端末"],
    table: "inventory",
    key: &["host_name"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::MostDirect,
    columns: &[
        alias(
            req("host_name", "ホスト名", Kind::Code),
            &[
                "コンピューター名",
                "コンピュータ名",
                "コンピューター",
                "端末名",
                "マシン名",
                "hostname",
                "computer_name",
                "hostidentifier",
            ],
        ),
        alias(
            col("serial", "製造番号", Kind::Text),
            &[
                "シリアル番号",
                // JP1/IT Desktop Management 2's name (BIOS).
                "シリアルナンバー",
                "シリアルno",
                "hardware_serial",
                "serial_number",
            ],
        ),
        alias(
            col("mac_address", "MACアドレス", Kind::Text),
            &["macアドレス", "mac", "物理アドレス"],
        ),
        alias(
            col("ip_address", "IPアドレス", Kind::Text),
            &["ipアドレス", "address", "ip"],
        ),
        alias(
            col("os", "OS", Kind::Text),
            &[
                "os名",
                "osの種類",
                "os情報",
                "オペレーティングシステム",
                "os_name",
            ],
        ),
        alias(
            col("user_name", "ログオンユーザー", Kind::Text),
            &[
                "最終ログオンユーザー",
                "ログオンユーザー名",
                // JP1's and Systemwalker Desktop Patrol's names.
                "利用者名",
                "ユーザー名",
                "ユーザ名",
                "利用者",
                "username",
            ],
        ),
        alias(
            col("last_seen", "最終検出日時", Kind::Instant),
            &[
                // JP1: the last time the machine reached its server.
                "最終接続確認日時",
                "最終通信日時",
                "最終接続日時",
                "最終更新日時",
                "最終起動日時",
                "資産情報取得日時",
                // JP1 and Systemwalker: when the machine's information last changed,
                // after the times it was last seen above.
                "更新日時",
                "最終更新日",
                "unixtime",
            ],
        ),
        alias(
            col("source", "取得元", Kind::Text),
            &["ツール", "管理ツール"],
        ),
    ],
};
