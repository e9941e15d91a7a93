//! The printed forms cities keep (XLSX, A4 landscape, Japanese headers, 和暦 dates):
//! 備品台帳 (owned items at or above the ¥30,000 threshold), ネットワーク接続機器管理台帳
//! (everything that connects), 外部記録媒体管理台帳 (様式第7号: each medium with its
//! check-outs and returns).

use crate::export::ExportError;
use daicho_domain::{format_wareki, format_yen, parse_date};
use daicho_store::ledgers::ledger;
use daicho_store::{Asset, Db, Scope};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// 備品 threshold (会計規則): owned items at or above it are in the 備品台帳.
pub const EQUIPMENT_THRESHOLD_YEN: i64 = 30_000;

/// The printable forms, by the name `daicho export` takes.
pub const FORMS: &[(&str, &str)] = &[
    ("equipment_ledger", "備品台帳"),
    ("network_device_ledger", "ネットワーク接続機器管理台帳"),
    ("media_ledger", "外部記録媒体管理台帳"),
];

fn wareki(iso: &str) -> String {
    parse_date(iso)
        .map(format_wareki)
        .unwrap_or_else(|_| iso.to_string())
}

fn fail(e: XlsxError) -> ExportError {
    ExportError::Write(e.to_string())
}

struct Styles {
    title: Format,
    header: Format,
    cell: Format,
    number: Format,
}

fn styles() -> Styles {
    let border = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    Styles {
        title: Format::new().set_bold().set_font_size(14),
        header: border
            .clone()
            .set_bold()
            .set_background_color(0xDDE4EE)
            .set_align(FormatAlign::Center),
        number: border.clone().set_align(FormatAlign::Right),
        cell: border,
    }
}

/// A sheet with the form's title, its headers on row 3 repeated on every printed page.
fn sheet<'a>(
    book: &'a mut Workbook,
    s: &Styles,
    name: &str,
    title: &str,
    headers: &[(&str, f64)],
) -> Result<&'a mut Worksheet, ExportError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(fail)?;
    sheet
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true);
    sheet
        .write_with_format(0, 0, title, &s.title)
        .map_err(fail)?;
    sheet.set_repeat_rows(2, 2).map_err(fail)?;
    for (c, (h, width)) in headers.iter().enumerate() {
        sheet
            .write_with_format(2, c as u16, *h, &s.header)
            .map_err(fail)?;
        sheet.set_column_width(c as u16, *width).map_err(fail)?;
    }
    Ok(sheet)
}

async fn all_assets(db: &Db, scope: &Scope) -> Result<Vec<Asset>, ExportError> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = db.assets_after(scope, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        out.extend(page);
    }
    Ok(out)
}

/// Writes the form `name` of `scope` to `path`; returns the rows written.
pub async fn write_form(
    db: &Db,
    scope: &Scope,
    tenant_name: &str,
    name: &str,
    path: &Path,
) -> Result<usize, ExportError> {
    let today = format_wareki(daicho_store::today());
    let s = styles();
    let mut book = Workbook::new();
    let count = match name {
        "equipment_ledger" | "network_device_ledger" => {
            let equipment = name == "equipment_ledger";
            let assets: Vec<Asset> = all_assets(db, scope)
                .await?
                .into_iter()
                .filter(|a| {
                    let f = &a.fields;
                    if equipment {
                        // The city's own, or not recorded as anyone else's.
                        f.ownership
                            .is_none_or(|o| o == daicho_domain::Ownership::Owned)
                            && f.cost_yen.is_some_and(|c| c >= EQUIPMENT_THRESHOLD_YEN)
                    } else {
                        f.network_segment
                            .is_some_and(|seg| seg != daicho_domain::NetworkSegment::Standalone)
                    }
                })
                .collect();
            let (label, headers): (&str, &[(&str, f64)]) = if equipment {
                (
                    "備品台帳",
                    &[
                        ("備品番号", 14.0),
                        ("品名", 24.0),
                        ("種別", 12.0),
                        ("メーカー・型番", 20.0),
                        ("数量", 6.0),
                        ("取得日", 16.0),
                        ("取得価格（円）", 12.0),
                        ("所属", 16.0),
                        ("設置場所", 16.0),
                        ("利用状況", 10.0),
                        ("備考", 24.0),
                    ],
                )
            } else {
                (
                    "ネットワーク接続機器管理台帳",
                    &[
                        ("番号", 14.0),
                        ("所属", 16.0),
                        ("種別", 12.0),
                        ("品名", 22.0),
                        ("メーカー・型番", 20.0),
                        ("製造番号", 14.0),
                        ("OS", 16.0),
                        ("ネットワーク区分", 18.0),
                        ("インターネット", 10.0),
                        ("設置場所", 16.0),
                        ("取得日", 16.0),
                        ("利用状況", 10.0),
                    ],
                )
            };
            let ws = sheet(
                &mut book,
                &s,
                label,
                &format!("{label}（{tenant_name}）　{today}現在"),
                headers,
            )?;
            for (i, a) in assets.iter().enumerate() {
                let f = &a.fields;
                let r = 3 + i as u32;
                let maker = [f.maker.as_deref(), f.model.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                let acquired = f.acquired_on.map(format_wareki).unwrap_or_default();
                let location = a.location_code.clone().unwrap_or_default();
                let cells: Vec<String> = if equipment {
                    vec![
                        f.asset_tag.clone(),
                        f.name.clone(),
                        f.kind.label_ja().into(),
                        maker,
                        f.quantity.to_string(),
                        acquired,
                        f.cost_yen.map(format_yen).unwrap_or_default(),
                        a.department_name.clone(),
                        location,
                        f.status.label_ja().into(),
                        f.note.clone().unwrap_or_default(),
                    ]
                } else {
                    vec![
                        f.asset_tag.clone(),
                        a.department_name.clone(),
                        f.kind.label_ja().into(),
                        f.name.clone(),
                        maker,
                        f.serial.clone().unwrap_or_default(),
                        f.os.clone().unwrap_or_default(),
                        f.network_segment
                            .map(|x| x.label_ja())
                            .unwrap_or_default()
                            .into(),
                        match f.internet {
                            Some(true) => "有",
                            Some(false) => "無",
                            None => "",
                        }
                        .into(),
                        location,
                        acquired,
                        f.status.label_ja().into(),
                    ]
                };
                for (c, text) in cells.iter().enumerate() {
                    let numeric = equipment && (c == 4 || c == 6);
                    ws.write_with_format(
                        r,
                        c as u16,
                        text,
                        if numeric { &s.number } else { &s.cell },
                    )
                    .map_err(fail)?;
                }
            }
            assets.len()
        }
        "media_ledger" => {
            let (Some(media), Some(movements)) = (ledger("media"), ledger("media_movements"))
            else {
                return Ok(0);
            };
            let media_rows = db.ledger_rows(scope, media).await?;
            let movement_rows = db.ledger_rows(scope, movements).await?;
            let col = |l: &daicho_store::ledgers::Ledger, n: &str| {
                l.columns.iter().position(|c| c.name == n).unwrap_or(0)
            };
            let headers: &[(&str, f64)] = &[
                ("媒体番号", 12.0),
                ("種類", 12.0),
                ("保管場所", 16.0),
                ("管理者", 12.0),
                ("暗号化", 8.0),
                ("持出日時", 20.0),
                ("持出者", 12.0),
                ("使用目的", 24.0),
                ("持出元→持出先", 26.0),
                ("返却日時", 20.0),
                ("確認者", 12.0),
            ];
            let ws = sheet(
                &mut book,
                &s,
                "様式第7号",
                &format!("外部記録媒体管理台帳（様式第7号）　{tenant_name}　{today}現在"),
                headers,
            )?;
            let mut r = 3u32;
            let seg = |code: &str| {
                daicho_domain::NetworkSegment::parse(code)
                    .map(|x| x.label_ja().to_string())
                    .unwrap_or_else(|_| code.to_string())
            };
            let when = |t: &str| match t.split_once(' ') {
                Some((d, time)) => format!("{} {time}", wareki(d)),
                None if t.is_empty() => String::new(),
                None => wareki(t),
            };
            for m in &media_rows {
                let id = &m[col(media, "media_id")];
                let kind_label = media
                    .column("kind")
                    .and_then(|c| c.choice_label(&m[col(media, "kind")]))
                    .map_or_else(|| m[col(media, "kind")].clone(), str::to_string);
                let base = [
                    id.clone(),
                    kind_label,
                    m[col(media, "storage_place")].clone(),
                    m[col(media, "custodian")].clone(),
                    m[col(media, "encrypted")].clone(),
                ];
                let moves: Vec<&Vec<String>> = movement_rows
                    .iter()
                    .filter(|mv| &mv[col(movements, "media_id")] == id)
                    .collect();
                let lines = if moves.is_empty() {
                    vec![None]
                } else {
                    moves.into_iter().map(Some).collect()
                };
                for mv in lines {
                    let rest = match mv {
                        Some(mv) => [
                            when(&mv[col(movements, "out_at")]),
                            mv[col(movements, "out_by")].clone(),
                            mv[col(movements, "purpose")].clone(),
                            format!(
                                "{} → {}",
                                seg(&mv[col(movements, "from_segment")]),
                                seg(&mv[col(movements, "to_segment")])
                            ),
                            when(&mv[col(movements, "returned_at")]),
                            mv[col(movements, "checked_by")].clone(),
                        ],
                        None => Default::default(),
                    };
                    for (c, text) in base.iter().chain(rest.iter()).enumerate() {
                        ws.write_with_format(r, c as u16, text, &s.cell)
                            .map_err(fail)?;
                    }
                    r += 1;
                }
            }
            media_rows.len()
        }
        other => {
            let names: Vec<&str> = FORMS.iter().map(|(n, _)| *n).collect();
            return Err(ExportError::Usage(format!(
                "様式「{other}」はありません。次のいずれかを指定してください: {}",
                names.join(", ")
            )));
        }
    };
    book.save(path)
        .map_err(|e| ExportError::Write(format!("{}: {e}", path.display())))?;
    Ok(count)
}
