//! Every ledger of the data bundle, assets included, described as data: its file name,
//! table, key, and columns with their Japanese names, types and form hints. Headers,
//! exports, forms, detail pages and history labels read the description; one engine
//! reads, checks and writes the rows of all but assets (`cell.rs`, `write.rs`), so a new
//! ledger is a new description, not new code.

mod cell;
mod read;
mod remove;
mod specs;
mod write;

pub use cell::{fiscal_year, parse_cell};
pub use read::{AUDIT_LEDGERS, LEDGER_PAGE_SIZE, LedgerPage, may_record_audits};
pub use specs::{ASSETS, DEPARTMENTS, LEDGERS, ledger};

/// What a column holds, and so how a cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text as written.
    Text,
    /// An identifier: text, leading zeros kept, full-width folded.
    Code,
    /// A date (西暦・和暦).
    Date,
    /// A date with an optional time: `2023-10-06 09:30`.
    Instant,
    /// A whole number (full-width digits, 件/人/台 allowed after it).
    Int,
    /// Yen.
    Yen,
    /// A share such as 0.5, 50% or 不明.
    Ratio,
    /// Yes/no (有/無, ○/×, ...).
    Bool,
    /// A fiscal year: 2023, R5, 令和5年度.
    FiscalYear,
    /// One of these codes, written as the code or its Japanese label.
    Choice(Choices),
    /// A department by code or name; unknown ones are created on import.
    Department,
    /// A row of another ledger by its key (the other ledger's file name).
    Reference(&'static str),
    /// A place by its code (設置場所); one not yet known is created, as ledgers name
    /// places as free text before anyone keeps a location list.
    Location,
}

/// How a ledger's rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Cell by cell from the description (`write.rs`).
    Described,
    /// As `Described`, and each row is a department that other rows name by code or
    /// name: a row without a level gets one from its place in the tree, rows sort in the
    /// order written, and `--replace` never removes one (departments end instead).
    Departments,
    /// The assets' typed fast path (`crate::assets`, `crate::import`): the largest
    /// ledger, loaded in chunks of multi-row inserts with its dashboard counts kept.
    Assets,
}

/// The (code, Japanese label) pairs of a choice column; the domain's code enums give
/// theirs as `CHOICES`.
pub type Choices = &'static [(&'static str, &'static str)];

/// One column of a ledger.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The bundle's header and, but for references, the table's column.
    pub name: &'static str,
    /// The table's column when it differs (`department` → `department_id`).
    pub db: &'static str,
    /// The Japanese header, as screens and exports show it.
    pub label: &'static str,
    /// Other headers cities write for it.
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub required: bool,
    /// What a form shows in the empty field; empty for the kind's own example.
    pub hint: &'static str,
    /// The code an empty cell stands for (`status`: `in_use`).
    pub default: Option<&'static str>,
}

/// What an import does when two headers of one file name the same field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// A file people keep: which column is meant is theirs to say, so the file is
    /// refused with both headers named.
    Ask,
    /// A tool's export, whose columns overlap by design (Systemwalker's OS名 and OS,
    /// JP1's 更新日時 and 最終接続確認日時): the most direct name fills the field — the
    /// field's own name or label, else the alias listed first, else the leftmost — and
    /// the other columns are left out, listed among the ignored ones.
    MostDirect,
}

/// One ledger of the bundle.
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    /// The bundle's file name without `.csv` (`contracts`), also the change history's entity.
    pub name: &'static str,
    /// Its Japanese name.
    pub label: &'static str,
    /// Other names its file or sheet may have (契約台帳, ...).
    pub aliases: &'static [&'static str],
    pub table: &'static str,
    /// The columns that identify a row.
    pub key: &'static [&'static str],
    pub engine: Engine,
    /// The ledger whose rows record this one's 受払 (each checkout and return), shown on a
    /// row's page: `media_movements` for media.
    pub register: Option<&'static str>,
    pub overlap: Overlap,
    pub columns: &'static [Column],
}

impl Column {
    /// The table columns that hold this column: its own and, for a ratio, whether it was
    /// recorded as not known (不明: `{column}_unknown`).
    pub(crate) fn stored(&self) -> Vec<String> {
        let mut columns = vec![self.db.to_string()];
        if self.kind == Kind::Ratio {
            columns.push(format!("{}_unknown", self.db));
        }
        columns
    }

    /// The Japanese label of a choice column's code (`regular` → 職員); `None` for a code
    /// the column does not list or a column that is not a choice.
    pub fn choice_label(&self, code: &str) -> Option<&'static str> {
        match self.kind {
            Kind::Choice(choices) => choices.iter().find(|(c, _)| *c == code).map(|(_, l)| *l),
            _ => None,
        }
    }
}

/// The label of a code in `ledger`'s choice `column`, or the code itself when it has none.
pub fn choice_label<'a>(ledger_name: &str, column: &str, code: &'a str) -> &'a str {
    ledger(ledger_name)
        .and_then(|l| l.column(column))
        .and_then(|c| c.choice_label(code))
        .unwrap_or(code)
}

impl Kind {
    /// The ledger whose key a cell of this kind names: a reference's, or `locations`.
    pub fn target(self) -> Option<&'static str> {
        match self {
            Kind::Reference(target) => Some(target),
            Kind::Location => Some("locations"),
            _ => None,
        }
    }
}

impl Ledger {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}
