//! TestApp: the router over サンプル市 plus a second city, one account per role, and a
//! small client that keeps a session cookie and the CSRF token like a browser would.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use daicho_domain::{DepartmentLevel, Role, TenantCode};
use daicho_store::testing::{TestDb, fresh};
use daicho_store::{Actor, AssetFilter, AssetInput, NewDepartment, NewUser, Scope, Tenant};
use daicho_web::{AppState, Settings, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "test password 1234";

pub struct TestApp {
    pub db: TestDb,
    pub state: AppState,
    pub router: Router,
    pub demo: Tenant,
    pub other: Tenant,
}

/// A response, read whole.
pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub cookies: Vec<String>,
    pub body: String,
    /// The body as sent (a download).
    pub bytes: Vec<u8>,
    pub content_type: String,
}

impl Page {
    /// The session a response started, as a client without a CSRF token yet.
    pub fn session(&self) -> Client {
        let cookie = self
            .cookies
            .iter()
            .find(|c| c.starts_with("daicho_session="))
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_string();
        Client {
            cookie,
            csrf: String::new(),
        }
    }
}

/// A logged-in browser: its session cookie and the CSRF token its pages carry.
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let db = fresh().await.expect("test database");
        let demo = daicho_demo::load(&db).await.expect("demo").tenant;
        let library = db
            .department_by_code(&Scope::tenant(demo.id), "080500")
            .await
            .expect("q")
            .expect("library")
            .id;
        for role in Role::ALL {
            let departments = if *role == Role::Manager {
                vec![library]
            } else {
                vec![]
            };
            let user = NewUser {
                tenant_id: demo.id,
                username: role.code().into(),
                display_name: format!("テスト{}", role.label_ja()),
                role: *role,
                password: PASSWORD.into(),
                departments,
                must_change_password: false,
            };
            db.create_user(&user).await.expect("user");
        }
        let other = db
            .ensure_tenant(&TenantCode::parse("352012").expect("code"), "岡山市")
            .await
            .expect("tenant");
        let scope = Scope::tenant(other.id);
        let new = NewDepartment {
            code: "110".into(),
            name: "岡山総務課".into(),
            level: DepartmentLevel::Section,
            parent_code: None,
            manager: None,
            valid_from: None,
        };
        db.create_department(&scope, &Actor::system("test"), &new)
            .await
            .expect("department");
        let asset = AssetInput::default()
            .with("asset_tag", "OKA-1")
            .with("department", "110")
            .with("kind", "desktop")
            .with("name", "岡山の端末");
        db.create_asset(&scope, &Actor::system("test"), &asset)
            .await
            .expect("asset");
        let user = NewUser {
            tenant_id: other.id,
            username: "okayama-admin".into(),
            display_name: "岡山管理者".into(),
            role: Role::Admin,
            password: PASSWORD.into(),
            departments: vec![],
            must_change_password: false,
        };
        db.create_user(&user).await.expect("user");
        let state = AppState::new(db.db.clone(), Settings::default());
        let router = router(state.clone());
        TestApp {
            db,
            state,
            router,
            demo,
            other,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Page {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Page {
            status,
            location,
            cookies,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
            content_type,
        }
    }

    pub async fn get(&self, client: Option<&Client>, path: &str) -> Page {
        let mut request = Request::get(path);
        if let Some(c) = client {
            request = request.header(header::COOKIE, &c.cookie);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post(&self, client: Option<&Client>, path: &str, form: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = client {
            request = request.header(header::COOKIE, &c.cookie);
        }
        self.send(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// 情報政策課 plans stocktake `id` of the central library (080500) through the page.
    pub async fn plan_library_stocktake(&self, policy: &Client, id: &str) {
        let planned = self
            .post(
                Some(policy),
                "/stocktakes",
                &[
                    ("csrf_token", &policy.csrf),
                    ("stocktake_id", id),
                    ("department", "080500"),
                ],
            )
            .await;
        assert_eq!(planned.status.as_u16(), 303, "{}", planned.body);
    }

    /// Posts a multipart form, as a browser sends one with a file: `file` is (field, file
    /// name, bytes).
    pub async fn post_multipart(
        &self,
        cookie: &str,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Page {
        const BOUNDARY: &str = "daicho-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((field, name, bytes)) = file {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// Logs in through the login form, as a browser does.
    pub async fn login(&self, username: &str) -> Client {
        let (page, status) = self.try_login(username, PASSWORD).await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "login of {username} failed: {}",
            page.body
        );
        let client = page.session();
        let mut dashboard = self.get(Some(&client), "/dashboard").await;
        if dashboard.status == StatusCode::SEE_OTHER {
            // A staff member lands on their own page.
            dashboard = self.get(Some(&client), &dashboard.location).await;
        }
        let csrf = hidden(&dashboard.body, "csrf_token").expect("csrf token on the page");
        Client { csrf, ..client }
    }

    pub async fn try_login(&self, username: &str, password: &str) -> (Page, StatusCode) {
        let form = self.get(None, "/login").await;
        let token = hidden(&form.body, "csrf_token").expect("login csrf");
        let cookie = form
            .cookies
            .iter()
            .find(|c| c.starts_with("daicho_login_csrf="))
            .expect("login csrf cookie")
            .split(';')
            .next()
            .expect("c")
            .to_string();
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("csrf_token", token.as_str()),
                ("next", "/dashboard"),
                ("username", username),
                ("password", password),
            ])
            .finish();
        let request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request");
        let page = self.send(request).await;
        let status = page.status;
        (page, status)
    }

    /// The id of the demo asset whose tag starts with `prefix`.
    pub async fn asset_id(&self, tenant: &Tenant, search: &str) -> i64 {
        let filter = AssetFilter {
            search: Some(search.into()),
            page: 1,
            ..Default::default()
        };
        self.db
            .list_assets(&Scope::tenant(tenant.id), &filter)
            .await
            .expect("list")
            .rows
            .first()
            .expect("asset")
            .id
    }

    /// The id of a department of the demo city.
    pub async fn department_id(&self, code: &str) -> i64 {
        self.db
            .department_by_code(&Scope::tenant(self.demo.id), code)
            .await
            .expect("q")
            .unwrap_or_else(|| panic!("department {code}"))
            .id
    }

    pub async fn asset_count(&self, tenant: &Tenant) -> i64 {
        self.db
            .list_assets(
                &Scope::tenant(tenant.id),
                &AssetFilter {
                    page: 1,
                    ..Default::default()
                },
            )
            .await
            .expect("list")
            .total
    }
}

/// The value of the first hidden input named `name`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

/// A form with every field of an asset.
pub fn asset_form<'a>(
    csrf: &'a str,
    tag: &'a str,
    department: &'a str,
    acquired_on: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("asset_tag", tag),
        ("department", department),
        ("kind", "laptop"),
        ("name", "貸出用ノートPC"),
        ("maker", "NEC"),
        ("os", "Windows 11 Pro"),
        ("network_segment", "lgwan"),
        ("internet", "false"),
        ("ownership", "owned"),
        ("procured_by", "department"),
        ("acquired_on", acquired_on),
        ("cost_yen", "128,000"),
        ("status", "in_use"),
        ("quantity", "1"),
    ]
}
