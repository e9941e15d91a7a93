//! daicho's web UI: Japanese, server-rendered pages over the store. Handlers are thin
//! (one file per action, see `handlers/`), every route is in `router.rs`, and every page
//! works without JavaScript. Styles are compiled into the binary: city networks have no
//! internet.

mod api;
mod audits;
mod auth;
mod csrf;
mod error;
mod handlers;
mod import_jobs;
mod multipart;
mod os_groups;
mod router;
mod state;
pub mod uploads;
mod view;

pub use router::router;
pub use state::{App, AppState, Settings};

use std::future::Future;
use tokio::net::TcpListener;

/// Serves the UI on `listener` until `shutdown` resolves. Used by `daicho serve` and by
/// the end-to-end tests.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
