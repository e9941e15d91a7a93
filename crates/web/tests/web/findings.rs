//! The audit on screen: the count table and findings of サンプル市 as the CLI audit gives
//! them, filters, the horizontal check across departments, the "why" of a finding, and
//! rule settings and waivers kept to 情報政策課 and 管理者.

use crate::app::TestApp;
use axum::http::StatusCode;
use chrono::NaiveDate;
use daicho_rules::{AuditOptions, Filter, List, run_audit};
use daicho_store::{Actor, AssetFilter, AssetInput, Scope};

const AS_OF: &str = "2023-10-06";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 10, 6).expect("date")
}

/// The demo city's audit as of the report's day, of these rules (all when empty).
async fn audit(app: &TestApp, rules: &[&str]) -> daicho_rules::AuditReport {
    run_audit(
        &app.db,
        &Scope::tenant(app.demo.id),
        "990001",
        &AuditOptions {
            rules: rules.iter().map(|r| r.to_string()).collect(),
            ..AuditOptions::as_of(day())
        },
    )
    .await
    .expect("audit")
}

/// The cells of the count table, as (指摘 総論, 指摘 個別, 意見 総論, 意見 個別).
fn count_table(body: &str) -> Vec<u64> {
    let table = &body[body.find("class=\"count-table\"").expect("count table")..];
    let table = &table[..table.find("</table>").expect("table end")];
    table
        .split("<td class=\"num\">")
        .skip(1)
        .filter_map(|cell| cell.split('<').next()?.trim().parse().ok())
        .collect()
}

#[tokio::test]
async fn the_findings_page_shows_the_audit_with_its_count_table_and_reasons() {
    let app = TestApp::new().await;
    let report = audit(&app, &[]).await;
    let s = &report.summary;
    let client = app.login("policy").await;
    let page = app
        .get(Some(&client), &format!("/findings?as_of={AS_OF}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    use daicho_rules::Grade::{Opinion, Violation};
    use daicho_rules::rule::Scope::{General, Individual};
    let (vg, vi, og, oi) = (
        s.count(Violation, General),
        s.count(Violation, Individual),
        s.count(Opinion, General),
        s.count(Opinion, Individual),
    );
    assert_eq!(
        count_table(&page.body),
        vec![vg, vi, vg + vi, og, oi, og + oi]
    );
    assert!(vg + vi > 0, "the demo city has violations");
    // A Windows 8 PC of the report: its reason, its subject's link, the facts used.
    let eol = report
        .entries(List::Findings)
        .expect("entries")
        .into_iter()
        .find(|e| &*e.rule == "eol-software")
        .expect("an end-of-life finding");
    let filtered = app
        .get(
            Some(&client),
            &format!("/findings?as_of={AS_OF}&rule=eol-software"),
        )
        .await
        .body;
    assert!(filtered.contains(&eol.reason), "{}", eol.reason);
    assert!(filtered.contains(&format!("/assets?q={}", eol.subject)));
    // The facts by their Japanese names, never the rule's English keys.
    assert!(
        filtered.contains("判定の根拠")
            && filtered.contains("<dt>識別したOS</dt>")
            && filtered.contains("<dt>OS</dt>")
            && !filtered.contains("<dt>recognised_as</dt>"),
        "{filtered}"
    );
    assert!(filtered.contains("/rules/eol-software") && filtered.contains(&*eol.clause));
    // Only that rule's findings are listed.
    assert_eq!(filtered.matches("class=\"rule-heading\"").count(), 1);
    let listed = filtered.matches("<article class=\"finding\">").count() as u64;
    let expected = s
        .rules
        .iter()
        .find(|r| r.rule == "eol-software")
        .expect("rule")
        .fail;
    assert_eq!(listed, expected.min(100));
    // The count table counts what the filter lets through, and the list comes before the
    // table of every rule (folded away).
    let eol_rule = s
        .rules
        .iter()
        .find(|r| r.rule == "eol-software")
        .expect("rule");
    let grade = eol_rule.grade.expect("graded");
    let counted = count_table(&filtered);
    let (row_total, other_total) = match grade {
        Violation => (counted[2], counted[5]),
        Opinion => (counted[5], counted[2]),
    };
    assert_eq!((row_total, other_total), (expected, 0), "{counted:?}");
    assert_ne!(
        counted,
        count_table(&page.body),
        "not the whole audit's counts"
    );
    assert!(filtered.contains("（絞り込んだ条件）"));
    let list_at = filtered.find("id=\"entries\"").expect("list");
    let rules_at = filtered.find("id=\"by-rule\"").expect("rules");
    assert!(list_at < rules_at, "the list comes first");
    assert!(filtered[rules_at - 200..rules_at].contains("<details>"));
    // By department: the department's findings.
    let busiest = report
        .department_counts(&daicho_rules::Filter::default())
        .expect("counts")
        .into_iter()
        .filter(|c| c.department.is_some())
        .max_by_key(|c| c.fail)
        .expect("a department with findings");
    let code = busiest.department.clone().expect("code");
    let one = app
        .get(
            Some(&client),
            &format!("/findings?as_of={AS_OF}&department={code}"),
        )
        .await
        .body;
    let counted = count_table(&one);
    assert_eq!(counted[2] + counted[5], busiest.fail, "{counted:?}");
    // A date as the report writes it gives the same page; one that is not a date is said.
    let wareki = app
        .get(Some(&client), "/findings?as_of=令和5年10月6日")
        .await;
    assert_eq!(count_table(&wareki.body), count_table(&page.body));
    let wrong = app.get(Some(&client), "/findings?as_of=2023-13-45").await;
    assert!(
        wrong.body.contains("日付として読めません"),
        "{}",
        wrong.body
    );
}

#[tokio::test]
async fn the_horizontal_check_shows_one_rule_in_every_department() {
    let app = TestApp::new().await;
    let report = audit(&app, &["eol-software"]).await;
    let counts = report
        .department_counts(&Filter::default())
        .expect("counts");
    let failing = counts.iter().filter(|c| c.fail > 0).count();
    assert!(failing >= 2, "Windows XP/7/8 in several departments");
    let client = app.login("auditor").await;
    let page = app
        .get(
            Some(&client),
            &format!("/findings/horizontal/eol-software?as_of={AS_OF}"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("該当のある所属は {failing} 所属"))
    );
    for c in counts.iter().filter(|c| c.department.is_some()) {
        let code = c.department.as_deref().unwrap_or_default();
        assert!(
            page.body
                .contains(&format!("<span class=\"code\">{code}</span>")),
            "{code} is listed"
        );
    }
    // The action is offered from each finding.
    let findings = app
        .get(Some(&client), &format!("/findings?as_of={AS_OF}"))
        .await
        .body;
    assert!(findings.contains("/findings/horizontal/eol-software"));
}

#[tokio::test]
async fn a_manager_sees_only_its_departments_findings_and_cannot_govern_rules() {
    let app = TestApp::new().await;
    let client = app.login("manager").await;
    let page = app
        .get(
            Some(&client),
            &format!("/findings?as_of={AS_OF}&list=unknown"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let library = app
        .db
        .departments(&Scope::tenant(app.demo.id))
        .await
        .expect("departments");
    let outside: Vec<&str> = library
        .iter()
        .filter(|d| !d.code.starts_with("0805"))
        .map(|d| d.code.as_str())
        .collect();
    for code in outside {
        assert!(
            !page.body.contains(&format!("（{code}）")),
            "{code} is outside the manager's department"
        );
    }
    let refused = app
        .post(
            Some(&client),
            "/rules/unused-asset",
            &[("csrf_token", &client.csrf), ("grade", "opinion")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = app
        .post(
            Some(&client),
            "/waivers",
            &[
                ("csrf_token", &client.csrf),
                ("rule", "eol-software"),
                ("subject", "X"),
                ("justification", "j"),
                ("approved_by", "CISO"),
                ("expires_on", "2030-03-31"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.db
            .waivers(&Scope::tenant(app.demo.id))
            .await
            .expect("waivers")
            .is_empty()
    );
}

#[tokio::test]
async fn policy_switches_a_rule_off_and_records_a_waiver_that_shows_as_waived() {
    let app = TestApp::new().await;
    let client = app.login("policy").await;
    // Switched off (no `enabled` in the form): the rule's findings leave the page.
    let before = app
        .get(Some(&client), &format!("/findings?as_of={AS_OF}"))
        .await
        .body;
    assert!(before.contains("/findings/horizontal/eol-software"));
    let saved = app
        .post(
            Some(&client),
            "/rules/eol-software",
            &[("csrf_token", &client.csrf), ("grade", "violation")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let rule_page = app.get(Some(&client), "/rules/eol-software").await.body;
    assert!(
        rule_page.contains("<dt>対象</dt><dd>情報資産</dd>"),
        "the ledger's name, not `assets`"
    );
    let rules = app.get(Some(&client), "/rules").await.body;
    let row = &rules[rules.find("/rules/eol-software").expect("listed")..];
    assert!(row[..row.find("</tr>").expect("row")].contains("無効"));
    let after = app
        .get(Some(&client), &format!("/findings?as_of={AS_OF}"))
        .await
        .body;
    assert!(!after.contains("/findings/horizontal/eol-software"));
    // A parameter that is not a number is refused beside its field, and nothing changes.
    let bad = app
        .post(
            Some(&client),
            "/rules/aging-storage",
            &[
                ("csrf_token", &client.csrf),
                ("enabled", "1"),
                ("grade", "opinion"),
                ("param_years", "五年"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("数値を指定してください"), "{}", bad.body);
    // Back on; then a waiver for one finding moves it to the waived list.
    app.post(
        Some(&client),
        "/rules/eol-software",
        &[
            ("csrf_token", &client.csrf),
            ("enabled", "1"),
            ("grade", "violation"),
        ],
    )
    .await;
    let report = audit(&app, &["eol-software"]).await;
    let subject = report.entries(List::Findings).expect("entries")[0]
        .subject
        .clone();
    let form = app
        .get(
            Some(&client),
            &format!("/waivers?rule=eol-software&subject={subject}"),
        )
        .await
        .body;
    assert!(form.contains(&format!("value=\"{subject}\"")), "prefilled");
    // The same waiver, with the expiry as the form was given it.
    let waiver = async |expires_on: &str| {
        app.post(
            Some(&client),
            "/waivers",
            &[
                ("csrf_token", &client.csrf),
                ("rule", "eol-software"),
                ("subject", &subject),
                ("justification", "制御用端末で更新は令和6年度"),
                ("approved_by", "CISO"),
                ("expires_on", expires_on),
            ],
        )
        .await
    };
    let wrong = waiver("来年").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("日付として読めません"));
    let ok = waiver("令和6年3月31日").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let list = app.get(Some(&client), "/waivers").await.body;
    let rows = &list[list.find("<tbody").expect("waivers listed")..];
    assert!(
        rows.contains(">サポートが終了したOS・ソフトウェアを使用している</a>"),
        "the waiver names its rule by title: {rows}"
    );
    assert!(!rows.contains(">eol-software<"), "not by its id");
    let waived = app
        .get(
            Some(&client),
            &format!("/findings?as_of={AS_OF}&list=waived"),
        )
        .await
        .body;
    assert!(waived.contains(&subject) && waived.contains("令和6年3月31日"));
    let no_token = app
        .post(
            Some(&client),
            "/rules/eol-software",
            &[("grade", "opinion")],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
}

/// Paging, filters and the horizontal check read the audit the first page ran; a change
/// to a ledger shows on the next page, from a new audit.
#[tokio::test]
async fn an_audit_is_reused_until_something_it_read_changes() {
    let app = TestApp::new().await;
    let client = app.login("policy").await;
    let runs = || app.state.audits.runs();
    let first = app
        .get(Some(&client), &format!("/findings?as_of={AS_OF}"))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(runs(), 1);
    let report = audit(&app, &["eol-software"]).await;
    let eol = report.entries(List::Findings).expect("entries")[0].clone();
    let filtered = format!("/findings?as_of={AS_OF}&rule=eol-software&list=findings&page=1");
    let before = app.get(Some(&client), &filtered).await.body;
    let link = format!("/assets?q={}\"", eol.subject);
    assert!(before.contains(&link), "{link}");
    let horizontal = app
        .get(
            Some(&client),
            &format!("/findings/horizontal/eol-software?as_of={AS_OF}"),
        )
        .await;
    assert_eq!(horizontal.status, StatusCode::OK);
    assert_eq!(runs(), 1, "the same audit read three times");
    // Another day is another audit.
    app.get(Some(&client), "/findings?as_of=2024-04-01").await;
    assert_eq!(runs(), 2);

    // The PC gets a supported OS: its finding is gone from the next page.
    let scope = Scope::tenant(app.demo.id);
    let page = app
        .db
        .list_assets(
            &scope,
            &AssetFilter {
                search: Some(eol.subject.clone()),
                page: 1,
                ..AssetFilter::default()
            },
        )
        .await
        .expect("assets");
    let asset = app.db.asset(&scope, page.rows[0].id).await.expect("asset");
    let mut input = AssetInput::from_asset(&asset);
    input.set("os", "Windows 11 Pro");
    app.db
        .update_asset(&scope, &Actor::system("test"), asset.id, &input, None)
        .await
        .expect("update");
    let after = app.get(Some(&client), &filtered).await.body;
    assert_eq!(runs(), 3);
    assert!(!after.contains(&link), "{link} is still listed");
}

/// Many people opening the findings page cold at once cost one audit (single flight).
#[tokio::test]
async fn many_people_opening_the_findings_at_once_cost_one_audit() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let auditor = app.login("auditor").await;
    let mut pages = Vec::new();
    for i in 0..12 {
        // The policy and auditor roles both see the whole tenant: the same audit.
        let client = if i % 2 == 0 { &policy } else { &auditor };
        let request = axum::http::Request::get(format!("/findings?as_of={AS_OF}"))
            .header(axum::http::header::COOKIE, &client.cookie)
            .body(axum::body::Body::empty())
            .expect("request");
        pages.push(tokio::spawn(tower::ServiceExt::oneshot(
            app.router.clone(),
            request,
        )));
    }
    for page in pages {
        let response = page.await.expect("task").expect("response");
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(app.state.audits.runs(), 1);
}

/// The demo's ledgers are the city as its auditors found it: findings open on its audit
/// day and training on its last fiscal year with records (令和5年度: the one person per
/// section of 総3), not on today's empty year.
/// 情報政策課 moves the day on the rules page; a department's manager cannot.
#[tokio::test]
async fn the_screens_open_on_the_day_the_data_is_of() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let findings = app.get(Some(&policy), "/findings").await;
    assert!(
        findings
            .body
            .contains("監査基準日 2023-10-06（令和5年10月6日） 時点"),
        "{}",
        findings.body
    );
    let training = app.get(Some(&policy), "/training").await;
    assert!(
        training
            .body
            .contains("<title>令和5年度 情報セキュリティ研修"),
        "{}",
        training.body
    );
    let rules = app.get(Some(&policy), "/rules").await;
    assert!(rules.body.contains("この団体が決めた日"), "{}", rules.body);
    let moved = app
        .post(
            Some(&policy),
            "/rules/data-day",
            &[("csrf_token", &policy.csrf), ("day", "")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let findings = app.get(Some(&policy), "/findings").await;
    let today = daicho_store::today().to_string();
    assert!(
        findings.body.contains(&format!("監査基準日 {today}")),
        "{}",
        findings.body
    );
    let manager = app.login("manager").await;
    let refused = app
        .post(
            Some(&manager),
            "/rules/data-day",
            &[("csrf_token", &manager.csrf), ("day", "2023-10-06")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
}
