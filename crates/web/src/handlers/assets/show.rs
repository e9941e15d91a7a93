//! GET /assets/{id}: one asset, every field in Japanese, and its change history.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{HistoryLine, Layout, date_full, fiscal_year, history_lines, instant};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use daicho_domain::format_yen;

#[derive(Template)]
#[template(path = "assets/detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    can_edit: bool,
    fields: Vec<(&'static str, String)>,
    history: Vec<HistoryLine>,
}

/// The Japanese label of a field code, as forms and history show it.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "asset_tag" => "備品番号",
        "department" => "所属",
        "location" => "設置場所",
        "kind" => "種別",
        "name" => "品名",
        "maker" => "メーカー",
        "model" => "型番",
        "serial" => "製造番号",
        "quantity" => "数量",
        "os" => "OS",
        "software" => "ソフトウェア",
        "network_segment" => "ネットワーク区分",
        "internet" => "インターネット接続",
        "ownership" => "所有区分",
        "procured_by" => "調達区分",
        "acquired_on" => "取得日",
        "cost_yen" => "取得価格（円）",
        "contract_no" => "契約番号",
        "status" => "利用状況",
        "antivirus" => "ウイルス対策ソフト",
        "antivirus_updated_on" => "定義ファイル更新日",
        "retired_on" => "使用中止日",
        "disposed_on" => "廃棄日",
        "erasure_evidence" => "データ消去証明",
        "procurement_doc" => "調達資料",
        "system_name" => "情報システム",
        "extended_support_until" => "延長サポート期限",
        "replacement_planned_on" => "更新予定日",
        "backup" => "バックアップ",
        "confidentiality" => "機密性",
        "replaced_by" => "後継機",
        "usage_ratio" => "利用率",
        "usage_checked_on" => "利用状況確認日",
        "note" => "備考",
        _ => "（その他）",
    }
}

/// A value of the change history as the user reads it (labels, not codes).
fn display_value(field: &str, value: String) -> String {
    use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};
    let label = match field {
        "kind" => AssetKind::parse(&value).ok().map(AssetKind::label_ja),
        "status" => AssetStatus::parse(&value).ok().map(AssetStatus::label_ja),
        "network_segment" => NetworkSegment::parse(&value)
            .ok()
            .map(NetworkSegment::label_ja),
        "ownership" => Ownership::parse(&value).ok().map(Ownership::label_ja),
        "procured_by" => ProcuredBy::parse(&value).ok().map(ProcuredBy::label_ja),
        "internet" | "procurement_doc" => match value.as_str() {
            "true" => Some("有"),
            "false" => Some("無"),
            _ => None,
        },
        _ => None,
    };
    label.map(str::to_string).unwrap_or(value)
}

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "有".into(),
        Some(false) => "無".into(),
        None => String::new(),
    }
}

/// GET /assets/{id}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let asset = state.db.asset(&user.scope, id).await?;
    let history = state.db.asset_history(&user.scope, id).await?;
    let f = &asset.fields;
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let fields = vec![
        ("備品番号", f.asset_tag.clone()),
        (
            "所属",
            format!("{}（{}）", asset.department_name, asset.department_code),
        ),
        ("設置場所", text(&asset.location_code)),
        ("種別", f.kind.label_ja().to_string()),
        ("品名", f.name.clone()),
        ("メーカー", text(&f.maker)),
        ("型番", text(&f.model)),
        ("製造番号", text(&f.serial)),
        ("数量", f.quantity.to_string()),
        ("OS", text(&f.os)),
        ("ソフトウェア", text(&f.software)),
        (
            "ネットワーク区分",
            f.network_segment
                .map(|s| s.label_ja().to_string())
                .unwrap_or_default(),
        ),
        ("インターネット接続", yes_no(f.internet)),
        ("所有区分", f.ownership.label_ja().to_string()),
        ("調達区分", f.procured_by.label_ja().to_string()),
        ("取得日", date_full(f.acquired_on)),
        ("取得年度", fiscal_year(f.acquired_on)),
        (
            "取得価格",
            f.cost_yen
                .map(|c| format!("{}円", format_yen(c)))
                .unwrap_or_default(),
        ),
        ("契約番号", text(&f.contract_no)),
        ("利用状況", f.status.label_ja().to_string()),
        ("ウイルス対策ソフト", text(&f.antivirus)),
        ("定義ファイル更新日", date_full(f.antivirus_updated_on)),
        ("使用中止日", date_full(f.retired_on)),
        ("廃棄日", date_full(f.disposed_on)),
        ("データ消去証明", text(&f.erasure_evidence)),
        ("調達資料", yes_no(f.procurement_doc)),
        ("情報システム", text(&f.system_name)),
        ("延長サポート期限", date_full(f.extended_support_until)),
        ("更新予定日", date_full(f.replacement_planned_on)),
        ("バックアップ", yes_no(f.backup)),
        (
            "機密性",
            f.confidentiality
                .map(|c| format!("機密性{c}"))
                .unwrap_or_default(),
        ),
        ("後継機", text(&f.replaced_by)),
        (
            "利用率",
            f.usage_ratio
                .map(|r| format!("{:.0}%", r * 100.0))
                .unwrap_or_default(),
        ),
        ("利用状況確認日", date_full(f.usage_checked_on)),
        ("備考", text(&f.note)),
        ("登録日時", instant(&asset.created_at)),
        ("更新日時", instant(&asset.updated_at)),
    ];
    let history = history_lines(&history, |k| field_label(k).to_string(), display_value);
    let page = DetailPage {
        layout: Layout::new(&user, format!("{} {}", f.asset_tag, f.name), "assets"),
        id,
        can_edit: user.scope.can_write,
        fields,
        history,
    };
    Ok(Html(page.render()?))
}
