//! The audit snapshot: one tenant's ledgers copied into private SQLite files, with each
//! asset's OS and software already matched to the lifecycle catalogue (`write`), kept in
//! a private temporary directory (`store`). Rules run here, never on the live database: a
//! rule cannot change a ledger or see another tenant, and gives the same result whichever
//! database the city runs daicho on.

use daicho_store::{ColumnType, Db, SNAPSHOT_TABLES, SnapshotRow};
use rusqlite::Connection;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use std::sync::Arc;

use crate::AuditError;
use crate::eol::Catalogue;

mod store;
pub use store::WORK_KIND;
mod write;

use store::{Store, part_of};
use write::write_part;

/// Columns added to `assets` from the catalogue.
pub const ASSET_OS_COLUMNS: &[(&str, &str)] = &[
    (
        "os_product",
        "catalogue product the OS was recognised as (NULL: not recognised)",
    ),
    ("os_label", "how the recognised OS is shown, e.g. Windows 8"),
    (
        "os_eol",
        "day vendor support ends (ISO date; NULL when supported or no day given)",
    ),
    ("os_eoes", "end of paid extended support, when sold"),
    (
        "os_end",
        "support end that applies: os_eoes when the asset records extended support, else os_eol",
    ),
    (
        "os_ended_undated",
        "1 when the vendor says support ended without giving a day",
    ),
];

/// The snapshot table of recognised software (one row per product named in `software`).
const SOFTWARE_TABLE: &str = "CREATE TABLE asset_software (
    asset_tag TEXT NOT NULL, department TEXT, written TEXT NOT NULL, product TEXT NOT NULL,
    label TEXT NOT NULL, eol TEXT, ended_undated INTEGER NOT NULL)";

/// A connection on an audit's snapshot: the loaded one (to read departments), a rule
/// connection ([`Snapshot::rule_connection`]: rules run on one or more at once, each
/// writing its own results file) or the report's ([`Snapshot::with_results`]: every
/// results file attached, read as one `all_results`). All are sealed the same way.
pub struct Snapshot {
    pub(crate) conn: Connection,
    /// Where the loaded tables are, which every connection of the audit attaches, kept
    /// while any of them is open; `None` for the empty schema.
    store: Option<Arc<Store>>,
}

/// The database a rule connection's rules write their results into (`temp.results`), until
/// [`Snapshot::hand_over`] copies them into the connection's results file (`r.results`).
pub(crate) const RESULTS: &str = "temp";

/// One page of one table on its way to the writer: (index in SNAPSHOT_TABLES, rows).
type Page = (usize, Vec<SnapshotRow>);

impl Snapshot {
    /// The schema without rows: what a rule's check is validated against.
    pub fn empty() -> Result<Snapshot, AuditError> {
        let conn = Connection::open_in_memory()?;
        create_tables(&conn, |_| true)?;
        conn.execute_batch(AUDIT_TABLES)?;
        conn.execute_batch("CREATE TEMP VIEW all_results AS SELECT * FROM temp.results;")?;
        conn.execute_batch(REPORT_TABLES)?;
        seal(&conn);
        Ok(Snapshot { conn, store: None })
    }

    /// Copies the tenant's ledgers into a [`Store`] of two parts: assets and every other
    /// ledger. Each part is read from the database on a connection of its own while a
    /// thread of its own writes it, so a large city's assets load beside the rest.
    pub async fn load(
        db: &Db,
        tenant_id: i64,
        catalogue: &Catalogue,
    ) -> Result<Snapshot, AuditError> {
        let store = Store::new()?;
        let spawn = |part: usize, rx: tokio::sync::mpsc::Receiver<Page>| {
            let path = store.path(part);
            let catalogue = catalogue.clone();
            std::thread::Builder::new()
                .name(format!("snapshot-{part}"))
                .spawn(move || write_part(&path, part, rx, &catalogue))
                .map_err(|e| AuditError::Internal(e.to_string()))
        };
        let (assets, assets_rx) = tokio::sync::mpsc::channel::<Page>(4);
        let (ledgers, ledgers_rx) = tokio::sync::mpsc::channel::<Page>(4);
        let writers = [spawn(0, assets_rx)?, spawn(1, ledgers_rx)?];
        let read_part = async |part: usize, tx: tokio::sync::mpsc::Sender<Page>| {
            for (t, table) in SNAPSHOT_TABLES.iter().enumerate() {
                if part_of(table.name) != part {
                    continue;
                }
                db.snapshot_rows(tenant_id, table, async |rows| {
                    // A closed channel means the writer stopped; its own error tells why.
                    tx.send((t, rows))
                        .await
                        .map_err(|_| AuditError::Internal("snapshot writer stopped".into()))
                })
                .await?;
            }
            Ok::<(), AuditError>(())
        };
        let (a, b) = tokio::join!(read_part(0, assets), read_part(1, ledgers));
        // The writers' own errors say more than "writer stopped": they come first.
        for writer in writers {
            writer
                .join()
                .map_err(|_| AuditError::Internal("snapshot writer panicked".into()))??;
        }
        a?;
        b?;
        let conn = store.reader()?;
        seal(&conn);
        Ok(Snapshot {
            conn,
            store: Some(Arc::new(store)),
        })
    }
}

/// From here on the snapshot only answers reads: an authorizer refuses any statement
/// but SELECT when it is prepared, and ATTACH (which could reach files) is disabled.
/// The one write left is into the audit's own temp tables (results, waivers, visible
/// departments), which a check cannot reach: it must prepare alone as a read-only SELECT
/// before the engine wraps it (see `engine::run`).
/// The longest text or blob a rule may build (a ledger cell is far shorter; a check that
/// concatenates without end stops here with "string or blob too big").
pub const MAX_VALUE_BYTES: i32 = 64 * 1024 * 1024;

/// SQLite's heap, for every connection of the process (sqlx's and the rules' share one
/// library): a runaway check fails with "out of memory" before the server is taken down.
/// A 1M-asset audit peaks at about 740 MiB of resident memory in all (docs/decisions.md).
pub const HEAP_LIMIT_BYTES: i64 = 2 * 1024 * 1024 * 1024;

fn seal(conn: &Connection) {
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
    // A pragma whose only effect is to set the limit; a failure leaves the default (none).
    let _ = conn.execute_batch(&format!("PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}"));
    conn.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
        AuthAction::Select
        | AuthAction::Read { .. }
        | AuthAction::Function { .. }
        | AuthAction::Recursive => Authorization::Allow,
        // The audit's own tables: results written, and a failed rule's taken back.
        AuthAction::Insert { .. } | AuthAction::Delete { .. }
            if matches!(ctx.database_name, Some("temp" | "r")) =>
        {
            Authorization::Allow
        }
        _ => Authorization::Deny,
    }));
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0);
}

fn sql_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Text => "TEXT",
        ColumnType::Integer => "INTEGER",
        ColumnType::Real => "REAL",
    }
}

/// The snapshot's tables: the ledgers' (`SNAPSHOT_TABLES`), assets with their OS matched
/// to the catalogue, and the recognised software.
fn create_tables(conn: &Connection, wanted: impl Fn(&str) -> bool) -> Result<(), AuditError> {
    for table in SNAPSHOT_TABLES.iter().filter(|t| wanted(t.name)) {
        let mut cols: Vec<String> = table
            .columns
            .iter()
            .map(|(n, t, _)| format!("{n} {}", sql_type(*t)))
            .collect();
        if table.name == "assets" {
            cols.extend(ASSET_OS_COLUMNS.iter().map(|(n, _)| {
                let t = if *n == "os_ended_undated" {
                    "INTEGER"
                } else {
                    "TEXT"
                };
                format!("{n} {t}")
            }));
        }
        conn.execute_batch(&format!(
            "CREATE TABLE {} ({})",
            table.name,
            cols.join(", ")
        ))?;
    }
    if wanted("asset_software") {
        conn.execute_batch(SOFTWARE_TABLE)?;
    }
    Ok(())
}

/// The columns of a results table (one per rule connection).
macro_rules! results_columns {
    () => {
        "rule INTEGER NOT NULL, list INTEGER NOT NULL, subject TEXT, department TEXT,
         outcome TEXT NOT NULL, reason TEXT, facts TEXT, waiver INTEGER,
         n INTEGER NOT NULL DEFAULT 1"
    };
}

/// A rule connection's own tables, in SQLite's temp database (a file with a bounded
/// cache, rather than memory: a million-asset audit yields millions of rows): its
/// results, the waivers in force and the departments shown.
const AUDIT_TABLES: &str = concat!(
    "PRAGMA temp_store = FILE;
    CREATE TEMP TABLE results (",
    results_columns!(),
    ");
    CREATE TEMP TABLE waivers (rule INTEGER NOT NULL, subject TEXT NOT NULL, waiver INTEGER NOT NULL);
    CREATE INDEX temp.waivers_subject ON waivers (rule, subject);
    CREATE TEMP TABLE visible (code TEXT PRIMARY KEY);
    PRAGMA temp.cache_size = -65536;"
);

/// The report's own index of its results, made empty with the report's connection (a
/// sealed connection may not create tables) and filled the first time a page is read
/// (`AuditReport::index`): every result once in the report's order, so that the results
/// of one list, rule and department are consecutive row ids; and per list, rule and
/// department the count, the entries and the first row id, which answer the totals and the
/// count tables and say where a page starts without a sort. In the temp database, a file
/// (a million-asset audit has millions of results).
const REPORT_TABLES: &str = concat!(
    "CREATE TEMP TABLE ordered (",
    results_columns!(),
    ");
    CREATE TEMP TABLE tally (list INTEGER NOT NULL, rule INTEGER NOT NULL, department TEXT,
        n INTEGER NOT NULL, entries INTEGER NOT NULL, first INTEGER NOT NULL);"
);

impl Snapshot {
    /// Rule connection `i` of an audit: reads the store, has its own waivers, visible
    /// departments and results, and hands them over to file `i` when its rules are done.
    /// There is no index on the results: keeping one up cost more (a third of the rules'
    /// time) than sorting the lists that are read. `list` is 0 finding, 1 unknown, 2
    /// waived, 3 pass (`report::List`). A row is one result (`n` = 1), except passes that
    /// were not asked for: those are only counted, one row per rule and department with
    /// the count in `n` (see `engine::run`).
    pub(crate) fn rule_connection(&self, i: usize) -> Result<Snapshot, AuditError> {
        let store = self.loaded()?;
        let file = store.results_path(i)?;
        let conn = store.reader()?;
        conn.execute_batch(AUDIT_TABLES)?;
        conn.execute("ATTACH ?1 AS r", [&file])?;
        conn.execute_batch(concat!(
            "PRAGMA r.journal_mode = OFF;
             PRAGMA r.synchronous = OFF;
             PRAGMA r.cache_size = -65536;
             CREATE TABLE r.results (",
            results_columns!(),
            ");"
        ))?;
        seal(&conn);
        Ok(Snapshot {
            conn,
            store: Some(Arc::clone(store)),
        })
    }

    /// Copies a rule connection's results into its results file, in one statement when its
    /// rules are done, for the report's connection to read. Rules write to the temp
    /// database first: writing the file rule by rule (a commit each) made the audit 8%
    /// slower, and holding one transaction open across rules lost them all when a rule ran
    /// out of time (SQLite takes back the whole transaction of an interrupted statement).
    pub(crate) fn hand_over(&self) -> Result<(), AuditError> {
        self.conn
            .execute_batch("INSERT INTO r.results SELECT * FROM temp.results")?;
        Ok(())
    }

    /// The report's connection once `connections` rule connections are done (and
    /// closed): each one's results file attached, all read as one `all_results`.
    pub(crate) fn with_results(&self, connections: usize) -> Result<Snapshot, AuditError> {
        let store = self.loaded()?;
        let conn = store.reader()?;
        // Before any temp object: changing where temp goes empties the temp database.
        conn.execute_batch("PRAGMA temp_store = FILE; PRAGMA temp.cache_size = -65536;")?;
        let mut parts = Vec::new();
        for i in 0..connections {
            conn.execute(&format!("ATTACH ?1 AS r{i}"), [store.results_path(i)?])?;
            parts.push(format!("SELECT * FROM r{i}.results"));
        }
        conn.execute_batch(&format!(
            "CREATE TEMP VIEW all_results AS {};",
            parts.join(" UNION ALL ")
        ))?;
        conn.execute_batch(REPORT_TABLES)?;
        seal(&conn);
        Ok(Snapshot {
            conn,
            store: Some(Arc::clone(store)),
        })
    }

    fn loaded(&self) -> Result<&Arc<Store>, AuditError> {
        self.store
            .as_ref()
            .ok_or_else(|| AuditError::Internal("the empty schema has no store".into()))
    }
}
