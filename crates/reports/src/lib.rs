//! Reports on the staff side of PDCA, built from the store and rendered for people: the
//! self-check scored per category, question and department exactly as the reference
//! report scores it (総論3), and training participants per course and department with
//! coverage. Each report is a view model (`load`) with JSON, text-table and XLSX renderers,
//! shared by the CLI (`daicho report`) and the web screens; and the two things done to a
//! campaign (`campaign`): starting it with a bank, and taking a person's answers.

pub mod audit_report;
pub mod campaign;
pub mod disposals;
pub mod labels;
pub mod publication;
pub mod qr;
pub mod self_check;
pub mod setup_sheet;
pub mod spend;
pub mod training;
mod xlsx;

use daicho_store::StoreError;

/// A fiscal year as the report writes it: 令和4年度 (or 「2022年度」 out of range).
pub fn year_label(fiscal_year: i64) -> String {
    i32::try_from(fiscal_year)
        .map(|y| daicho_domain::FiscalYear(y).label_ja())
        .unwrap_or_else(|_| format!("{fiscal_year}年度"))
}

/// What every report gives: JSON, a text table for a terminal, and an XLSX workbook.
pub trait Report {
    /// The report as JSON.
    fn to_json(&self) -> serde_json::Value;

    /// The report as text tables.
    fn write_table(&self, out: &mut dyn std::io::Write) -> std::io::Result<()>;

    /// The report as a workbook.
    fn workbook(&self) -> Result<rust_xlsxwriter::Workbook, ReportError>;

    /// Writes the workbook to `path`.
    fn write_xlsx(&self, path: &std::path::Path) -> Result<(), ReportError> {
        self.workbook()?.save(path)?;
        Ok(())
    }

    /// The workbook as bytes, for a download.
    fn xlsx_bytes(&self) -> Result<Vec<u8>, ReportError> {
        Ok(self.workbook()?.save_to_buffer()?)
    }
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    NotFound(String),
    /// A request refused as it stands (closed campaign, second submission, bad answer).
    #[error("{0}")]
    Invalid(String),
    #[error("XLSX を書けませんでした: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
