//! The audit snapshot: one tenant's ledgers copied into a private in-memory SQLite
//! database, with each asset's OS and software already matched to the lifecycle
//! catalogue. Rules run here, never on the live database: a rule cannot change a
//! ledger or see another tenant, and gives the same result whichever database the city
//! runs daicho on.

use std::collections::HashMap;

use daicho_store::{ColumnType, Db, SNAPSHOT_TABLES, SnapshotRow, SnapshotTable};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::serialize::{Data, OwnedData};
use rusqlite::{Connection, DatabaseName, OpenFlags};

use crate::AuditError;
use crate::audit::SecondConnection;
use crate::eol::{Catalogue, End, Identified};

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

pub struct Snapshot {
    pub(crate) conn: Connection,
    /// The URI of the in-memory database when other connections may open it too (a
    /// loaded snapshot); `None` for the empty schema.
    shared: Option<String>,
    /// Where this connection's rules write: `temp` (the snapshot's own connection) or
    /// `w`, a results file the snapshot's connection attaches when gathering.
    pub(crate) results: &'static str,
    /// The results file of a second connection, removed when it is dropped.
    results_file: Option<ResultsFile>,
}

/// A temporary results file in a directory only this user can enter (the results say
/// where a city is weak), deleted with its owner.
struct ResultsFile {
    dir: tempfile::TempDir,
}

impl ResultsFile {
    fn new() -> Result<ResultsFile, AuditError> {
        let dir = tempfile::Builder::new()
            .prefix("daicho-audit-")
            .tempdir()
            .map_err(|e| AuditError::Internal(format!("一時ディレクトリを作れません: {e}")))?;
        Ok(ResultsFile { dir })
    }

    fn path(&self) -> String {
        self.dir
            .path()
            .join("results.sqlite")
            .to_string_lossy()
            .into_owned()
    }
}

/// One page of one table on its way to the writer: (index in SNAPSHOT_TABLES, rows).
type Page = (usize, Vec<SnapshotRow>);

impl Snapshot {
    /// The schema without rows: what a rule's check is validated against.
    pub fn empty() -> Result<Snapshot, AuditError> {
        let conn = Connection::open_in_memory()?;
        create_schema(&conn)?;
        seal(&conn);
        Ok(Snapshot {
            conn,
            shared: None,
            results: "temp",
            results_file: None,
        })
    }

    /// Copies the tenant's ledgers. The database is read page by page while another
    /// thread writes the pages into the snapshot.
    pub async fn load(
        db: &Db,
        tenant_id: i64,
        catalogue: &Catalogue,
    ) -> Result<Snapshot, AuditError> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Page>(4);
        let catalogue = catalogue.clone();
        let writer = std::thread::spawn(move || -> Result<Snapshot, AuditError> {
            let uri = shared_uri();
            let conn = Connection::open_with_flags(&uri, shared_flags())?;
            create_schema(&conn)?;
            conn.execute_batch("BEGIN")?;
            let mut recogniser = Recogniser {
                catalogue: &catalogue,
                cache: HashMap::new(),
            };
            let mut busy = std::time::Duration::ZERO;
            while let Some((t, rows)) = rx.blocking_recv() {
                let started = std::time::Instant::now();
                insert_rows(&conn, &SNAPSHOT_TABLES[t], rows, &mut recogniser)?;
                busy += started.elapsed();
            }
            tracing::debug!(?busy, "snapshot written");
            conn.execute_batch("COMMIT")?;
            index(&conn)?;
            seal(&conn);
            Ok(Snapshot {
                conn,
                shared: Some(uri),
                results: "temp",
                results_file: None,
            })
        });
        let read = async {
            for (t, table) in SNAPSHOT_TABLES.iter().enumerate() {
                let tx = &tx;
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
        let read_result = read.await;
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| AuditError::Internal("snapshot writer panicked".into()))?;
        let snapshot = written?;
        read_result?;
        Ok(snapshot)
    }
}

/// From here on the snapshot only answers reads: an authorizer refuses any statement
/// but SELECT when it is prepared, and ATTACH (which could reach files) is disabled.
/// The one write left is into the audit's own temp tables (results, waivers, visible
/// departments), which a check cannot reach: it must prepare alone as a read-only SELECT
/// before the engine wraps it (see `engine::run`).
fn seal(conn: &Connection) {
    conn.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
        AuthAction::Select
        | AuthAction::Read { .. }
        | AuthAction::Function { .. }
        | AuthAction::Recursive => Authorization::Allow,
        AuthAction::Insert { .. } if matches!(ctx.database_name, Some("temp" | "w")) => {
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

fn create_schema(conn: &Connection) -> Result<(), AuditError> {
    for table in SNAPSHOT_TABLES {
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
    conn.execute_batch(SOFTWARE_TABLE)?;
    conn.execute_batch(AUDIT_TABLES)?;
    conn.execute_batch(GATHERED_RESULTS)?;
    Ok(())
}

/// The columns of a results table (the snapshot connection's, a second connection's).
macro_rules! results_columns {
    () => {
        "rule INTEGER NOT NULL, list INTEGER NOT NULL, subject TEXT, department TEXT,
         outcome TEXT NOT NULL, reason TEXT, facts TEXT, waiver INTEGER"
    };
}

/// Where an audit keeps its results. They live in SQLite's temp database, which is a
/// file (with a bounded cache) rather than memory: a million-asset audit yields millions
/// of rows. There is no index on them: most are passes that are only counted, and
/// keeping an index up cost more (a third of the rules' time) than sorting the lists
/// that are read.
/// `list` is 0 finding, 1 unknown, 2 waived, 3 pass (`report::List`); a pass keeps only
/// rule, department and outcome unless passes were asked for.
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

/// The results of a second connection come back as the database `w` (its results file,
/// attached), and the report reads both through `all_results`. Until then `w` is an empty
/// in-memory stand-in.
const GATHERED_RESULTS: &str = concat!(
    "ATTACH ':memory:' AS w; CREATE TABLE w.results (",
    results_columns!(),
    ");
    CREATE TEMP VIEW all_results AS
        SELECT * FROM temp.results UNION ALL SELECT * FROM w.results;"
);

/// Flags for the snapshot's in-memory database, which a second connection opens too.
/// Shared cache: both connections read the one copy of the tables (a copy per connection
/// took a million-asset audit past 1 GiB).
fn shared_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_SHARED_CACHE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// A name for one snapshot's in-memory database, unique in the process.
fn shared_uri() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("file:daicho-snapshot-{n}?mode=memory&cache=shared")
}

/// The largest snapshot copied for a second connection; larger ones are shared. A copy
/// is the fastest second connection (each has its own page cache: rules ran 25–30%
/// faster than on one connection at 100k assets) but costs its size again in memory; a
/// shared cache costs nothing but serialises much of the two connections' reading (10%
/// faster at a million assets, whose 216 MiB copy took the audit past 1 GiB on SQLite).
const COPY_LIMIT: i64 = 128 * 1024 * 1024;

impl Snapshot {
    /// A second connection on this snapshot — a copy of it up to [`COPY_LIMIT`], the same
    /// shared in-memory database beyond — sealed the same way, with audit tables of its
    /// own and its results going to a file of its own: rules run on both at once. `None`
    /// for a snapshot other connections cannot open.
    pub(crate) fn fork(&self, how: SecondConnection) -> Result<Option<Snapshot>, AuditError> {
        let Some(uri) = &self.shared else {
            return Ok(None);
        };
        if how == SecondConnection::None {
            return Ok(None);
        }
        let file = ResultsFile::new()?;
        let bytes: i64 = unsealed(&self.conn, |c| {
            c.query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get(0),
            )
        })?;
        let copy = if how == SecondConnection::Copy
            || how == SecondConnection::Auto && bytes <= COPY_LIMIT
        {
            unsealed(&self.conn, |c| owned_copy(c, DatabaseName::Main))?
        } else {
            None
        };
        tracing::debug!(
            mib = bytes >> 20,
            copied = copy.is_some(),
            "second connection"
        );
        let conn = match copy {
            Some(copy) => {
                let mut conn = Connection::open_in_memory()?;
                conn.deserialize(DatabaseName::Main, copy, true)?;
                conn
            }
            None => Connection::open_with_flags(uri, shared_flags())?,
        };
        conn.execute_batch(AUDIT_TABLES)?;
        conn.execute("ATTACH ?1 AS w", [file.path()])?;
        conn.execute_batch(concat!(
            "PRAGMA w.journal_mode = OFF;
             PRAGMA w.synchronous = OFF;
             PRAGMA w.cache_size = -65536;
             CREATE TABLE w.results (",
            results_columns!(),
            ");"
        ))?;
        seal(&conn);
        Ok(Some(Snapshot {
            conn,
            shared: None,
            results: "w",
            results_file: Some(file),
        }))
    }

    /// Attaches the results file a fork wrote, so this snapshot's `all_results` holds its
    /// results beside its own. The file goes when this snapshot does.
    pub(crate) fn gather(&mut self, mut fork: Snapshot) -> Result<(), AuditError> {
        let file = fork.results_file.take();
        drop(fork);
        let Some(file) = file else {
            return Err(AuditError::Internal(
                "the second connection wrote no results file".into(),
            ));
        };
        // ATTACH is what the seal refuses: lift it for daicho's own statement only.
        let attached = unsealed(&self.conn, |c| {
            c.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 2);
            c.execute_batch("DETACH w")?;
            c.execute("ATTACH ?1 AS w", [file.path()])
        });
        attached?;
        self.results_file = Some(file);
        Ok(())
    }
}

/// A copy of one database of the connection that SQLite allocated and hands over.
fn owned_copy(conn: &Connection, db: DatabaseName<'_>) -> rusqlite::Result<Option<OwnedData>> {
    Ok(match conn.serialize(db)? {
        Data::Owned(copy) => Some(copy),
        Data::Shared(_) => None,
    })
}

/// Runs `f` with the seal lifted: sqlite3_serialize reads through sqlite_dbpage, which
/// the seal refuses. Only daicho's own calls run in between; the seal is back before any
/// check.
fn unsealed<T>(conn: &Connection, f: impl FnOnce(&Connection) -> T) -> T {
    conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
    let out = f(conn);
    seal(conn);
    out
}

/// Indexes for the joins rules make (built after loading: cheaper than keeping them up).
fn index(conn: &Connection) -> Result<(), AuditError> {
    conn.execute_batch(
        "CREATE INDEX assets_tag ON assets (asset_tag);
         CREATE INDEX asset_software_tag ON asset_software (asset_tag);
         CREATE INDEX media_id ON media (media_id);
         CREATE INDEX sightings_tag ON sightings (asset_tag);
         CREATE INDEX exceptions_subject ON exceptions (subject);
         CREATE INDEX staff_department ON staff (department);
         CREATE INDEX training_staff ON training (staff_id);
         ANALYZE;",
    )?;
    Ok(())
}

struct Recogniser<'a> {
    catalogue: &'a Catalogue,
    cache: HashMap<String, Option<Identified>>,
}

impl Recogniser<'_> {
    fn identify(&mut self, written: &str) -> Option<Identified> {
        if let Some(hit) = self.cache.get(written) {
            return hit.clone();
        }
        let found = self.catalogue.identify(written);
        self.cache.insert(written.to_string(), found.clone());
        found
    }
}

fn insert_rows(
    conn: &Connection,
    table: &SnapshotTable,
    rows: Vec<SnapshotRow>,
    recogniser: &mut Recogniser<'_>,
) -> Result<(), AuditError> {
    let assets = table.name == "assets";
    let n = table.columns.len() + if assets { ASSET_OS_COLUMNS.len() } else { 0 };
    let placeholders = vec!["?"; n].join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO {} VALUES ({placeholders})",
        table.name
    ))?;
    let mut software =
        conn.prepare_cached("INSERT INTO asset_software VALUES (?, ?, ?, ?, ?, ?, ?)")?;
    let col = |name: &str| table.columns.iter().position(|(c, _, _)| *c == name);
    let (os_at, sw_at, ext_at, tag_at, dept_at) = (
        col("os"),
        col("software"),
        col("extended_support_until"),
        col("asset_tag"),
        col("department"),
    );
    for mut row in rows {
        if assets {
            let os = os_at.and_then(|i| row[i].clone());
            let extended = ext_at.is_some_and(|i| row[i].is_some());
            let found = os.as_deref().and_then(|w| recogniser.identify(w));
            row.extend(os_columns(found.as_ref(), extended));
            if let Some(sw) = sw_at.and_then(|i| row[i].clone()) {
                for written in sw.split([',', '、', '/', ';', '；', '・', '\n', '，']) {
                    let written = written.trim();
                    if written.is_empty() {
                        continue;
                    }
                    if let Some(p) = recogniser.identify(written) {
                        let (eol, undated) = end_columns(p.eol);
                        software.execute(rusqlite::params![
                            tag_at.and_then(|i| row[i].clone()),
                            dept_at.and_then(|i| row[i].clone()),
                            written,
                            p.product,
                            p.label,
                            eol,
                            undated
                        ])?;
                    }
                }
            }
        }
        stmt.execute(rusqlite::params_from_iter(row.iter()))?;
    }
    Ok(())
}

fn end_columns(end: End) -> (Option<String>, i64) {
    match end {
        End::On(d) => (Some(d.to_string()), 0),
        End::Ended => (None, 1),
        End::Supported => (None, 0),
    }
}

fn os_columns(found: Option<&Identified>, extended: bool) -> Vec<Option<String>> {
    let Some(p) = found else {
        return vec![None, None, None, None, None, None];
    };
    let (eol, undated) = end_columns(p.eol);
    let eoes = p.eoes.map(|d| d.to_string());
    let end = match (&eoes, extended) {
        (Some(e), true) => Some(e.clone()),
        _ => eol.clone(),
    };
    vec![
        Some(p.product.clone()),
        Some(p.label.clone()),
        eol,
        eoes,
        end,
        Some(undated.to_string()),
    ]
}
