//! Who is asking: the session cookie resolved to a user and the scope of what that user
//! may see. Every page handler takes a [`CurrentUser`]; without a live session the
//! request is sent to the login page.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use daicho_store::{Actor, Scope, User};
use std::net::SocketAddr;

/// Where a user sets their password.
pub const PASSWORD_PATH: &str = "/account/password";

/// Where a login types its second factor.
pub const SECOND_FACTOR_PATH: &str = "/login/two-factor";

/// Where an account sets its second factor up.
pub const TWO_FACTOR_SETUP_PATH: &str = "/account/two-factor";

/// A staff member's own page.
pub const STAFF_HOME: &str = "/my";

/// The pages a `staff` account may open: its own page, the self-check's list, answer
/// form and own result, its password, logging out. Everything else is refused before any
/// handler runs, so a page added later is closed to staff until listed here.
fn staff_may_open(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["my"] | ["dashboard"] | ["self-check"] | ["self-check", _, "answer" | "mine"]
    ) || path == PASSWORD_PATH
        || path == "/logout"
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "daicho_session";

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub scope: Scope,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    pub tenant_name: String,
    /// The tenant's code (全国地方公共団体コード), as audits name it.
    pub tenant_code: String,
}

impl CurrentUser {
    /// Refuses a user who may not change ledgers.
    pub fn require_write(&self) -> Result<(), AppError> {
        if self.scope.can_write {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "台帳を変更する権限がありません。".into(),
            ))
        }
    }

    /// The user as the change history names them.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.username.clone(),
        }
    }
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure unless turned off.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// A redirect to `to` that carries a new session's cookie and clears the login form's.
pub fn signed_in(
    state: &AppState,
    session: &daicho_store::Session,
    to: &str,
) -> axum::response::Response {
    use axum::response::{IntoResponse, Redirect};
    let mut response = Redirect::to(to).into_response();
    let secure = state.settings.secure_cookies;
    let max_age = daicho_store::SESSION_HOURS * 3600;
    for c in [
        set_cookie(SESSION_COOKIE, &session.token, max_age, secure),
        set_cookie(crate::csrf::LOGIN_CSRF_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = axum::http::HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let login = || AppError::LoginRequired { next: next.clone() };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(login)?;
        let session = state
            .db
            .session_user(&token, state.settings.idle)
            .await?
            .ok_or_else(login)?;
        let (mut user, csrf) = (session.user, session.csrf);
        // A person of the city's directory is asked about again every few minutes: taken
        // out of its groups, they lose access then, not at the end of the session.
        let every = chrono::Duration::minutes(daicho_directory::RECHECK_MINUTES);
        if user.directory && state.db.directory_check_due(user.id, every).await? {
            match daicho_directory::recheck(&state.db, &user).await? {
                Some(now) => user = now,
                None => {
                    state.db.end_session(&token).await?;
                    return Err(login());
                }
            }
        }
        let path = parts.uri.path();
        if session.second_factor_pending {
            if path != SECOND_FACTOR_PATH && path != "/logout" {
                return Err(AppError::SecondFactorRequired { next });
            }
        } else if path == SECOND_FACTOR_PATH {
            return Err(AppError::NotFound);
        }
        if user.must_change_password && path != PASSWORD_PATH && path != "/logout" {
            return Err(AppError::PasswordChangeRequired);
        }
        if user.role.may_need_second_factor()
            && !user.two_factors
            && !session.second_factor_pending
            && ![TWO_FACTOR_SETUP_PATH, PASSWORD_PATH, "/logout"].contains(&path)
            && state.db.two_factors_required(user.tenant_id).await?
        {
            return Err(AppError::SecondFactorSetupRequired);
        }
        if user.role.is_staff() && !staff_may_open(path) {
            return Err(AppError::Forbidden(
                "この画面は職員のアカウントでは開けません。".into(),
            ));
        }
        let scope = state.db.scope_for(&user).await?;
        let tenant = state.db.tenant(user.tenant_id).await?;
        Ok(CurrentUser {
            user,
            scope,
            csrf,
            tenant_name: tenant.name,
            tenant_code: tenant.code.as_str().to_string(),
        })
    }
}

/// The client's address, for login throttling and the failed-login log ("unknown" in
/// in-process tests). Behind a reverse proxy every request comes from the proxy: when the
/// peer is one of `Settings::trusted_proxies`, the address the proxy appended last to
/// `X-Forwarded-For` is taken instead (the entries before it are the client's own word).
#[derive(Debug, Clone)]
pub struct RemoteAddr(pub String);

impl FromRequestParts<AppState> for RemoteAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(RemoteAddr(client_address(
            peer,
            &forwarded,
            &state.settings.trusted_proxies,
        )))
    }
}

/// The client: the peer, or, when the peer is a trusted proxy, the last address in
/// `X-Forwarded-For` (the one the proxy itself appended).
fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: &[&str],
    trusted: &[std::net::IpAddr],
) -> String {
    let appended = || {
        forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|a| a.trim().parse::<std::net::IpAddr>().ok())
    };
    let client = match peer {
        Some(p) if trusted.contains(&p) => appended().or(Some(p)),
        other => other,
    };
    client.map_or_else(|| "unknown".into(), |a| a.to_string())
}

#[cfg(test)]
mod tests {
    use super::{client_address, staff_may_open};

    #[test]
    fn staff_open_only_their_own_pages() {
        for open in [
            "/my",
            "/self-check",
            "/self-check/R5/answer",
            "/self-check/R5/mine",
            "/account/password",
            "/logout",
        ] {
            assert!(staff_may_open(open), "{open}");
        }
        for closed in [
            "/assets",
            "/self-check/R5",
            "/self-check/R5/xlsx",
            "/self-check/R5/mine/x",
            "/training",
            "/findings",
            "/ledgers/staff",
            "/measures",
            "/api/v1/assets",
            "/account/two-factor",
        ] {
            assert!(!staff_may_open(closed), "{closed}");
        }
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let proxy: std::net::IpAddr = [127, 0, 0, 1].into();
        let pc: std::net::IpAddr = [10, 0, 0, 7].into();
        let claimed = ["1.2.3.4, 10.0.0.9"];
        assert_eq!(client_address(Some(pc), &claimed, &[proxy]), "10.0.0.7");
        assert_eq!(client_address(Some(proxy), &claimed, &[]), "127.0.0.1");
        assert_eq!(client_address(Some(proxy), &claimed, &[proxy]), "10.0.0.9");
        assert_eq!(
            client_address(Some(proxy), &["nonsense"], &[proxy]),
            "127.0.0.1"
        );
        assert_eq!(client_address(None, &claimed, &[proxy]), "unknown");
    }
}
