//! daicho's PDFs, typeset by typst used as a library: no internet, no browser, no
//! packages downloaded. The document's text reaches typst as JSON data read by a fixed
//! template (`audit_report.typ`, `labels.typ`), never as markup. Fonts are the system's IPAex fonts
//! (Debian `fonts-ipaexfont-gothic` / `-mincho`, IPA Font License v1.0), embedded as
//! subsets so the PDF's text can be searched and copied.

mod world;

use daicho_domain::format_wareki;
use daicho_reports::audit_report::{AuditReport, DEFINITIONS, ReportItem, inventory_json};
use daicho_reports::labels::{Label, LabelLayout};
use qrcode::{Color, EcLevel, QrCode};
use serde_json::{Value, json};

pub use world::{FONT_FILES, fonts_available, fonts_dir};

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "日本語フォント（IPAex ゴシック）が見つかりません。Debian の fonts-ipaexfont-gothic を入れるか、DAICHO_FONT_DIR にフォントのあるフォルダを指定してください"
    )]
    NoFont,
    #[error("PDF を組めませんでした: {0}")]
    Typeset(String),
    #[error("印刷する備品整理票がありません")]
    NoLabels,
    #[error("備品番号「{0}」は長すぎて QR コードにできません")]
    TooLong(String),
}

/// Asset labels on `layout`'s sheets, as many pages as they fill.
pub fn labels(layout: &LabelLayout, tenant: &str, labels: &[Label]) -> Result<Vec<u8>, PdfError> {
    if labels.is_empty() {
        return Err(PdfError::NoLabels);
    }
    let pages = labels
        .chunks(layout.per_sheet().max(1))
        .map(|page| page.iter().map(label_data).collect::<Result<Vec<_>, _>>())
        .collect::<Result<Vec<_>, _>>()?;
    let data = json!({
        "tenant": tenant,
        "columns": layout.columns,
        "rows": layout.rows,
        "width": layout.width_mm,
        "height": layout.height_mm,
        "top": layout.top_mm,
        "left": layout.left_mm,
        "gap_x": layout.gap_x_mm,
        "gap_y": layout.gap_y_mm,
        "pages": pages,
    });
    world::typeset(include_str!("labels.typ"), &data)
}

fn label_data(l: &Label) -> Result<Value, PdfError> {
    Ok(json!({
        "tag": l.tag,
        "department": l.department,
        "name": l.name,
        "qr": qr_runs(&l.tag)?,
    }))
}

/// The QR code of `text` (error correction M: a label scuffed at a corner still reads) as
/// its size and, per row of modules, the runs of dark ones: [first column, length].
fn qr_runs(text: &str) -> Result<Value, PdfError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| PdfError::TooLong(text.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    let rows: Vec<Vec<[usize; 2]>> = colors
        .chunks(n)
        .map(|row| {
            let mut runs: Vec<[usize; 2]> = Vec::new();
            for (x, c) in row.iter().enumerate() {
                if *c != Color::Dark {
                    continue;
                }
                match runs.last_mut() {
                    Some(run) if run[0] + run[1] == x => run[1] += 1,
                    _ => runs.push([x, 1]),
                }
            }
            runs
        })
        .collect();
    Ok(json!({ "n": n, "rows": rows }))
}

/// The audit report as an A4 portrait PDF.
pub fn audit_report(report: &AuditReport) -> Result<Vec<u8>, PdfError> {
    let data = report_data(report);
    world::typeset(include_str!("audit_report.typ"), &data)
}

/// What the template reads: every text already in the report's words (和暦, names).
fn report_data(r: &AuditReport) -> Value {
    json!({
        "tenant": r.tenant,
        "heading": r.heading(),
        "as_of": r.as_of.map(format_wareki).unwrap_or_default(),
        "auditors": r.auditors,
        "drafts": r.drafts,
        "definitions": DEFINITIONS,
        "counts": r.counts.rows(),
        "list": r.list_rows(),
        "general": r.general.iter().map(ReportItem::to_json).collect::<Vec<_>>(),
        "sections": r.sections.iter().map(|s| json!({
            "department": s.department,
            "visited": s.visited_on.map(format_wareki).unwrap_or_default(),
            "survey": s.survey.iter().map(|row| [row.heading.to_string(), row.content.clone()]).collect::<Vec<_>>(),
            "inventory": s.inventory.iter().map(inventory_json).collect::<Vec<_>>(),
            "items": s.items.iter().map(ReportItem::to_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "spend": r.spend.iter().map(|t| json!({
            "department": t.department,
            "rows": t.rows(),
        })).collect::<Vec<_>>(),
    })
}
