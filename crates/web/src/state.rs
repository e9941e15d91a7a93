//! What every handler shares: the database and the settings.

use daicho_store::Db;
use std::sync::Arc;

/// Web settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (browsers still send them to http://localhost). Turn off
    /// only for a plain-HTTP intranet server.
    pub secure_cookies: bool,
    /// A session without a request for this long ends.
    pub idle: chrono::Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
            idle: chrono::Duration::minutes(daicho_store::IDLE_MINUTES),
            trusted_proxies: Vec::new(),
        }
    }
}

/// An import running in the background: rows read so far, then its report.
#[derive(Debug)]
pub struct ImportJob {
    /// (tenant, user) who started it; only they may see it.
    pub owner: (i64, i64),
    pub dry_run: bool,
    pub rows: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The report, or a message, once finished.
    pub outcome: Option<Result<daicho_ingest::ImportReport, String>>,
    /// When it started: a finished job is forgotten with its upload, after an hour.
    pub started: std::time::Instant,
}

/// The application.
#[derive(Debug)]
pub struct App {
    pub db: Db,
    pub settings: Settings,
    /// Imports started from the browser, by upload token.
    pub jobs: std::sync::Mutex<std::collections::HashMap<String, ImportJob>>,
    /// The findings pages' audits, kept while nothing they read changes.
    pub audits: crate::audits::AuditCache,
    /// Files sent for import, waiting for confirmation.
    pub uploads: crate::uploads::Uploads,
}

/// Handler state: cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        AppState(Arc::new(App {
            db,
            settings,
            jobs: Default::default(),
            audits: Default::default(),
            uploads: Default::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}
