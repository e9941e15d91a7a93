//! Writing a snapshot part: the rows read from the database, each asset's OS and
//! software matched to the lifecycle catalogue, then the part's indexes.

use std::collections::HashMap;

use daicho_store::{SNAPSHOT_TABLES, SnapshotRow, SnapshotTable};
use rusqlite::Connection;

use super::store::{PARTS, STORE_PRAGMAS, part_of};
use super::{ASSET_OS_COLUMNS, Page, create_tables};
use crate::AuditError;
use crate::eol::{Catalogue, End, Identified};

/// Writes one part: its tables, the rows sent to it, then its indexes.
pub(super) fn write_part(
    path: &str,
    part: usize,
    mut rx: tokio::sync::mpsc::Receiver<Page>,
    catalogue: &Catalogue,
) -> Result<(), AuditError> {
    let conn = Connection::open(path)?;
    conn.execute_batch(STORE_PRAGMAS)?;
    create_tables(&conn, |table| part_of(table) == part)?;
    conn.execute_batch("BEGIN")?;
    let mut recogniser = Recogniser {
        catalogue,
        cache: HashMap::new(),
    };
    let mut busy = std::time::Duration::ZERO;
    while let Some((t, rows)) = rx.blocking_recv() {
        let started = std::time::Instant::now();
        insert_rows(&conn, &SNAPSHOT_TABLES[t], rows, &mut recogniser)?;
        busy += started.elapsed();
    }
    conn.execute_batch("COMMIT")?;
    let started = std::time::Instant::now();
    index(&conn, part)?;
    tracing::debug!(part = PARTS[part], ?busy, indexed = ?started.elapsed(), "snapshot part written");
    Ok(())
}

/// Indexes for the joins rules make, by table (built after loading: cheaper than
/// keeping them up).
const INDEXES: &[(&str, &str)] = &[
    ("assets", "CREATE INDEX assets_tag ON assets (asset_tag)"),
    (
        "asset_software",
        "CREATE INDEX asset_software_tag ON asset_software (asset_tag)",
    ),
    ("media", "CREATE INDEX media_id ON media (media_id)"),
    (
        "sightings",
        "CREATE INDEX sightings_tag ON sightings (asset_tag)",
    ),
    (
        "exceptions",
        "CREATE INDEX exceptions_subject ON exceptions (subject)",
    ),
    (
        "staff",
        "CREATE INDEX staff_department ON staff (department)",
    ),
    (
        "training",
        "CREATE INDEX training_staff ON training (staff_id)",
    ),
];

/// Indexes a part's tables and gathers the statistics the query planner uses.
fn index(conn: &Connection, part: usize) -> Result<(), AuditError> {
    for (table, sql) in INDEXES {
        if part_of(table) == part {
            conn.execute_batch(sql)?;
        }
    }
    conn.execute_batch("ANALYZE")?;
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
    if table.name == "assets" {
        return insert_assets(conn, table, rows, recogniser);
    }
    let mut stmt = insert_statement(conn, table.name, table.columns.len())?;
    for row in rows {
        stmt.execute(rusqlite::params_from_iter(row.iter()))?;
    }
    Ok(())
}

fn insert_statement<'c>(
    conn: &'c Connection,
    table: &str,
    columns: usize,
) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
    let placeholders = vec!["?"; columns].join(", ");
    conn.prepare_cached(&format!("INSERT INTO {table} VALUES ({placeholders})"))
}

/// Assets go in with their OS matched to the catalogue, and a row in `asset_software`
/// for each product of their software that the catalogue knows.
fn insert_assets(
    conn: &Connection,
    table: &SnapshotTable,
    rows: Vec<SnapshotRow>,
    recogniser: &mut Recogniser<'_>,
) -> Result<(), AuditError> {
    let mut stmt = insert_statement(
        conn,
        table.name,
        table.columns.len() + ASSET_OS_COLUMNS.len(),
    )?;
    let mut software = insert_statement(conn, "asset_software", 7)?;
    let col = |name: &str| table.columns.iter().position(|(c, _, _)| *c == name);
    let (os_at, sw_at, ext_at, tag_at, dept_at) = (
        col("os"),
        col("software"),
        col("extended_support_until"),
        col("asset_tag"),
        col("department"),
    );
    for mut row in rows {
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
