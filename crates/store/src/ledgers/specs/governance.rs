//! 情報システム・契約・個人情報・ウェブサイト・規程・例外: what the city runs, buys, holds, publishes and allows.

use super::{DEPARTMENT, Engine, Kind, Ledger, Overlap, SEGMENTS, alias, col, db, req};

pub(super) const SYSTEMS: Ledger = Ledger {
    name: "systems",
    label: "情報システム",
    aliases: &["システム一覧"],
    table: "information_systems",
    key: &["name"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(
            req("name", "システム名", Kind::Text),
            &["システム名称", "名称"],
        ),
        DEPARTMENT,
        col(
            "network_segment",
            "ネットワーク区分",
            Kind::Choice(SEGMENTS),
        ),
        alias(col("status", "稼働状況", Kind::Text), &["状況", "利用状況"]),
        alias(col("decision", "対応方針", Kind::Text), &["方針"]),
        alias(col("vendor", "事業者", Kind::Text), &["ベンダー", "業者"]),
    ],
};

pub(super) const CONTRACTS: Ledger = Ledger {
    name: "contracts",
    label: "契約",
    aliases: &["契約台帳", "契約一覧"],
    table: "contracts",
    key: &["contract_no"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("contract_no", "契約番号", Kind::Code), &["番号"]),
        DEPARTMENT,
        alias(req("title", "件名", Kind::Text), &["契約件名", "契約名"]),
        alias(col("kind", "契約種別", Kind::Text), &["種別"]),
        alias(
            col(
                "method",
                "契約方法",
                Kind::Choice(&[
                    ("general_tender", "一般競争入札"),
                    ("designated_tender", "指名競争入札"),
                    ("proposal", "公募型プロポーザル"),
                    ("discretionary", "随意契約"),
                ]),
            ),
            &["入札方法"],
        ),
        alias(
            col("bidder_count", "応札者数", Kind::Int),
            &["入札者数", "応札数"],
        ),
        alias(
            col("supplier", "契約相手方", Kind::Text),
            &["業者", "受注者"],
        ),
        alias(
            col("maintains", "保守対象の契約番号", Kind::Code),
            &["元契約"],
        ),
        alias(
            col("justification", "随意契約の理由", Kind::Text),
            &["随契理由", "理由"],
        ),
        alias(col("amount_yen", "契約金額", Kind::Yen), &["金額"]),
        alias(col("proposed_annual_yen", "提案時の年額", Kind::Yen), &[]),
        alias(col("actual_annual_yen", "実績の年額", Kind::Yen), &[]),
        alias(
            col("starts_on", "契約開始日", Kind::Date),
            &["開始日", "契約日"],
        ),
        alias(col("ends_on", "契約終了日", Kind::Date), &["終了日"]),
        alias(
            col("subcontract_share", "再委託の割合", Kind::Ratio),
            &["再委託割合"],
        ),
        alias(
            col("it_expert_on_panel", "審査委員会のIT専門家", Kind::Bool),
            &["IT専門家"],
        ),
    ],
};

pub(super) const DATA_HOLDINGS: Ledger = Ledger {
    name: "data_holdings",
    label: "個人情報ファイル",
    aliases: &["個人情報ファイル簿"],
    table: "data_holdings",
    key: &["name"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(
            req("name", "名称", Kind::Text),
            &["ファイル名", "個人情報ファイルの名称"],
        ),
        DEPARTMENT,
        alias(col("records_total", "記録件数", Kind::Int), &["件数"]),
        alias(
            col("records_past_retention", "保存期間を過ぎた件数", Kind::Int),
            &[],
        ),
        alias(col("retention_rule", "保存期間", Kind::Text), &["保存年限"]),
    ],
};

pub(super) const WEBSITES: Ledger = Ledger {
    name: "websites",
    label: "ホームページ",
    aliases: &["ウェブサイト"],
    table: "websites",
    key: &["url"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("url", "URL", Kind::Text), &["アドレス"]),
        DEPARTMENT,
        alias(col("https", "HTTPS対応", Kind::Bool), &["https", "常時SSL"]),
        alias(col("redirects_to_https", "HTTPSへの転送", Kind::Bool), &[]),
        alias(
            col("certificate_expires_on", "証明書の有効期限", Kind::Date),
            &[],
        ),
    ],
};

pub(super) const POLICIES: Ledger = Ledger {
    name: "policies",
    label: "情報セキュリティポリシー",
    aliases: &["ポリシー", "規程"],
    table: "policy_documents",
    key: &["name"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("name", "名称", Kind::Text), &["規程名"]),
        alias(
            req(
                "kind",
                "種類",
                Kind::Choice(&[
                    ("basic_policy", "基本方針"),
                    ("standards", "対策基準"),
                    ("procedures", "実施手順"),
                    ("other", "その他"),
                ]),
            ),
            &["区分"],
        ),
        DEPARTMENT,
        alias(
            col("publish_required", "公開の定め", Kind::Bool),
            &["公開義務"],
        ),
        alias(col("published", "公開", Kind::Bool), &["公開状況"]),
        col("url", "URL", Kind::Text),
    ],
};

pub(super) const EXCEPTIONS: Ledger = Ledger {
    name: "exceptions",
    label: "例外措置",
    aliases: &["例外承認"],
    table: "exceptions",
    key: &["id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(
            db(req("id", "例外番号", Kind::Code), "exception_id"),
            &["番号"],
        ),
        DEPARTMENT,
        alias(req("kind", "種類", Kind::Text), &["内容"]),
        alias(col("subject", "対象", Kind::Text), &["対象機器"]),
        alias(col("approved_by", "承認者", Kind::Text), &[]),
        alias(col("starts_on", "開始日", Kind::Date), &["承認日"]),
        alias(col("ends_on", "終了日", Kind::Date), &["見直し日", "期限"]),
    ],
};
