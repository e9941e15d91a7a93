//! daicho's PDFs, typeset by typst used as a library: no internet, no browser, no
//! packages downloaded. The document's text reaches typst as JSON data read by a fixed
//! template (`audit_report.typ`), never as markup. Fonts are the system's IPAex fonts
//! (Debian `fonts-ipaexfont-gothic` / `-mincho`, IPA Font License v1.0), embedded as
//! subsets so the PDF's text can be searched and copied.

mod world;

use daicho_domain::format_wareki;
use daicho_reports::audit_report::{AuditReport, DEFINITIONS, ReportItem, inventory_json};
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
