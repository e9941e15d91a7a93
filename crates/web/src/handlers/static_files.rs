//! The stylesheet, compiled into the binary.

use axum::http::header;
use axum::response::IntoResponse;

const STYLE: &str = include_str!("../../static/style.css");

/// GET /static/style.css
pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

/// The scanning page's script (ours) and the QR decoder it falls back on (jsQR, vendored).
const SCAN_JS: &str = include_str!("../../static/scan.js");
const JSQR_JS: &str = include_str!("../../static/vendor/jsqr/jsQR.js");

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// GET /static/scan.js
pub async fn scan_script() -> impl IntoResponse {
    script(SCAN_JS)
}

/// GET /static/jsqr.js
pub async fn jsqr() -> impl IntoResponse {
    script(JSQR_JS)
}

/// The scanning page's service worker (ours): keeps that page on the device for offline.
const SCAN_WORKER_JS: &str = include_str!("../../static/scan-sw.js");

/// GET /static/scan-sw.js. Served from /static but allowed to control /stocktakes/ (the
/// scanning pages), and checked for a new version on every visit. Its own policy lets it
/// fetch from daicho and nothing else.
pub async fn scan_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                "/stocktakes/",
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; connect-src 'self'",
            ),
        ],
        SCAN_WORKER_JS,
    )
}

/// GET /healthz: the database answers.
pub async fn health(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
) -> impl IntoResponse {
    match state.db.tenants().await {
        Ok(_) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        ),
    }
}
