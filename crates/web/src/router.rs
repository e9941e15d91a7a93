//! Every route of the web UI, in one place.

use crate::auth::CurrentUser;
use crate::error::Refusal;
use crate::handlers::{
    account, assets, audit, dashboard, departments, directory, disposals, findings, import,
    inventory, ledger_form, ledgers, login, media, my, public, publication, rules, self_check,
    static_files, stocktakes, training, two_factor, users, welcome,
};
use crate::state::AppState;
use crate::view::{Layout, SignedInErrorPage};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// The application's router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/login/two-factor",
            get(two_factor::show).post(two_factor::submit),
        )
        .route(
            "/account/two-factor",
            get(two_factor::setup).post(two_factor::confirm),
        )
        .route(
            "/account/password",
            get(account::show).post(account::submit),
        )
        .route("/dashboard", get(dashboard::show))
        .route("/my", get(my::show))
        .route("/users", get(users::index))
        .route("/users/two-factors", post(users::set_two_factors))
        .route("/users/sync", post(users::sync))
        .route(
            "/users/directory",
            get(directory::show).post(directory::save),
        )
        .route("/users/directory/test", post(directory::test))
        .route("/users/directory/remove", post(directory::remove))
        .route("/users/{id}/setup-code", post(users::setup_code))
        .route(
            "/users/{id}/reset-two-factors",
            post(users::reset_two_factors),
        )
        .route("/users/tokens", post(users::create_token))
        .route("/users/tokens/{id}/revoke", post(users::revoke_token))
        .route("/static/setup-sheet.css", get(users::stylesheet))
        .route("/welcome", get(welcome::show).post(welcome::submit))
        .route("/departments", get(departments::show))
        .route(
            "/assets",
            get(assets::list::show).post(assets::form::create),
        )
        .route("/assets/new", get(assets::form::new))
        .route("/assets/labels.pdf", get(assets::labels::pdf))
        .route(
            "/disposals",
            get(disposals::index)
                .post(disposals::record)
                .layer(DefaultBodyLimit::max(
                    daicho_store::MAX_CERTIFICATE_BYTES + 64 * 1024,
                )),
        )
        .route("/disposals.xlsx", get(disposals::xlsx))
        .route("/disposals/certificates/{id}", get(disposals::certificate))
        .route(
            "/assets/{id}",
            get(assets::show::show).post(assets::form::update),
        )
        .route("/assets/{id}/edit", get(assets::form::edit))
        .route(
            "/import",
            get(import::show)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(crate::uploads::MAX_BYTES)),
        )
        .route("/import/{token}", get(import::status).post(import::confirm))
        .route("/import/{token}/columns", post(import::columns))
        .route("/import/{token}/departments", post(import::departments))
        .route("/import/{token}/cancel", post(import::cancel))
        .route("/media/{id}/checkout", post(media::checkout))
        .route("/media/{id}/return", post(media::give_back))
        .route("/ledgers", get(ledgers::index))
        .route(
            "/ledgers/{name}",
            get(ledgers::list).post(ledger_form::create),
        )
        .route("/ledgers/{name}/new", get(ledger_form::new))
        .route(
            "/ledgers/{name}/{id}",
            get(ledgers::show).post(ledger_form::update),
        )
        .route("/ledgers/{name}/{id}/edit", get(ledger_form::edit))
        .route("/audits", get(audit::index))
        .route("/audit-plan", get(audit::plan::plan))
        .route(
            "/audits/{id}/publish",
            get(publication::preview_audit).post(publication::publish_audit),
        )
        .route("/publications", get(publication::list))
        .route(
            "/publications/policy",
            get(publication::policy_form).post(publication::policy_submit),
        )
        .route("/public/{tenant}", get(public::index))
        .route("/public/{tenant}/{kind}/{subject}", get(public::page))
        .route("/audit-plan/settings", post(audit::plan::save_settings))
        .route("/audit-plan/adopt", post(audit::plan::adopt))
        .route("/audit-plan/move", post(audit::plan::move_entry))
        .route("/audits/{id}", get(audit::show).post(audit::act))
        .route("/audits/{id}/items", post(audit::save_item))
        .route("/audits/{id}/items/new", get(audit::new_item))
        .route(
            "/audits/{id}/items/{item}",
            get(audit::edit_item).post(audit::save_item),
        )
        .route(
            "/audits/{id}/survey/{department}",
            get(audit::survey).post(audit::save_survey),
        )
        .route(
            "/audits/{id}/measures",
            get(audit::measures).post(audit::save_measure),
        )
        .route("/audits/{id}/due", post(audit::save_due))
        .route("/audits/{id}/horizontal", post(audit::horizontal::send))
        .route("/horizontal", get(audit::horizontal::index))
        .route(
            "/horizontal/{check}",
            get(audit::horizontal::show).post(audit::horizontal::answer),
        )
        .route("/measures", get(audit::measures_index))
        .route("/audits/{id}/report", get(audit::report_html))
        .route("/audits/{id}/report.xlsx", get(audit::report_xlsx))
        .route("/audits/{id}/report.pdf", get(audit::report_pdf))
        .route("/static/audit-report.css", get(audit::report_stylesheet))
        .route("/findings", get(findings::show))
        .route(
            "/findings/horizontal/{rule}",
            get(findings::horizontal_check),
        )
        .route("/rules", get(rules::index))
        .route("/rules/data-day", post(rules::set_data_day))
        .route("/rules/{id}", get(rules::show).post(rules::update))
        .route("/waivers", get(rules::waivers).post(rules::add_waiver))
        .route(
            "/self-check",
            get(self_check::index).post(self_check::create),
        )
        .route("/self-check/{campaign}", get(self_check::report))
        .route("/self-check/{campaign}/xlsx", get(self_check::xlsx))
        .route(
            "/self-check/{campaign}/answer",
            get(self_check::answer_form).post(self_check::answer),
        )
        .route("/self-check/{campaign}/mine", get(self_check::mine))
        .route("/inventory", get(inventory::show))
        .route("/stocktakes", get(stocktakes::index).post(stocktakes::plan))
        .route("/stocktakes/{id}", get(stocktakes::show))
        .route(
            "/stocktakes/{id}/scans",
            post(stocktakes::scan).layer(DefaultBodyLimit::max(
                daicho_store::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/stocktakes/{id}/photos/{scan_id}", get(stocktakes::photo))
        .route("/stocktakes/{id}/scan", get(stocktakes::scan_page))
        .route("/stocktakes/{id}/complete", post(stocktakes::complete))
        .route("/training", get(training::show))
        .route("/training/xlsx", get(training::xlsx))
        .route("/static/style.css", get(static_files::style))
        .route("/static/scan.js", get(static_files::scan_script))
        .route("/static/jsqr.js", get(static_files::jsqr))
        .route("/static/scan-sw.js", get(static_files::scan_worker))
        .route("/healthz", get(static_files::health))
        .merge(crate::api::router())
        .layer(middleware::from_fn_with_state(state.clone(), with_menu))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Shows an error page inside the menu when the request came from a signed-in user (a
/// refusal, a page not found): they can go on from where they are. The user is read only
/// for such pages, and a failure to read them leaves the plain page.
async fn with_menu(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let mut kept = Request::new(()).into_parts().0;
    kept.uri = parts.uri.clone();
    kept.headers = parts.headers.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(refusal) = response.extensions().get::<Refusal>().cloned() else {
        return response;
    };
    let Ok(user) = <CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut kept, &state,
    )
    .await
    else {
        return response;
    };
    let page = SignedInErrorPage {
        layout: Layout::new(&user, refusal.title, ""),
        message: refusal.message,
    };
    match askama::Template::render(&page) {
        Ok(html) => {
            // The same status and headers, the page inside the menu.
            let (mut head, _) = response.into_parts();
            head.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(head, Html(html).into_response().into_body())
        }
        Err(_) => response,
    }
}

/// Headers that keep pages from being framed, sniffed or leaking URLs, and allow only
/// this server's own styles (there are no scripts).
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A page that needs more (the scanning page's scripts and camera) sets its own.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        );
    }
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
