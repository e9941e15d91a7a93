//! Files in: the ledgers cities keep in Excel and CSV, read into daicho's ledgers.
//!
//! The flow is `read` (bytes → sheets of text cells: encoding, CSV/TSV/XLSX) →
//! `headers` (which column is which field, however the city wrote it) → `assets` (a row's
//! cells → the ledger's input, reading 和暦, yen, 有/無 and the report's own words) →
//! `import` (one transaction per run: every error listed with file, row and column, and
//! nothing written unless every row is right).

mod assets;
mod error;
mod export;
mod forms;
mod headers;
mod import;
mod read;

pub use error::ImportError;
pub use export::{ExportError, ExportFormat, export};
pub use forms::{EQUIPMENT_THRESHOLD_YEN, FORMS, write_form};
pub use import::{
    FileReport, ImportOptions, ImportReport, STAGE_FROM_BYTES, WORK_KIND, asset_inputs, fields_of,
    import_paths,
};
pub use read::limits::Limits;
