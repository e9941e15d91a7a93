//! The audits the findings pages ran, kept a while so that paging, filtering and the
//! horizontal check read the same results instead of auditing again. An audit is reused
//! only for the same tenant, day, rules and visible departments, and only while nothing
//! it read has changed (`Db::audit_stamp`): a change to a ledger, a rule setting or a
//! waiver shows on the next page.
//!
//! Under load: one audit per key at a time (the others asking for it wait for it and read
//! it — single flight), and at most [`AT_ONCE`] audits on the server at once, so that fifty
//! people opening the findings page cold cost one audit, not fifty.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use daicho_rules::{AuditOptions, AuditReport, run_audit};
use daicho_store::{AuditStamp, Scope};

use crate::error::AppError;
use crate::state::AppState;

/// Audits kept at most: a large city's holds its snapshot files and caches.
const KEEP: usize = 4;

/// How long an audit nobody asks for again is kept.
const IDLE: Duration = Duration::from_secs(10 * 60);

/// Audits running at once on the server (each uses up to two cores and its snapshot).
pub const AT_ONCE: usize = 2;

/// An audit being read by one page at a time (its database connection is not shared).
pub type SharedReport = Arc<Mutex<AuditReport>>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    tenant_id: i64,
    /// What the user may see (`None`: the whole tenant).
    departments: Option<Vec<i64>>,
    as_of: NaiveDate,
    rules: Vec<String>,
    chosen_departments: Vec<String>,
    include_passes: bool,
    stamp: AuditStamp,
}

struct Kept {
    key: Key,
    report: SharedReport,
    used: Instant,
}

pub struct AuditCache {
    kept: Mutex<Vec<Kept>>,
    runs: AtomicU64,
    /// One lock per key being audited: who comes second waits and then reads the kept one.
    flights: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    running: tokio::sync::Semaphore,
}

impl Default for AuditCache {
    fn default() -> Self {
        AuditCache {
            kept: Mutex::default(),
            runs: AtomicU64::default(),
            flights: Mutex::default(),
            running: tokio::sync::Semaphore::new(AT_ONCE),
        }
    }
}

impl std::fmt::Debug for AuditCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditCache")
            .field("runs", &self.runs())
            .finish_non_exhaustive()
    }
}

impl AuditCache {
    /// How many audits have been run (not reused) since the server started.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// The audit of what `scope` sees (in tenant `tenant_code`) with these options: a
    /// kept one if nothing it read has changed, otherwise a new one, which is then kept.
    /// A user's pages and an API token share it.
    pub async fn report(
        &self,
        state: &AppState,
        scope: &Scope,
        tenant_code: &str,
        options: AuditOptions,
    ) -> Result<SharedReport, AppError> {
        let key = Key {
            tenant_id: scope.tenant_id,
            departments: scope.departments.clone(),
            as_of: options.as_of,
            rules: options.rules.clone(),
            chosen_departments: options.departments.clone(),
            include_passes: options.include_passes,
            stamp: state.db.audit_stamp(scope.tenant_id).await?,
        };
        if let Some(report) = self.find(&key)? {
            return Ok(report);
        }
        let flight = {
            let mut flights = self
                .flights
                .lock()
                .map_err(|_| AppError::Internal("audit flights poisoned".into()))?;
            flights.retain(|_, f| Arc::strong_count(f) > 1);
            Arc::clone(flights.entry(key.clone()).or_default())
        };
        let _alone = flight.lock().await;
        // Whoever held the key before may have run this very audit.
        if let Some(report) = self.find(&key)? {
            return Ok(report);
        }
        let _slot = self
            .running
            .acquire()
            .await
            .map_err(|_| AppError::Internal("audit slots closed".into()))?;
        let report = Arc::new(Mutex::new(run(state, scope, tenant_code, options).await?));
        self.runs.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.lock()?;
        kept.retain(|k| k.key != key);
        if kept.len() >= KEEP
            && let Some(oldest) = (0..kept.len()).min_by_key(|&i| kept[i].used)
        {
            kept.swap_remove(oldest);
        }
        kept.push(Kept {
            key,
            report: Arc::clone(&report),
            used: Instant::now(),
        });
        Ok(report)
    }

    fn find(&self, key: &Key) -> Result<Option<SharedReport>, AppError> {
        let mut kept = self.lock()?;
        let now = Instant::now();
        kept.retain(|k| now.duration_since(k.used) < IDLE);
        Ok(kept.iter_mut().find(|k| k.key == *key).map(|k| {
            k.used = now;
            Arc::clone(&k.report)
        }))
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Vec<Kept>>, AppError> {
        self.kept
            .lock()
            .map_err(|_| AppError::Internal("audit cache poisoned".into()))
    }
}

/// Runs an audit of what `scope` sees.
async fn run(
    state: &AppState,
    scope: &Scope,
    tenant_code: &str,
    options: AuditOptions,
) -> Result<AuditReport, AppError> {
    // The audit is CPU work on a blocking thread; its future is also not provably Send
    // (the snapshot's reader takes an async closure), so it is driven there to the end.
    let (state, scope, tenant) = (state.clone(), scope.clone(), tenant_code.to_string());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        runtime.block_on(run_audit(&state.db, &scope, &tenant, &options))
    })
    .await
    .map_err(|e| AppError::Internal(format!("audit task: {e}")))?
    .map_err(AppError::from)
}

/// Reads a kept audit on a blocking thread (its lists are sorted and read from SQLite).
pub async fn read<T: Send + 'static>(
    report: SharedReport,
    f: impl FnOnce(&AuditReport) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(move || {
        let report = report
            .lock()
            .map_err(|_| AppError::Internal("audit report poisoned".into()))?;
        f(&report)
    })
    .await
    .map_err(|e| AppError::Internal(format!("audit read task: {e}")))?
}
