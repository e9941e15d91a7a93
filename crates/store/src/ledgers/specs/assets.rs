//! 情報資産: the city's largest ledger. Its rows are written by a typed fast path
//! (`assets::write`, `import::flush`), but what a column is called, reads as and shows as
//! is described here like every other ledger's; `assets::fields` tests that the two agree.

use super::{
    DEPARTMENT_REQUIRED, Engine, Kind, Ledger, Overlap, alias, col, db, default, hint, req,
};
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};

pub const ASSETS: Ledger = Ledger {
    name: "assets",
    label: "情報資産",
    aliases: &[
        "asset",
        "資産",
        "資産台帳",
        "備品台帳",
        "情報資産台帳",
        "ネットワーク接続機器管理台帳",
        "ハードウェア",
        "機器一覧",
    ],
    table: "assets",
    key: &["asset_tag"],
    engine: Engine::Assets,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        hint(
            alias(
                req("asset_tag", "備品番号", Kind::Code),
                &[
                    "資産番号",
                    "管理番号",
                    "備品整理番号",
                    "備品整理票番号",
                    "番号",
                    "tag",
                ],
            ),
            "例: 080500-0001",
        ),
        alias(
            DEPARTMENT_REQUIRED,
            &[
                "所属名",
                "課名",
                "課所室",
                "課所室名",
                "部署",
                "部署名",
                "担当課",
                "所管課",
            ],
        ),
        hint(
            alias(
                db(col("location", "設置場所", Kind::Location), "location_id"),
                &["設置場所名", "保管場所", "場所"],
            ),
            "例: 本庁舎3階 OA室",
        ),
        alias(
            req("kind", "種別", Kind::Choice(AssetKind::CHOICES)),
            &["機器種別", "種類", "有形資産", "機器区分"],
        ),
        hint(
            alias(
                req("name", "品名", Kind::Text),
                &["名称", "機器名", "物品名", "品目"],
            ),
            "例: 事務用PC",
        ),
        alias(
            col("maker", "メーカー", Kind::Text),
            &["メーカー名", "製造元", "製造者"],
        ),
        alias(
            col("model", "型番", Kind::Text),
            &["型式", "機種", "機種名"],
        ),
        alias(
            col("serial", "製造番号", Kind::Text),
            &["シリアル", "シリアル番号", "s/n"],
        ),
        hint(
            alias(
                col("quantity", "数量", Kind::Int),
                &["台数", "利用台数", "個数"],
            ),
            "1",
        ),
        hint(
            alias(
                col("os", "OS", Kind::Text),
                &["オペレーションシステム", "オペレーティングシステム"],
            ),
            "例: Windows 11 Pro",
        ),
        alias(
            col("software", "ソフトウェア", Kind::Text),
            &["ソフトウェア名"],
        ),
        alias(
            col(
                "network_segment",
                "ネットワーク区分",
                Kind::Choice(NetworkSegment::CHOICES),
            ),
            &["ネットワーク", "接続系統", "接続先"],
        ),
        alias(
            col("internet", "インターネット接続", Kind::Bool),
            &["インターネット接続の有無", "インターネット"],
        ),
        alias(
            default(
                col("ownership", "所有区分", Kind::Choice(Ownership::CHOICES)),
                "owned",
            ),
            &["所有形態", "所有"],
        ),
        alias(
            default(
                col("procured_by", "調達区分", Kind::Choice(ProcuredBy::CHOICES)),
                "central",
            ),
            &["調達"],
        ),
        alias(
            col("acquired_on", "取得日", Kind::Date),
            &[
                "取得年月日",
                "購入日",
                "購入年月日",
                "導入日",
                "取得日/リース又はサービス開始日",
            ],
        ),
        hint(
            alias(
                col("cost_yen", "取得価格", Kind::Yen),
                &["取得金額", "購入価格", "購入金額", "価格", "金額"],
            ),
            "例: 120,000",
        ),
        alias(col("contract_no", "契約番号", Kind::Code), &["contract"]),
        alias(
            default(
                req("status", "利用状況", Kind::Choice(AssetStatus::CHOICES)),
                "in_use",
            ),
            &["使用状況", "状態", "稼働状況"],
        ),
        alias(
            col("antivirus", "ウイルス対策ソフト", Kind::Text),
            &["ウィルス対策ソフト", "ウイルス対策"],
        ),
        alias(
            col("antivirus_updated_on", "定義ファイル更新日", Kind::Date),
            &["パターンファイル更新日"],
        ),
        alias(col("retired_on", "使用中止日", Kind::Date), &["使用停止日"]),
        alias(col("disposed_on", "廃棄日", Kind::Date), &["廃棄年月日"]),
        alias(
            col("erasure_evidence", "データ消去証明", Kind::Text),
            &["消去証明"],
        ),
        alias(
            col("procurement_doc", "調達資料", Kind::Bool),
            &["購入資料"],
        ),
        alias(
            col("system_name", "システム名", Kind::Text),
            &["system", "システム名称", "情報システム", "システム"],
        ),
        col("extended_support_until", "延長サポート期限", Kind::Date),
        alias(
            col("replacement_planned_on", "更新予定日", Kind::Date),
            &["更新予定"],
        ),
        col("backup", "バックアップ", Kind::Bool),
        hint(col("confidentiality", "機密性", Kind::Int), "1・2・3"),
        hint(
            alias(
                col("replaced_by", "後継機", Kind::Code),
                &["更新後の備品番号"],
            ),
            "後継機の備品番号",
        ),
        hint(
            alias(col("usage_ratio", "利用率", Kind::Ratio), &["稼働率"]),
            "例: 60% または 0.6",
        ),
        col("usage_checked_on", "利用状況確認日", Kind::Date),
        alias(col("note", "備考", Kind::Text), &["摘要"]),
        // How the asset-management tools name the machine: matched with their inventory.
        alias(
            col("host_name", "ホスト名", Kind::Text),
            &["コンピューター名", "コンピュータ名", "端末名"],
        ),
        alias(
            col("mac_address", "MACアドレス", Kind::Text),
            &["macアドレス", "mac"],
        ),
    ],
};
