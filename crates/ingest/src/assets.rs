//! One row of an asset ledger → the ledger's input. Cities write the same thing many ways
//! (the reference report says デスクトップパソコン, 常時利用, 自己所有, "-" for none); this
//! module reads those words. What it cannot read is passed on as written, so the store's
//! validation names the cell.

use crate::headers::Mapping;
use daicho_store::AssetInput;
use sha2::{Digest, Sha256};

/// The kind code for the words used in inventories, if any word fits.
fn kind_code(text: &str) -> Option<&'static str> {
    let t = daicho_domain::normalize_width(text).to_lowercase();
    const WORDS: &[(&str, &str)] = &[
        ("デスクトップ", "desktop"),
        ("ノート", "laptop"),
        ("タブレット", "tablet"),
        ("ipad", "tablet"),
        ("サーバ", "server"),
        ("nas", "nas"),
        ("ネットワークhdd", "nas"),
        ("外付", "external_hdd"),
        ("usb", "usb_memory"),
        ("sdカード", "sd_card"),
        ("フロッピー", "floppy"),
        ("電子黒板", "e_blackboard"),
        ("ディスプレイ", "monitor"),
        ("モニタ", "monitor"),
        ("プリンタ", "printer"),
        ("複合機", "printer"),
        ("ルータ", "network_device"),
        ("スイッチ", "network_device"),
        ("ハブ", "network_device"),
        ("スマートフォン", "smartphone"),
        ("スマホ", "smartphone"),
        ("パソコン", "desktop"),
        ("pc", "desktop"),
    ];
    WORDS
        .iter()
        .find(|(word, _)| t.contains(word))
        .map(|(_, code)| *code)
}

fn status_code(text: &str) -> Option<&'static str> {
    match text.trim() {
        "常時利用" | "利用" | "利用中" | "使用" | "使用中" | "稼働" | "稼働中" | "随時利用" => {
            Some("in_use")
        }
        "予備" => Some("spare"),
        "未使用" | "不稼働" | "故障" | "故障中" | "停止中" | "未利用" => {
            Some("unused")
        }
        "使用中止" | "利用停止" | "使用停止" => Some("retired"),
        "廃棄" | "廃棄済" | "廃棄済み" => Some("disposed"),
        _ => None,
    }
}

fn ownership_code(text: &str) -> Option<&'static str> {
    match text.trim() {
        "自己所有" | "所有" | "購入" | "市有" | "備品" => Some("owned"),
        "リース" => Some("leased"),
        "レンタル" | "賃貸借" => Some("rented"),
        "寄付" | "寄贈" => Some("donated"),
        "私物" | "私有" | "個人所有" => Some("private"),
        "サービス" | "サービス利用" | "クラウド" => Some("service"),
        _ => None,
    }
}

fn procured_code(text: &str) -> Option<&'static str> {
    match text.trim() {
        "情報政策課" | "情報政策課配備" | "全庁" | "共通" | "central" => {
            Some("central")
        }
        "原課" | "原課調達" | "課独自" | "所属" | "独自" | "department" => {
            Some("department")
        }
        _ => None,
    }
}

fn segment_code(text: &str) -> Option<&'static str> {
    let t = daicho_domain::normalize_width(text).to_lowercase();
    if t.contains("マイナンバー") || t.contains("個人番号") {
        Some("my_number")
    } else if t.contains("lgwan") {
        Some("lgwan")
    } else if t.contains("インターネット") {
        Some("internet")
    } else if t.contains("スタンドアロン") || t.contains("単独") || t.contains("独立") {
        Some("standalone")
    } else if t.contains("教育") || t.contains("学校") || t.contains("校務") {
        Some("school")
    } else if t.contains("制御") {
        Some("control")
    } else {
        None
    }
}

/// A tag for a row that has none (inventories list kinds of items, not labelled items):
/// derived from what identifies the row, so importing the same file again finds it, and a
/// changed count, OS or status updates it.
fn derived_tag(input: &AssetInput, kind_text: &str) -> String {
    let mut hash = Sha256::new();
    for part in [
        input.get("department"),
        input.get("location"),
        input.get("system_name"),
        kind_text,
        input.get("name"),
        input.get("maker"),
        input.get("model"),
        input.get("acquired_on"),
    ] {
        hash.update(part.trim().as_bytes());
        hash.update([0x1f]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02X}")).collect();
    format!("AUTO-{hex}")
}

/// Fills an asset input from one row's cells.
pub fn to_input(
    mapping: &Mapping,
    cells: &[String],
    default_department: Option<&str>,
) -> AssetInput {
    let mut input = AssetInput::default();
    for ((field, _), value) in mapping.columns.iter().zip(cells) {
        if let Some(field) = field
            && !daicho_domain::is_blank(value)
        {
            input.set(field, value.trim());
        }
    }
    let kind_text = input.get("kind").to_string();
    if input.get("department").is_empty() {
        input.set("department", default_department.unwrap_or_default());
    }
    // Words to codes; anything unread stays as written for validation to name.
    if !kind_text.is_empty()
        && daicho_domain::AssetKind::parse(&kind_text).is_err()
        && let Some(code) = kind_code(&kind_text)
    {
        if input.get("name").is_empty() {
            input.set("name", kind_text.as_str());
        }
        input.set("kind", code);
    }
    if input.get("name").is_empty() && !input.get("system_name").is_empty() {
        let system = input.get("system_name").to_string();
        input.set("name", system);
    }
    let quantity = input
        .get("quantity")
        .trim_end_matches(['台', '個', '枚', '本'])
        .to_string();
    input.set("quantity", quantity);
    for (field, read) in [
        ("status", status_code as fn(&str) -> Option<&'static str>),
        ("ownership", ownership_code),
        ("procured_by", procured_code),
        ("network_segment", segment_code),
    ] {
        if let Some(code) = read(input.get(field)) {
            input.set(field, code);
        }
    }
    if input.get("asset_tag").is_empty() && !mapping.has("asset_tag") {
        let tag = derived_tag(&input, &kind_text);
        input.set("asset_tag", tag);
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(headers: &[&str], cells: &[&str]) -> AssetInput {
        let mapping = Mapping::for_ledger(
            &daicho_store::ledgers::ASSETS,
            &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        );
        to_input(
            &mapping,
            &cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            Some("中央図書館"),
        )
    }

    #[test]
    fn reads_the_reports_inventory_words() {
        let headers = [
            "設置場所(施設名称)",
            "利用台数",
            "システム名称(ソフトウェア)",
            "有形資産(ハードウェア)",
            "メーカー名",
            "OS(オペレーションシステム)",
            "インターネット接続の有無",
            "所有区分",
            "取得日/リース又はサービス開始日",
            "契約期間",
            "利用状況",
        ];
        let input = row(
            &headers,
            &[
                "中央図書館",
                "2",
                "自動化書庫システム",
                "デスクトップパソコン",
                "NEC",
                "Windows8",
                "無",
                "自己所有",
                "2016年5月20日",
                "",
                "常時利用",
            ],
        );
        assert_eq!(
            (input.get("kind"), input.get("name")),
            ("desktop", "デスクトップパソコン")
        );
        assert_eq!(
            (
                input.get("status"),
                input.get("ownership"),
                input.get("quantity")
            ),
            ("in_use", "owned", "2")
        );
        assert_eq!(
            (input.get("department"), input.get("location")),
            ("中央図書館", "中央図書館")
        );
        assert!(input.get("asset_tag").starts_with("AUTO-"));
        let printer = row(
            &headers,
            &[
                "中央図書館",
                "1",
                "自動化書庫システム",
                "ページプリンタ",
                "NEC",
                "-",
                "-",
                "自己所有",
                "2016年5月20日",
                "",
                "常時利用",
            ],
        );
        assert_eq!(
            (printer.get("kind"), printer.get("os")),
            ("printer", ""),
            "a dash is no value"
        );
        assert_ne!(printer.get("asset_tag"), input.get("asset_tag"));
        let again = row(
            &headers,
            &[
                "中央図書館",
                "3",
                "自動化書庫システム",
                "デスクトップパソコン",
                "NEC",
                "Windows10",
                "無",
                "自己所有",
                "2016年5月20日",
                "",
                "常時利用",
            ],
        );
        assert_eq!(
            again.get("asset_tag"),
            input.get("asset_tag"),
            "a changed count or OS keeps the same entry"
        );
    }

    #[test]
    fn unknown_words_are_kept_for_validation_to_name() {
        let input = row(
            &["備品番号", "種別", "品名", "利用状況"],
            &["A-1", "宇宙船", "謎", "たぶん使用"],
        );
        assert_eq!(
            (input.get("kind"), input.get("status")),
            ("宇宙船", "たぶん使用")
        );
    }
}
