//! What users see: Japanese pages, the ledger's filters, validation beside the fields,
//! and a change history with before and after.

use crate::app::{TestApp, asset_form};
use axum::http::{StatusCode, header};
use daicho_store::Scope;

#[tokio::test]
async fn login_refuses_wrong_passwords_and_slows_down_after_repeated_failures() {
    let app = TestApp::new().await;
    let (page, status) = app.try_login("policy", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("ユーザー名またはパスワードが違います"));
    for _ in 0..4 {
        app.try_login("policy", "not the password").await;
    }
    let (page, status) = app.try_login("policy", crate::app::PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        page.body.contains("しばらくログインできません"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn login_sends_nobody_off_site() {
    let app = TestApp::new().await;
    for next in [
        "/%09/evil.example",
        "/%5Cevil.example",
        "//evil.example",
        "https://evil.example/",
        "/%0d%0a/evil.example",
    ] {
        let page = app.get(None, &format!("/login?next={next}")).await;
        assert!(
            page.body.contains("value=\"/dashboard\""),
            "{next}: the form carries the safe default"
        );
        // Sent as the form field decodes it once, and encoded once more.
        for sent in [next.to_string(), next.replace('%', "%25")] {
            let login = app.get(None, "/login").await;
            let csrf = crate::app::hidden(&login.body, "csrf_token").expect("csrf");
            let request = axum::http::Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("daicho_login_csrf={csrf}"))
                .body(axum::body::Body::from(format!(
                    "csrf_token={csrf}&username=policy&password={}&next={sent}",
                    crate::app::PASSWORD.replace(' ', "+"),
                )))
                .expect("request");
            let response = app.send(request).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{sent}");
            assert_eq!(response.location, "/dashboard", "{sent}");
        }
    }
}

#[tokio::test]
async fn pages_are_japanese_and_protected_by_headers() {
    let app = TestApp::new().await;
    let client = app.login("policy").await;
    let request = axum::http::Request::get("/dashboard")
        .header(header::COOKIE, &client.cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .expect("response");
    let csp = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    for path in ["/dashboard", "/departments", "/assets", "/assets/new"] {
        let body = app.get(Some(&client), path).await.body;
        assert!(body.contains("<html lang=\"ja\">"), "{path}");
        assert!(body.contains("サンプル市"), "{path} names the city");
    }
    let login = app.get(None, "/login").await;
    assert!(login.body.contains("<html lang=\"ja\">") && login.body.contains("ログイン"));
    let session = app
        .db
        .session_user(
            client.cookie.trim_start_matches("daicho_session="),
            chrono::Duration::minutes(30),
        )
        .await
        .expect("q");
    assert!(session.is_some());
    let css = app.get(None, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
}

#[tokio::test]
async fn the_dashboard_counts_what_the_ledger_holds() {
    let app = TestApp::new().await;
    let client = app.login("auditor").await;
    let body = app.get(Some(&client), "/dashboard").await.body;
    let total = app.asset_count(&app.demo).await;
    assert!(
        body.contains(&format!("<strong>{total}</strong>")),
        "dashboard total equals the ledger's"
    );
    for heading in ["所属別", "種別", "利用状況", "ネットワーク区分", "OS"] {
        assert!(body.contains(&format!(">{heading}</h2>")), "{heading}");
    }
    // OS by recognised product, ended support first, each spelling one click away.
    let os = &body[body.find("id=\"facet-os\"").expect("OS section")..];
    let first_row = &os[os.find("<tbody>").expect("rows")..];
    let first_row = &first_row[..first_row.find("</tr>").expect("row")];
    assert!(first_row.contains("サポート終了"), "{first_row}");
    assert!(
        os.contains("/assets?os_group=Windows%20XP") || os.contains("/assets?os_group=Windows+XP"),
        "a product links to all its spellings"
    );
    assert!(
        os.contains("/assets?os=Windows%20XP") || os.contains("/assets?os=Windows+XP"),
        "and each spelling to itself"
    );
}

/// The dashboard opens on the risk, as of the demo's audit day: the machines past their
/// support (as many as the rule finds, by department and by segment named, each opening
/// the findings), the items still open, the stocktakes, training and the self-check; a
/// department's manager sees its own.
#[tokio::test]
async fn the_dashboard_shows_the_risk_first() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("the reference's items");
    let policy = app.login("policy").await;
    let body = app.get(Some(&policy), "/dashboard").await.body;
    let risk = &body[body
        .find("リスクの概要（2023-10-06（令和5年10月6日） 時点）")
        .expect("the risk section, on the data day")
        ..body.find("資産の内訳").expect("assets")];
    let scope = Scope::tenant(app.demo.id);
    let audit = daicho_rules::run_audit(
        &app.db,
        &scope,
        &app.demo.code,
        &daicho_rules::AuditOptions::as_of(daicho_demo::DATA_DAY),
    )
    .await
    .expect("audit");
    let eol = audit
        .department_counts(&daicho_rules::Filter {
            rule: Some("eol-software".into()),
            ..Default::default()
        })
        .expect("counts")
        .iter()
        .map(|c| c.fail)
        .sum::<u64>();
    assert!(eol > 0);
    assert!(
        risk.contains(&format!(
            "サポートの終わった OS の機器 <strong>{eol}</strong> 台"
        )),
        "{risk}"
    );
    assert!(risk.contains("rule=eol-software&#38;department="), "{risk}");
    assert!(
        risk.contains(">スタンドアロン</a>") && !risk.contains(">standalone<"),
        "{risk}"
    );
    let open = app.db.open_items(&scope).await.expect("open").len();
    assert!(open > 0);
    assert!(
        risk.contains(&format!(
            "措置の済んでいない項目 <strong>{open}</strong> 件"
        )),
        "{risk}"
    );
    assert!(risk.contains("期限内に棚卸をした所属"), "{risk}");
    assert!(risk.contains("令和5年度に受講した職員"), "{risk}");
    assert!(
        risk.contains("分野別の点数") && risk.contains(" 点</td>"),
        "{risk}"
    );
    // The library's manager: its own machines only.
    let manager = app.login("manager").await;
    let own = app.get(Some(&manager), "/dashboard").await.body;
    let own =
        &own[own.find("リスクの概要").expect("risk")..own.find("資産の内訳").expect("assets")];
    assert!(
        !own.contains(&format!("<strong>{eol}</strong> 台")),
        "{own}"
    );
}

#[tokio::test]
async fn the_ledger_filters_by_kind_status_segment_os_department_and_words() {
    let app = TestApp::new().await;
    let client = app.login("policy").await;
    let nas = app.get(Some(&client), "/assets?kind=nas").await.body;
    assert!(
        nas.contains("2 件中 1–2 件を表示"),
        "two NAS in the demo city"
    );
    let xp = app
        .get(Some(&client), "/assets?os=Windows+XP&status=retired")
        .await
        .body;
    assert!(
        xp.contains("倉庫5保管PC")
            && xp.contains("IBM製PC")
            && !xp.contains("浄水場監視システムPC")
    );
    // Every spelling of a recognised product at once: as many rows as its spellings have.
    let db = &app.db;
    let scope = Scope::tenant(app.demo.id);
    let mut spellings = 0;
    for os in db.asset_os_values(&scope).await.expect("os") {
        if os.replace(' ', "").eq_ignore_ascii_case("WindowsXP") {
            let filter = daicho_store::AssetFilter {
                os: Some(os),
                page: 1,
                ..Default::default()
            };
            spellings += db.list_assets(&scope, &filter).await.expect("list").total;
        }
    }
    let product = app
        .get(Some(&client), "/assets?os_group=Windows+XP")
        .await
        .body;
    assert!(spellings > 0);
    assert!(
        product.contains(&format!("{spellings} 件中")),
        "{spellings} Windows XP in all spellings"
    );
    assert!(product.contains("<option value=\"Windows XP\" selected>Windows XP（サポート終了"));
    let my_number = app
        .get(Some(&client), "/assets?segment=my_number")
        .await
        .body;
    assert!(my_number.contains("マイナンバーカード顔認証PC"));
    let library = app.department_id("080500").await;
    let page = app
        .get(
            Some(&client),
            &format!("/assets?department={library}&q=自動化書庫"),
        )
        .await
        .body;
    assert!(
        page.contains("自動化書庫サーバー")
            && page.contains("自動化書庫端末")
            && !page.contains("図書館システム端末")
    );
    let sorted = app
        .get(Some(&client), "/assets?kind=nas&sort=acquired_on")
        .await
        .body;
    let (first, second) = (
        sorted.find("2016-04-01").expect("2016"),
        sorted.find("2017-06-01").expect("2017"),
    );
    assert!(first < second, "sorted by acquisition date");
    let page2 = app.get(Some(&client), "/assets?page=2").await.body;
    assert!(page2.contains("51–100 件を表示") && page2.contains("rel=\"prev\""));
}

#[tokio::test]
async fn a_wrong_date_or_a_duplicate_tag_shows_beside_the_field_and_writes_nothing() {
    let app = TestApp::new().await;
    let client = app.login("policy").await;
    let count = app.asset_count(&app.demo).await;
    let page = app
        .post(
            Some(&client),
            "/assets",
            &asset_form(&client.csrf, "080500-S001", "080500", "2023-02-30"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("備品番号「080500-S001」は既に登録されています")
    );
    assert!(
        page.body
            .contains("取得日「2023-02-30」は日付として読めません")
    );
    assert!(
        page.body.contains("id=\"e-acquired_on\"")
            && page.body.contains("aria-describedby=\"e-acquired_on\""),
        "the message is tied to its field"
    );
    assert!(
        page.body.contains("value=\"貸出用ノートPC\""),
        "what the user typed is kept"
    );
    assert_eq!(app.asset_count(&app.demo).await, count);
}

#[tokio::test]
async fn creating_and_editing_an_asset_keeps_its_history() {
    let app = TestApp::new().await;
    let client = app.login("manager").await;
    let page = app
        .post(
            Some(&client),
            "/assets",
            &asset_form(&client.csrf, "080500-9001", "080500", "令和5年4月3日"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let detail = app.get(Some(&client), &page.location).await.body;
    assert!(
        detail.contains("2023-04-03（令和5年4月3日）") && detail.contains("令和5年度"),
        "dates in 和暦 and fiscal year"
    );
    assert!(detail.contains("128,000円"));
    assert!(detail.contains("登録") && detail.contains("manager"));
    let mut form = asset_form(&client.csrf, "080500-9001", "080500", "2023-04-03");
    form.retain(|(k, _)| *k != "status");
    form.push(("status", "retired"));
    form.push(("retired_on", "R5.10.6"));
    let page2 = app.post(Some(&client), &page.location, &form).await;
    assert_eq!(page2.status, StatusCode::SEE_OTHER, "{}", page2.body);
    let detail = app.get(Some(&client), &page.location).await.body;
    assert!(
        detail.contains(
            "<span class=\"field\">利用状況</span>: <del>使用中</del> → <ins>使用中止</ins>"
        ),
        "{detail}"
    );
    assert!(detail.contains("<ins>2023-10-06</ins>"));
    // The facts the rules read are on the form, so an edit posts them back unchanged.
    let mut form = asset_form(&client.csrf, "080500-9001", "080500", "2023-04-03");
    form.extend([
        ("usage_ratio", "60%"),
        ("confidentiality", "2"),
        ("backup", "有"),
    ]);
    let page3 = app.post(Some(&client), &page.location, &form).await;
    assert_eq!(page3.status, StatusCode::SEE_OTHER, "{}", page3.body);
    let edit = app
        .get(Some(&client), &format!("{}/edit", page.location))
        .await
        .body;
    for (name, value) in [("usage_ratio", "0.6"), ("confidentiality", "2")] {
        assert!(
            edit.contains(&format!("name=\"{name}\" value=\"{value}\"")),
            "{name} on the edit form: {edit}"
        );
    }
    assert!(edit.contains("name=\"backup\""), "backup on the edit form");
}

#[tokio::test]
async fn the_department_tree_totals_each_bureau_with_its_sections() {
    let app = TestApp::new().await;
    let client = app.login("viewer").await;
    let scope = Scope::tenant(app.demo.id);
    let education = app.department_id("080000").await;
    let filter = daicho_store::AssetFilter {
        department_id: Some(education),
        page: 1,
        ..Default::default()
    };
    let total = app
        .db
        .list_assets(&scope, &filter)
        .await
        .expect("list")
        .total;
    assert!(
        total > 100,
        "the education bureau holds the library, schools and museums"
    );
    let body = app.get(Some(&client), "/departments").await.body;
    let row = body
        .split("<li")
        .find(|li| li.contains(">教育部</a>"))
        .expect("教育部 row");
    assert!(row.contains(&format!("{total} 件")), "{row}");
}

#[tokio::test]
async fn a_generated_password_must_be_replaced_at_the_first_login() {
    let app = TestApp::new().await;
    let new = daicho_store::NewUser {
        tenant_id: app.demo.id,
        username: "newcomer".into(),
        display_name: "新任者".into(),
        role: daicho_domain::Role::Viewer,
        password: crate::app::PASSWORD.into(),
        departments: vec![],
        must_change_password: true,
    };
    app.db.create_user(&new).await.expect("user");
    let (page, _) = app.try_login("newcomer", crate::app::PASSWORD).await;
    let client = page.session();
    for path in ["/dashboard", "/assets", "/departments"] {
        let page = app.get(Some(&client), path).await;
        assert_eq!(
            (page.status, page.location.as_str()),
            (StatusCode::SEE_OTHER, "/account/password"),
            "{path}"
        );
    }
    let form = app.get(Some(&client), "/account/password").await;
    assert!(form.body.contains("仮のパスワード"));
    let csrf = crate::app::hidden(&form.body, "csrf_token").expect("csrf");
    let bad = app
        .post(
            Some(&client),
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", "wrong one!!!!"),
                ("new_password", "short"),
                ("confirm_password", "shirt"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["現在のパスワードが違います", "12文字以上", "一致しません"]
    {
        assert!(bad.body.contains(message), "{message}");
    }
    let done = app
        .post(
            Some(&client),
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", crate::app::PASSWORD),
                ("new_password", "my own long passphrase"),
                ("confirm_password", "my own long passphrase"),
            ],
        )
        .await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (StatusCode::SEE_OTHER, "/dashboard")
    );
    assert_eq!(
        app.get(Some(&client), "/dashboard").await.status,
        StatusCode::SEE_OTHER,
        "the old session ended"
    );
    let fresh = done.session();
    assert_eq!(
        app.get(Some(&fresh), "/dashboard").await.status,
        StatusCode::OK
    );
    assert!(
        app.db
            .authenticate("newcomer", "my own long passphrase", "x")
            .await
            .expect("auth")
            .is_ok()
    );
}

/// 取込 is offered to those who may change the ledgers, and to nobody else.
#[tokio::test]
async fn the_menu_offers_import_only_to_who_may_change_the_ledgers() {
    let app = TestApp::new().await;
    for (role, offered) in [("policy", true), ("viewer", false), ("auditor", false)] {
        let client = app.login(role).await;
        let body = app.get(Some(&client), "/dashboard").await.body;
        assert_eq!(body.contains("href=\"/import\""), offered, "{role}");
    }
}

/// A refusal or a page not found keeps a signed-in user's menu, so they can go on.
#[tokio::test]
async fn refusal_pages_keep_the_menu() {
    let app = TestApp::new().await;
    let viewer = app.login("viewer").await;
    for (path, status, says) in [
        ("/assets/new", StatusCode::FORBIDDEN, "権限がありません"),
        ("/assets/99999999", StatusCode::NOT_FOUND, "見つかりません"),
        (
            "/ledgers/no-such-ledger",
            StatusCode::NOT_FOUND,
            "見つかりません",
        ),
    ] {
        let page = app.get(Some(&viewer), path).await;
        assert_eq!(page.status, status, "{path}");
        assert!(page.body.contains(says), "{path}: {}", page.body);
        assert!(
            page.body.contains("aria-label=\"メインメニュー\"") && page.body.contains("ログアウト"),
            "{path} keeps the menu"
        );
        assert!(
            !page.body.contains("href=\"/import\""),
            "{path}: no 取込 for a viewer"
        );
    }
}

/// Asset labels from the asset list: a manager prints its own department's labels (the
/// library's tags, no other's); another department is not found; a made-up sheet is said.
#[tokio::test]
async fn a_manager_prints_the_labels_of_its_own_department() {
    let app = TestApp::new().await;
    let manager = app.login("manager").await;
    let list = app.get(Some(&manager), "/assets").await;
    assert!(
        list.body.contains("A4 12面（86.4×42.3mm）"),
        "{}",
        list.body
    );
    let library = app.department_id("080500").await;
    let school = app.department_id("080600").await;
    let refused = app
        .get(
            Some(&manager),
            &format!("/assets/labels.pdf?department={school}"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let bad = app
        .get(Some(&manager), "/assets/labels.pdf?layout=a4-99")
        .await;
    assert!(
        bad.body.contains("ラベル用紙を選んでください"),
        "{}",
        bad.body
    );
    let pdf = app
        .get(
            Some(&manager),
            &format!("/assets/labels.pdf?department={library}&layout=a4-24"),
        )
        .await;
    if !daicho_pdf::fonts_available() {
        assert!(
            std::env::var_os("DAICHO_REQUIRE_PDF").is_none(),
            "fonts-ipaexfont missing"
        );
        assert_eq!(pdf.status, StatusCode::SERVICE_UNAVAILABLE);
        return;
    }
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.content_type, "application/pdf");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("labels.pdf");
    std::fs::write(&path, &pdf.bytes).expect("written");
    let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    else {
        assert!(
            std::env::var_os("DAICHO_REQUIRE_PDF").is_none(),
            "poppler-utils missing"
        );
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("080500-") && text.contains("中央図書館"),
        "{text}"
    );
    assert!(
        !text.contains("080600-"),
        "another department's tags: {text}"
    );
}
