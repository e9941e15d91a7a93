//! Where a loaded snapshot lives: its parts as SQLite files in a private temporary
//! directory, and the connections that read them.

use rusqlite::Connection;

use crate::AuditError;

/// The parts of a loaded snapshot, each a database file of the [`Store`] that reading
/// connections attach under this name. Assets are a part of their own: in a large city
/// they are most of the rows.
pub(super) const PARTS: [&str; 2] = ["snapshot_assets", "snapshot_ledgers"];

/// The part a snapshot table is written to.
pub(super) fn part_of(table: &str) -> usize {
    usize::from(!matches!(table, "assets" | "asset_software"))
}

/// The writers' settings: nothing to roll back or to sync (a failed load is thrown away).
pub(super) const STORE_PRAGMAS: &str = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
     PRAGMA cache_size = -65536;";

/// How much of a part a reading connection maps into memory rather than copying page by
/// page into its cache (SQLite caps it at its compiled maximum, 2 GiB).
const MMAP_BYTES: i64 = 1 << 40;

/// The name of an audit's working folders (`daicho-audit-{pid}-…`), by which a later
/// start removes those a crashed audit left.
pub const WORK_KIND: &str = "daicho-audit";

/// Where a loaded snapshot's tables live: its parts as files in a temporary directory
/// only this user can enter (they say where a city is weak), removed with the snapshot,
/// beside a second connection's results. Every connection of an audit attaches the parts
/// and maps them into memory, so rules read them on two cores at once, with neither a
/// copy per connection nor a shared cache's single lock.
pub(super) struct Store {
    dir: tempfile::TempDir,
}

impl Store {
    pub(super) fn new() -> Result<Store, AuditError> {
        let fail =
            |e: std::io::Error| AuditError::Internal(format!("一時ディレクトリを作れません: {e}"));
        let dir = daicho_store::private::work_dir(WORK_KIND).map_err(fail)?;
        let store = Store { dir };
        for part in 0..PARTS.len() {
            store.owned(&store.path(part))?;
        }
        Ok(store)
    }

    pub(super) fn path(&self, part: usize) -> String {
        self.file(&format!("{}.sqlite", PARTS[part]))
    }

    /// Where rule connection `i` writes its results (made on first use).
    pub(super) fn results_path(&self, i: usize) -> Result<String, AuditError> {
        let path = self.file(&format!("results-{i}.sqlite"));
        if !std::path::Path::new(&path).exists() {
            self.owned(&path)?;
        }
        Ok(path)
    }

    /// Makes an empty file only this user can read, before SQLite opens it (SQLite would
    /// use the umask).
    fn owned(&self, path: &str) -> Result<(), AuditError> {
        daicho_store::private::create(std::path::Path::new(path))
            .map(drop)
            .map_err(|e| AuditError::Internal(format!("一時ファイルを作れません: {e}")))
    }

    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// A connection that reads the parts (found by the rules' unqualified table names).
    pub(super) fn reader(&self) -> Result<Connection, AuditError> {
        let conn = Connection::open_in_memory()?;
        for (part, name) in PARTS.iter().enumerate() {
            conn.execute(&format!("ATTACH ?1 AS {name}"), [self.path(part)])?;
            conn.execute_batch(&format!("PRAGMA {name}.mmap_size = {MMAP_BYTES};"))?;
        }
        Ok(conn)
    }
}
