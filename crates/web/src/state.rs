//! What every handler shares: the database and the settings.

use daicho_store::Db;
use std::sync::Arc;

/// Web settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (browsers still send them to http://localhost). Turn off
    /// only for a plain-HTTP intranet server.
    pub secure_cookies: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
        }
    }
}

/// The application.
#[derive(Debug)]
pub struct App {
    pub db: Db,
    pub settings: Settings,
}

/// Handler state: cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        AppState(Arc::new(App { db, settings }))
    }
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}
