//! Which column is which field. Cities write headers their own way — 所属/所属名/課名,
//! 取得日/取得年月日, full-width ＯＳ, a note in brackets as in the reference report's
//! 「OS(オペレーションシステム)」 — so a header is normalised before it is looked up.

use daicho_domain::normalize_width;
use daicho_store::ledgers::Ledger;

/// Lower-case ASCII, full-width folded, spaces and line breaks removed, and a trailing
/// bracketed note dropped: 「ＯＳ（オペレーションシステム）」 → "os".
pub fn normalize(header: &str) -> String {
    let folded: String = normalize_width(header)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match folded.find(['(', '（']) {
        Some(i) if i > 0 => folded[..i].to_string(),
        _ => folded,
    }
}

/// Asset fields and the headers that name them (after [`normalize`]).
pub const ASSET_HEADERS: &[(&str, &[&str])] = &[
    (
        "asset_tag",
        &[
            "asset_tag",
            "備品番号",
            "資産番号",
            "管理番号",
            "備品整理番号",
            "備品整理票番号",
            "番号",
            "tag",
        ],
    ),
    (
        "department",
        &[
            "department",
            "所属",
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
    (
        "location",
        &["location", "設置場所", "設置場所名", "保管場所", "場所"],
    ),
    (
        "kind",
        &["kind", "種別", "機器種別", "種類", "有形資産", "機器区分"],
    ),
    (
        "name",
        &["name", "品名", "名称", "機器名", "物品名", "品目"],
    ),
    (
        "maker",
        &["maker", "メーカー", "メーカー名", "製造元", "製造者"],
    ),
    ("model", &["model", "型番", "型式", "機種", "機種名"]),
    (
        "serial",
        &["serial", "製造番号", "シリアル", "シリアル番号", "s/n"],
    ),
    (
        "quantity",
        &["quantity", "数量", "台数", "利用台数", "個数"],
    ),
    (
        "os",
        &["os", "オペレーションシステム", "オペレーティングシステム"],
    ),
    ("software", &["software", "ソフトウェア", "ソフトウェア名"]),
    (
        "network_segment",
        &[
            "network_segment",
            "ネットワーク区分",
            "ネットワーク",
            "接続系統",
            "接続先",
        ],
    ),
    (
        "internet",
        &[
            "internet",
            "インターネット接続",
            "インターネット接続の有無",
            "インターネット",
        ],
    ),
    ("ownership", &["ownership", "所有区分", "所有形態", "所有"]),
    ("procured_by", &["procured_by", "調達区分", "調達"]),
    (
        "acquired_on",
        &[
            "acquired_on",
            "取得日",
            "取得年月日",
            "購入日",
            "購入年月日",
            "導入日",
            "取得日/リース又はサービス開始日",
        ],
    ),
    (
        "cost_yen",
        &[
            "cost_yen",
            "取得価格",
            "取得金額",
            "購入価格",
            "購入金額",
            "価格",
            "金額",
        ],
    ),
    ("contract_no", &["contract", "contract_no", "契約番号"]),
    (
        "status",
        &["status", "利用状況", "使用状況", "状態", "稼働状況"],
    ),
    (
        "antivirus",
        &[
            "antivirus",
            "ウイルス対策ソフト",
            "ウィルス対策ソフト",
            "ウイルス対策",
        ],
    ),
    (
        "antivirus_updated_on",
        &[
            "antivirus_updated_on",
            "定義ファイル更新日",
            "パターンファイル更新日",
        ],
    ),
    ("retired_on", &["retired_on", "使用中止日", "使用停止日"]),
    ("disposed_on", &["disposed_on", "廃棄日", "廃棄年月日"]),
    (
        "erasure_evidence",
        &["erasure_evidence", "データ消去証明", "消去証明"],
    ),
    (
        "procurement_doc",
        &["procurement_doc", "調達資料", "購入資料"],
    ),
    (
        "system_name",
        &[
            "system",
            "system_name",
            "システム名称",
            "システム名",
            "情報システム",
            "システム",
        ],
    ),
    (
        "extended_support_until",
        &["extended_support_until", "延長サポート期限"],
    ),
    (
        "replacement_planned_on",
        &["replacement_planned_on", "更新予定日", "更新予定"],
    ),
    ("backup", &["backup", "バックアップ"]),
    ("confidentiality", &["confidentiality", "機密性"]),
    (
        "replaced_by",
        &["replaced_by", "後継機", "更新後の備品番号"],
    ),
    ("usage_ratio", &["usage_ratio", "利用率", "稼働率"]),
    ("usage_checked_on", &["usage_checked_on", "利用状況確認日"]),
    ("note", &["note", "備考", "摘要"]),
];

/// The asset field a header names, if any.
pub fn asset_field(header: &str) -> Option<&'static str> {
    let h = normalize(header);
    ASSET_HEADERS
        .iter()
        .find(|(_, names)| names.iter().any(|n| normalize(n) == h))
        .map(|(field, _)| *field)
}

/// A header row read: for each column, the field it fills (or none) and the header as
/// written, for messages.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub columns: Vec<(Option<&'static str>, String)>,
}

/// The column of `ledger` a header names, if any: its code name, Japanese label or an
/// alias.
pub fn ledger_column(ledger: &Ledger, header: &str) -> Option<&'static str> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    ledger
        .columns
        .iter()
        .find(|c| {
            normalize(c.name) == h
                || normalize(c.label) == h
                || c.aliases.iter().any(|a| normalize(a) == h)
        })
        .map(|c| c.name)
}

impl Mapping {
    /// Headers of another ledger.
    pub fn for_ledger(ledger: &Ledger, headers: &[String]) -> Self {
        Mapping {
            columns: headers
                .iter()
                .map(|h| (ledger_column(ledger, h), h.trim().to_string()))
                .collect(),
        }
    }

    /// Headers of an asset ledger.
    pub fn from_headers(headers: &[String]) -> Self {
        Mapping {
            columns: headers
                .iter()
                .map(|h| (asset_field(h), h.trim().to_string()))
                .collect(),
        }
    }

    /// How many columns were recognised.
    pub fn recognised(&self) -> usize {
        self.columns.iter().filter(|(f, _)| f.is_some()).count()
    }

    /// Whether some column fills `field`.
    pub fn has(&self, field: &str) -> bool {
        self.columns.iter().any(|(f, _)| *f == Some(field))
    }

    /// The headers that fill no field (shown, then left out).
    pub fn ignored(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|(f, h)| f.is_none() && !h.is_empty())
            .map(|(_, h)| h.clone())
            .collect()
    }

    /// The same field named twice is ambiguous.
    pub fn duplicated(&self) -> Option<(&'static str, Vec<String>)> {
        for (i, (field, _)) in self.columns.iter().enumerate() {
            let Some(field) = field else { continue };
            let same: Vec<String> = self
                .columns
                .iter()
                .filter(|(f, _)| *f == Some(*field))
                .map(|(_, h)| h.clone())
                .collect();
            if same.len() > 1
                && self.columns.iter().position(|(f, _)| *f == Some(*field)) == Some(i)
            {
                return Some((field, same));
            }
        }
        None
    }
}

/// Title rows often stand above the header: the header is the first of the first ten
/// rows that names at least two fields.
pub const HEADER_SEARCH_ROWS: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ways_cities_write_headers() {
        let cases = [
            ("ＯＳ", "os"),
            ("OS(オペレーションシステム)", "os"),
            ("所属名", "department"),
            ("課名", "department"),
            ("取得年月日", "acquired_on"),
            ("取得日/リース又はサービス開始日", "acquired_on"),
            ("有形資産(ハードウェア)", "kind"),
            ("システム名称(ソフトウェア)", "system_name"),
            ("設置場所(施設名称)", "location"),
            ("インターネット接続の有無", "internet"),
            ("利用台数", "quantity"),
            (" 備品番号 ", "asset_tag"),
            ("asset_tag", "asset_tag"),
            ("Ｍａｋｅｒ", "maker"),
        ];
        for (header, field) in cases {
            assert_eq!(asset_field(header), Some(field), "{header}");
        }
        assert_eq!(asset_field("契約期間"), None);
    }
}
