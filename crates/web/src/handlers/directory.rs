//! The directory settings page (administrators only): where the tenant's people log in
//! with their directory password. GET /users/directory shows the settings; POST saves them
//! (the service account's password is never shown, and kept when left blank); POST
//! /users/directory/test finds a person with them; POST /users/directory/remove stops
//! directory logins. What `daicho directory set|show|test|remove` does, on a screen.

use crate::auth::{CurrentUser, RemoteAddr};
use crate::error::AppError;
use crate::handlers::users::{admin_form, require_admin};
use crate::state::AppState;
use crate::view::Layout;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::Role;
use daicho_store::{Directory, FieldError};
use serde::Deserialize;
use std::collections::HashMap;

/// Longest value of a one-line field; a certificate chain may be longer.
const MAX_LINE: usize = 1000;
const MAX_PEM: usize = 64 * 1024;

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    layout: Layout,
    notice: String,
    errors: Vec<FieldError>,
    /// The result of a test: found (or not), and what was said.
    tested: Option<(bool, String)>,
    configured: bool,
    password_set: bool,
    shown: Shown,
    roles: Vec<(&'static str, &'static str)>,
}

/// The settings as the form shows them.
#[derive(Default)]
struct Shown {
    url: String,
    starttls: bool,
    bind_dn: String,
    user_pattern: String,
    search_base: String,
    user_filter: String,
    staff_attribute: String,
    name_attribute: String,
    default_role: String,
    login_domain: String,
    ca_certificate: String,
    /// Per role, the groups giving it (one DN per line), in the order they win.
    groups: Vec<GroupLine>,
}

/// The groups that give one role.
struct GroupLine {
    code: &'static str,
    label: &'static str,
    dns: String,
}

impl GroupLine {
    fn all(dns: impl Fn(Role) -> String) -> Vec<GroupLine> {
        ranked_roles()
            .map(|r| GroupLine {
                code: r.code(),
                label: r.label_ja(),
                dns: dns(r),
            })
            .collect()
    }
}

impl Shown {
    fn of(d: &Directory) -> Shown {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Shown {
            url: d.url.clone(),
            starttls: d.starttls,
            bind_dn: text(&d.bind_dn),
            user_pattern: text(&d.user_pattern),
            search_base: d.search_base.clone(),
            user_filter: d.user_filter.clone(),
            staff_attribute: text(&d.staff_attribute),
            name_attribute: text(&d.name_attribute),
            default_role: d
                .default_role
                .map(|r| r.code().to_string())
                .unwrap_or_default(),
            login_domain: text(&d.login_domain),
            ca_certificate: text(&d.ca_certificate),
            groups: GroupLine::all(|role| {
                d.group_roles
                    .iter()
                    .filter(|(_, r)| *r == role)
                    .map(|(dn, _)| dn.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
        }
    }

    /// What an Active Directory needs, for a first setting.
    fn active_directory() -> Shown {
        Shown {
            user_filter: "(sAMAccountName={username})".into(),
            staff_attribute: "employeeID".into(),
            name_attribute: "displayName".into(),
            default_role: Role::Staff.code().into(),
            groups: GroupLine::all(|_| String::new()),
            ..Shown::default()
        }
    }
}

/// The roles a directory's groups may give, most powerful first: a person in several
/// groups gets the first.
fn ranked_roles() -> impl Iterator<Item = Role> {
    Role::ALL.iter().copied()
}

struct Shape {
    notice: String,
    errors: Vec<FieldError>,
    tested: Option<(bool, String)>,
}

/// The page: the settings as `saved`, or the form as typed (`shown`).
fn page(
    user: &CurrentUser,
    saved: Option<&Directory>,
    shown: Option<Shown>,
    shape: Shape,
) -> Result<Html<String>, AppError> {
    let shown = shown.unwrap_or_else(|| saved.map_or_else(Shown::active_directory, Shown::of));
    Ok(Html(
        DirectoryPage {
            layout: Layout::new(user, "ディレクトリ（Active Directory・LDAP）", "users"),
            notice: shape.notice,
            errors: shape.errors,
            tested: shape.tested,
            configured: saved.is_some(),
            password_set: saved.is_some_and(|d| d.bind_password.is_some()),
            shown,
            roles: ranked_roles().map(|r| (r.code(), r.label_ja())).collect(),
        }
        .render()?,
    ))
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
}

/// GET /users/directory
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    require_admin(&user)?;
    let notice = match query.notice.as_str() {
        "saved" => {
            "ディレクトリの設定を保存しました。「接続を確かめる」で職員を1人探してみてください。"
        }
        "removed" => {
            "ディレクトリの設定を削除しました。ディレクトリのアカウントはログインできなくなりました。"
        }
        _ => "",
    };
    let shape = Shape {
        notice: notice.into(),
        errors: Vec::new(),
        tested: None,
    };
    let saved = state.db.directory(user.scope.tenant_id).await?;
    page(&user, saved.as_ref(), None, shape)
}

/// The form read into settings, or the fields' errors. `saved` gives the service
/// account's password when the field was left blank.
fn read(
    form: &HashMap<String, String>,
    tenant_id: i64,
    saved: Option<&Directory>,
) -> Result<Directory, Vec<FieldError>> {
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let optional = |name: &str| Some(field(name).to_string()).filter(|v| !v.is_empty());
    let mut errors = Vec::new();
    let mut err = |field: &'static str, message: &str| {
        errors.push(FieldError {
            field,
            message: message.to_string(),
        })
    };
    for name in [
        "url",
        "bind_dn",
        "user_pattern",
        "search_base",
        "user_filter",
        "staff_attribute",
        "name_attribute",
        "login_domain",
    ] {
        if field(name).chars().count() > MAX_LINE {
            err(name, "入力が長すぎます（1000文字まで）");
        }
    }
    let url = field("url").to_string();
    let lowered = url.to_ascii_lowercase();
    let ldaps = lowered.starts_with("ldaps://");
    if !(ldaps || lowered.starts_with("ldap://")) || url.len() <= "ldap://".len() {
        err(
            "url",
            "URL は ldap://サーバー名:389 または ldaps://サーバー名:636 の形で入力してください",
        );
    }
    let starttls = form.get("starttls").is_some_and(|v| v == "1");
    if starttls && ldaps {
        err(
            "starttls",
            "ldaps:// は最初から暗号化されています。StartTLS は ldap:// のときに選んでください",
        );
    }
    let bind_dn = optional("bind_dn");
    let user_pattern = optional("user_pattern");
    if bind_dn.is_none() && user_pattern.is_none() {
        err(
            "bind_dn",
            "検索用のアカウント（bind DN）か、本人として接続する DN・UPN の形のどちらかを入力してください",
        );
    }
    if let Some(pattern) = &user_pattern
        && !pattern.contains("{username}")
    {
        err(
            "user_pattern",
            "本人として接続する形には {username} を含めてください（例: {username}@city.local）",
        );
    }
    let typed_password = form.get("bind_password").map_or("", String::as_str);
    let bind_password = match (&bind_dn, typed_password.is_empty()) {
        (None, _) => None,
        (Some(_), false) => Some(typed_password.to_string()),
        (Some(_), true) => saved.and_then(|d| d.bind_password.clone()),
    };
    if bind_dn.is_some() && bind_password.is_none() {
        err(
            "bind_password",
            "検索用アカウントのパスワードを入力してください",
        );
    }
    let search_base = field("search_base").to_string();
    if search_base.is_empty() {
        err(
            "search_base",
            "検索の起点（例: DC=city,DC=local）を入力してください",
        );
    }
    let user_filter = field("user_filter").to_string();
    if !(user_filter.starts_with('(') && user_filter.contains("{username}")) {
        err(
            "user_filter",
            "利用者を探す条件は ( で始め、{username} を含めてください（例: (sAMAccountName={username})）",
        );
    }
    let mut group_roles = Vec::new();
    for role in ranked_roles() {
        let name = format!("groups_{}", role.code());
        for dn in form.get(&name).map_or("", String::as_str).lines() {
            let dn = dn.trim();
            if dn.is_empty() {
                continue;
            }
            if !dn.contains('=') || dn.chars().count() > MAX_LINE {
                err(
                    "groups",
                    &format!(
                        "「{}」のグループ「{dn}」は DN（例: CN=daicho-staff,OU=Groups,DC=city,DC=local）ではありません",
                        role.label_ja()
                    ),
                );
            }
            group_roles.push((dn.to_string(), role));
        }
    }
    let default_role = match field("default_role") {
        "" => None,
        code => match Role::parse(code) {
            Ok(r) => Some(r),
            Err(_) => {
                err("default_role", "グループのない人の役割を選び直してください");
                None
            }
        },
    };
    let ca_certificate = optional("ca_certificate");
    if let Some(pem) = &ca_certificate {
        if pem.len() > MAX_PEM {
            err("ca_certificate", "認証局の証明書が長すぎます（64 KB まで）");
        } else if let Err(why) = daicho_directory::trusting(pem) {
            err("ca_certificate", &format!("認証局の証明書: {why}"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Directory {
        tenant_id,
        url,
        starttls,
        bind_dn,
        bind_password,
        user_pattern,
        search_base,
        user_filter,
        staff_attribute: optional("staff_attribute"),
        name_attribute: optional("name_attribute"),
        group_roles,
        default_role,
        login_domain: optional("login_domain"),
        ca_certificate,
    })
}

/// The form as typed, to show it again with its errors (never the password).
fn typed(form: &HashMap<String, String>) -> Shown {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    Shown {
        url: field("url"),
        starttls: form.get("starttls").is_some_and(|v| v == "1"),
        bind_dn: field("bind_dn"),
        user_pattern: field("user_pattern"),
        search_base: field("search_base"),
        user_filter: field("user_filter"),
        staff_attribute: field("staff_attribute"),
        name_attribute: field("name_attribute"),
        default_role: field("default_role"),
        login_domain: field("login_domain"),
        ca_certificate: field("ca_certificate"),
        groups: GroupLine::all(|r| field(&format!("groups_{}", r.code()))),
    }
}

/// POST /users/directory
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let saved = state.db.directory(user.scope.tenant_id).await?;
    match read(&form, user.scope.tenant_id, saved.as_ref()) {
        Ok(directory) => {
            state.db.set_directory(&user.actor(), &directory).await?;
            Ok(Redirect::to("/users/directory?notice=saved").into_response())
        }
        Err(errors) => {
            let shape = Shape {
                notice: String::new(),
                errors,
                tested: None,
            };
            let html = page(&user, saved.as_ref(), Some(typed(&form)), shape)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// POST /users/directory/test: finds a person with the saved settings.
pub async fn test(
    State(state): State<AppState>,
    user: CurrentUser,
    RemoteAddr(remote): RemoteAddr,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let Some(directory) = state.db.directory(user.scope.tenant_id).await? else {
        return Ok(Redirect::to("/users/directory").into_response());
    };
    let username = form.get("username").map_or("", |v| v.trim());
    let password = form.get("password").map_or("", String::as_str);
    let tested = if username.is_empty() || password.is_empty() {
        (
            false,
            "確かめるには、ディレクトリにいる人のユーザー名とパスワードを入力してください".into(),
        )
    } else if !state.db.claim_password_try(username, &remote).await? {
        // Counted as a login: the test is no faster way to guess a person's password.
        (
            false,
            "確かめる操作の失敗が続いたため、しばらくお待ちください（長くても15分）".into(),
        )
    } else {
        match daicho_directory::check(&directory, username, password).await {
            Ok(found) => {
                state.db.login_succeeded(username, &remote).await?;
                (true, found)
            }
            Err(why) => (false, why),
        }
    };
    let shape = Shape {
        notice: String::new(),
        errors: Vec::new(),
        tested: Some(tested),
    };
    Ok(page(&user, Some(&directory), None, shape)?.into_response())
}

/// POST /users/directory/remove
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    state
        .db
        .remove_directory(&user.actor(), user.scope.tenant_id)
        .await?;
    Ok(Redirect::to("/users/directory?notice=removed").into_response())
}
