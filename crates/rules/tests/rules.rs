//! Every built-in rule on a small city built for it: for each rule a subject that fails,
//! one that passes and one that is unknown (data missing), on whichever database the
//! tests run (SQLite, or PostgreSQL with DAICHO_TEST_DATABASE_URL).

mod fixture;

use chrono::NaiveDate;
use daicho_rules::engine::Verdict;
use daicho_rules::{AuditOptions, AuditReport, Entry, List, run_audit};
use daicho_store::testing::fresh;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 10, 6).expect("date")
}

async fn audit_fixture() -> AuditReport {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    let scope = fixture::load(&t.db, dir.path()).await;
    let options = AuditOptions {
        include_passes: true,
        ..AuditOptions::as_of(as_of())
    };
    run_audit(&t.db, &scope, fixture::TENANT, &options)
        .await
        .expect("audit runs")
}

fn verdict_of(report: &AuditReport, rule: &str, subject: &str) -> Vec<Entry> {
    [List::Findings, List::Unknown, List::Passes]
        .into_iter()
        .flat_map(|list| report.entries(list).expect("entries"))
        .filter(|e| {
            &*e.rule == rule
                && (e.subject == subject || e.subject.starts_with(&format!("{subject}@")))
        })
        .collect()
}

/// (rule, subject that fails, subject that passes, subject that is unknown). `None` for
/// unknown where the rule has no data that can be missing (said in the rule's file).
const CASES: &[(&str, &str, &str, Option<&str>)] = &[
    ("eol-software", "EOL-F", "EOL-P", Some("EOL-U")),
    ("eol-upcoming", "UP-F", "UP-P", Some("EOL-U")),
    ("antivirus-missing", "AV-F", "EOL-P", Some("AV-U")),
    ("antivirus-builtin-only", "BI-F", "BI-P", Some("BI-U")),
    ("aging-storage", "NAS-F", "NAS-P", Some("NAS-U")),
    ("retired-not-disposed", "RET-F", "RET-P", Some("RET-U")),
    ("unused-asset", "UNUSED-F", "EOL-P", None),
    (
        "procurement-record-missing",
        "PROC-F",
        "EOL-P",
        Some("PROC-U"),
    ),
    // 010200 holds assets and has no stocktake while the city records them: it fails
    // (unknown only for a city with no stocktake at all, tested below).
    ("stocktake-overdue", "010300", "010100", None),
    ("asset-tag-missing", "ST1#2", "MISS-P", Some("ST1#3")),
    ("unregistered-asset", "ST1#2", "MISS-P", Some("ST1#3")),
    (
        "private-device-unapproved",
        "PRIV-F",
        "PRIV-P",
        Some("PRIV-U"),
    ),
    ("private-device-long-term", "EX-1", "EX-2", Some("EX-3")),
    ("ghost-ledger-entry", "GHOST-F", "EOL-P", None),
    // Unknown only when the ledger records nothing to match by (tested below).
    ("inventory-unregistered", "PC-ROGUE", "PC-SEEN", None),
    ("inventory-unseen", "INV-OLD", "INV-SEEN", Some("INV-U")),
    ("missing-asset", "MISS-F", "MISS-P", Some("MISS-U")),
    ("wire-lock-missing", "GHOST-TAG-X", "MISS-P", Some("ST1#3")),
    ("password-note", "GHOST-TAG-X", "MISS-P", Some("ST1#3")),
    (
        "sensitive-file-unprotected",
        "010100:2023-09-01:共有フォルダ",
        "010300",
        Some("010200"),
    ),
    (
        "entry-log-missing",
        "010300:2023-09-02",
        "010100",
        Some("010200"),
    ),
    ("media-unregistered", "USB-F", "M-1", None),
    ("media-movement-incomplete", "M-2", "M-1", None),
    ("media-unencrypted-transfer", "M-2", "M-1", Some("M-3")),
    ("legacy-media", "FD-F", "USB-F", None),
    ("segment-violation", "MN-F", "MN-P", Some("MN-U")),
    ("system-out-of-service", "SYS-F", "SYS-P", Some("SYS-U")),
    ("underused-device", "EB-F", "EB-P", Some("EB-U")),
    (
        "website-no-https",
        "http://f.example.jp/",
        "https://p.example.jp/",
        Some("https://u.example.jp/"),
    ),
    ("single-bidder", "C-1", "C-2", Some("C-3")),
    ("discretionary-maintenance", "C-11", "C-12", Some("C-13")),
    ("subcontract-unassessed", "C-20", "C-21", Some("C-1")),
    ("proposal-without-it-expert", "C-30", "C-31", Some("C-32")),
    ("cost-overrun", "C-30", "C-31", Some("C-32")),
    ("retention-overdue", "DH-F", "DH-P", Some("DH-U")),
    (
        "policy-unpublished",
        "対策基準",
        "基本方針",
        Some("対策基準（旧）"),
    ),
    (
        "policy-publication-breach",
        "情報公開規程",
        "基本方針",
        Some("対策基準（旧）"),
    ),
    ("training-coverage-low", "010300", "010100", None),
    ("self-check-weak-area", "R4:B", "R4:A", Some("R4:Q9")),
    // 010300's only recent visit is by an external audit (A-X), which does not count.
    ("audit-coverage-gap", "010300", "010100", None),
    ("follow-up-missing", "F-2", "F-1", Some("F-3")),
    ("audit-results-unpublished", "A-2", "A-1", Some("A-4")),
];

#[tokio::test]
async fn every_rule_fails_passes_and_knows_what_it_does_not_know() {
    let report = audit_fixture().await;
    let rules = daicho_rules::builtin::rules().expect("built-in rules parse");
    assert_eq!(rules.len(), 42, "rules.md lists 42 rules");
    for r in &rules {
        assert!(
            CASES.iter().any(|c| c.0 == r.id),
            "no test case for {}",
            r.id
        );
    }
    let mut wrong = Vec::new();
    for (rule, fail, pass, unknown) in CASES {
        let mut expect = vec![(*fail, Verdict::Fail), (*pass, Verdict::Pass)];
        if let Some(u) = unknown {
            expect.push((u, Verdict::Unknown));
        }
        for (subject, want) in expect {
            let got: Vec<Verdict> = verdict_of(&report, rule, subject)
                .iter()
                .map(|e| e.outcome)
                .collect();
            if got.is_empty() || got.iter().any(|v| *v != want) {
                wrong.push(format!("{rule} / {subject}: want {want:?}, got {got:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn findings_name_the_facts_and_the_clause() {
    let report = audit_fixture().await;
    let eol = verdict_of(&report, "eol-software", "EOL-F").remove(0);
    assert_eq!(eol.reason, "Windows 8 のサポートは2016-01-12に終了");
    assert_eq!(&*eol.clause, "対策基準 第6 4 (1) キ");
    assert_eq!(eol.department.as_deref(), Some("010300"));
    assert_eq!(eol.department_name.as_deref(), Some("情報政策課"));
    let facts = eol.facts_value().expect("facts");
    assert_eq!(facts["os"], "Windows 8");
    // A recorded paid extended-support contract covers the asset until the ESU end.
    let esu = verdict_of(&report, "eol-software", "ESU-P").remove(0);
    assert_eq!(esu.outcome, Verdict::Pass, "{}", esu.reason);
    let unknown = verdict_of(&report, "eol-software", "EOL-U").remove(0);
    assert!(unknown.reason.contains("TRON OS"), "{}", unknown.reason);
    // The count table of the report: 指摘/意見 × 総論/個別.
    let table = &report.summary.table;
    let total: u64 = table.values().flat_map(|r| r.values()).sum();
    assert_eq!(
        total,
        report.entries(List::Findings).expect("entries").len() as u64
    );
    assert!(
        table["violation"]["general"] >= 1,
        "eol-software is a general violation"
    );
    assert!(report.summary.unknown >= 30);
}

/// Imports `files` (name, CSV text) into tenant `code` (made if new) on top of what it holds.
async fn import_into(
    db: &daicho_store::Db,
    code: &str,
    files: &[(&str, &str)],
) -> daicho_store::Scope {
    let dir = tempfile::tempdir().expect("dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let tenant = db
        .ensure_tenant(
            &daicho_domain::TenantCode::parse(code).expect("code"),
            "テスト市",
        )
        .await
        .expect("tenant");
    let scope = daicho_store::Scope::tenant(tenant.id);
    let report = daicho_ingest::import_paths(
        db,
        &scope,
        &daicho_store::Actor::system("test"),
        &[dir.path().to_path_buf()],
        &daicho_ingest::ImportOptions::default(),
        |_| {},
    )
    .await
    .expect("import runs");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    scope
}

const HOSPITAL: &[(&str, &str)] = &[
    (
        "departments.csv",
        "code,name,level,parent\n020000,市立病院,bureau,\n",
    ),
    (
        "assets.csv",
        "asset_tag,department,kind,name,status\nHOSP-1,020000,desktop,電子カルテ端末,in_use\n",
    ),
];

/// A department with nothing under it answers findings even at the top of the tree (a
/// hospital, a childless 課), while a bureau with sections does not; and once a city
/// records stocktakes, a department holding assets with none of its own fails.
#[tokio::test]
async fn a_childless_top_department_is_audited_and_a_missing_stocktake_fails() {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    fixture::load(&t.db, dir.path()).await;
    let scope = import_into(&t.db, fixture::TENANT, HOSPITAL).await;
    let options = AuditOptions {
        include_passes: true,
        ..AuditOptions::as_of(as_of())
    };
    let report = run_audit(&t.db, &scope, fixture::TENANT, &options)
        .await
        .expect("audit runs");
    for rule in ["stocktake-overdue", "audit-coverage-gap"] {
        let hospital = verdict_of(&report, rule, "020000");
        assert_eq!(
            hospital.iter().map(|e| e.outcome).collect::<Vec<_>>(),
            [Verdict::Fail],
            "{rule}: the hospital is an operating unit"
        );
        assert!(
            verdict_of(&report, rule, "010000").is_empty(),
            "{rule}: 総務部 has sections and answers nothing itself"
        );
    }
    let hospital = verdict_of(&report, "stocktake-overdue", "020000").remove(0);
    assert_eq!(hospital.reason, "この所属の完了した棚卸の記録がありません");
    assert_eq!(hospital.department_name.as_deref(), Some("市立病院"));
}

/// An audit of `scope` (tenant `code`) as of [`as_of`], passes kept.
async fn audited(db: &daicho_store::Db, scope: &daicho_store::Scope, code: &str) -> AuditReport {
    let options = AuditOptions {
        include_passes: true,
        ..AuditOptions::as_of(as_of())
    };
    run_audit(db, scope, code, &options)
        .await
        .expect("audit runs")
}

/// The inventory exports of the tools cities run, each file named as the tool saves it
/// and read as the inventory by its columns: matched to the ledger by serial number, MAC
/// address or host name, and what no ledger holds fails.
#[tokio::test]
async fn each_tools_inventory_is_matched_to_the_ledger() {
    const CITY: &[(&str, &str)] = &[
        (
            "departments.csv",
            "code,name,level,parent\n010300,情報政策課,section,\n",
        ),
        (
            "assets.csv",
            "asset_tag,department,kind,name,status,serial,host_name,mac_address\n\
             A-1,010300,desktop,庁内PC1,in_use,5CG001,,\n\
             A-2,010300,desktop,庁内PC2,in_use,,JOHO-PC02,\n\
             A-3,010300,laptop,庁内PC3,in_use,,,AA:BB:CC:00:00:03\n\
             A-4,010300,laptop,庁内PC4,in_use,5CG004,,\n\
             A-5,010300,desktop,庁内PC5,in_use,5CG005,,\n",
        ),
        // SKYSEA Client View's asset list as CSV.
        (
            "SKYSEA_資産一覧.csv",
            "コンピューター名,IPアドレス,MACアドレス,OS,ログオンユーザー名,最終通信日時\n\
             JOHO-PC02.city.local,10.1.0.2,AA:BB:CC:00:00:02,Windows 11 Pro,yamada,2023/10/02 08:55:01\n",
        ),
        // LanScope's device list.
        (
            "LanScope端末一覧.csv",
            "端末名,IPアドレス,MACアドレス,シリアル番号,OS名,最終更新日時\n\
             JOHO-PC03,10.1.0.3,aa-bb-cc-00-00-03,,Windows 11 Pro,2023/10/03 09:10\n\
             PRIVATE-NOTE,10.1.0.99,AA-BB-CC-99-99-99,XYZ999,Windows 11 Home,2023/10/04 13:00\n",
        ),
        // JP1/IT Desktop Management 2's list, with the items its manual names (the
        // mapping keys ホスト名, IPアドレス, MACアドレス, シリアルナンバー, 資産管理番号 — not
        // a 備品番号 — and 利用者名): of its two times, 最終接続確認日時 (the last time
        // the machine reached its server) is when it was seen, not 更新日時 (when its
        // information last changed, here months before).
        (
            "jp1_devices.csv",
            "資産管理番号,ホスト名,IPアドレス,MACアドレス,シリアルナンバー,利用者名,更新日時,最終接続確認日時\n\
             H-0001,JOHO-PC01,10.1.0.1,AA:BB:CC:00:00:01,5cg001,山田,2023/06/01 10:00,2023/10/05 08:30\n",
        ),
        // Systemwalker Desktop Patrol's inventory information file as its reference
        // manual lays it out: the download time, section and its code on the first line,
        // the item names on the second (the PC's name in Desktop Patrol, PC名, apart from
        // the machine's コンピュータ名; OS名 and OS both; the network card's and TCP/IP's
        // grouped items), then the PCs.
        (
            "inventory_010300.csv",
            "2023/10/06 17:00:00,情報政策課,010300\n\
             PC名,ユーザーID,ユーザー名,部門コード,部門名,OS名,フルコンピュータ名,IPアドレス,MACアドレス,\
             ソフトウェア辞書日時,更新日時,ビル名,コンピュータ名,ドメイン名,メーカー名,モデル名,シリアル番号,\
             \"ネットワークカード情報(ネットワークカード,MACアドレス)\",\
             \"TCP/IP情報(ホスト名,IPアドレス,サブネットマスク,デフォルトゲートウェイ)\",OS\n\
             情報政策課5,u005,鈴木,010300,情報政策課,Windows 11 Pro,JOHO-PC05.city.local,10.1.0.5,,\
             2023/09/01 00:00,2023/10/04 16:00,本庁舎,JOHO-PC05,city.local,FJ,ESPRIMO,5cg005,\
             \"Intel(R) Ethernet,AA-BB-CC-00-00-05\",\"JOHO-PC05,10.1.0.5,255.255.255.0,10.1.0.254\",Windows\n",
        ),
        // osqueryd's results log: one entry per line, the host and time beside the row.
        (
            "osquery_results.json",
            "{\"name\":\"inventory\",\"hostIdentifier\":\"JOHO-PC04\",\"unixTime\":1688169600,\"columns\":{\"hardware_serial\":\"5CG004\",\"address\":\"10.1.0.4\"}}\n",
        ),
    ];
    let t = fresh().await.expect("db");
    let scope = import_into(&t.db, "990035", CITY).await;
    let report = audited(&t.db, &scope, "990035").await;
    let outcome = |rule: &str, subject: &str| {
        verdict_of(&report, rule, subject)
            .iter()
            .map(|e| e.outcome)
            .collect::<Vec<_>>()
    };
    for host in [
        "JOHO-PC01",
        "JOHO-PC02.city.local",
        "JOHO-PC03",
        "JOHO-PC04",
        "JOHO-PC05",
    ] {
        assert_eq!(
            outcome("inventory-unregistered", host),
            [Verdict::Pass],
            "{host}"
        );
    }
    assert_eq!(
        outcome("inventory-unregistered", "PRIVATE-NOTE"),
        [Verdict::Fail]
    );
    let rogue = verdict_of(&report, "inventory-unregistered", "PRIVATE-NOTE").remove(0);
    assert!(rogue.reason.contains("10.1.0.99"), "{}", rogue.reason);
    // Seen within 90 days, but A-4 last on 2023-07-01 (osquery's unixTime, in Japan).
    for tag in ["A-1", "A-2", "A-3", "A-5"] {
        assert_eq!(outcome("inventory-unseen", tag), [Verdict::Pass], "{tag}");
    }
    assert_eq!(outcome("inventory-unseen", "A-4"), [Verdict::Fail]);
    let a4 = verdict_of(&report, "inventory-unseen", "A-4").remove(0);
    assert!(a4.reason.contains("2023-07-01 09:00"), "{}", a4.reason);
}

/// A ledger that records no serial number, MAC address or host name cannot be matched:
/// what the tools saw is unknown, not missing from it.
#[tokio::test]
async fn without_anything_to_match_by_the_inventory_is_unknown() {
    const CITY: &[(&str, &str)] = &[
        (
            "departments.csv",
            "code,name,level,parent\n010300,情報政策課,section,\n",
        ),
        (
            "assets.csv",
            "asset_tag,department,kind,name,status\nB-1,010300,desktop,PC,in_use\n",
        ),
        (
            "inventory.csv",
            "host_name,last_seen\nPC-1,2023-10-01 09:00\n",
        ),
    ];
    let t = fresh().await.expect("db");
    let scope = import_into(&t.db, "990043", CITY).await;
    let report = audited(&t.db, &scope, "990043").await;
    let pc = verdict_of(&report, "inventory-unregistered", "PC-1");
    assert_eq!(
        pc.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        [Verdict::Unknown]
    );
    assert_eq!(
        verdict_of(&report, "inventory-unseen", "B-1")
            .iter()
            .map(|e| e.outcome)
            .collect::<Vec<_>>(),
        [Verdict::Unknown]
    );
}

/// A city that records no stocktake at all: whether its departments did one is unknown.
#[tokio::test]
async fn without_any_stocktake_the_stocktake_rule_does_not_know() {
    let t = fresh().await.expect("db");
    let scope = import_into(&t.db, "990019", HOSPITAL).await;
    let report = audited(&t.db, &scope, "990019").await;
    let hospital = verdict_of(&report, "stocktake-overdue", "020000");
    assert_eq!(
        hospital.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        [Verdict::Unknown]
    );
    assert_eq!(hospital[0].reason, "棚卸の記録がありません");
}

const WARD: &[(&str, &str)] = &[
    (
        "departments.csv",
        "code,name,level,parent\n030000,市民病棟,bureau,\n",
    ),
    (
        "assets.csv",
        "asset_tag,department,kind,name,status,cost_yen\nWARD-1,030000,desktop,受付端末,in_use,180000\nWARD-2,030000,laptop,回診用端末,in_use,\nWARD-3,030000,monitor,待合モニター,in_use,95000\n",
    ),
];

/// A stocktake done with daicho (planned, scanned, completed) is what the rules read: the
/// machine not found is missing, the note on the one found and its missing wire lock are
/// findings, the monitor found without its label lacks its tag, the private PC found
/// without a tag is not in the ledger and is used without approval, the SD card found is
/// not in the media ledger, and the department has its stocktake.
#[tokio::test]
async fn a_completed_stocktake_is_what_the_rules_decide_from() {
    use daicho_store::{Actor, NewStocktake, Scan};
    let t = fresh().await.expect("db");
    let scope = import_into(&t.db, "990027", WARD).await;
    let actor = Actor::system("test");
    t.db.plan_stocktake(
        &scope,
        &actor,
        &NewStocktake {
            stocktake_id: "ST-1".into(),
            department: "030000".into(),
            location: None,
            assignee: None,
            due_on: None,
        },
    )
    .await
    .expect("planned");
    let scans = [
        Scan {
            scan_id: "s1".into(),
            asset_tag: Some("WARD-1".into()),
            tag_present: Some(true),
            wire_lock: Some(false),
            password_note: Some(true),
            ..Scan::default()
        },
        Scan {
            scan_id: "s2".into(),
            description: Some("ノートPC（私物）".into()),
            ownership: Some("private".into()),
            kind: Some("laptop".into()),
            tag_present: Some(false),
            ..Scan::default()
        },
        Scan {
            scan_id: "s3".into(),
            asset_tag: Some("WARD-3".into()),
            tag_present: Some(false),
            in_use: Some(true),
            ..Scan::default()
        },
        Scan {
            scan_id: "s4".into(),
            description: Some("SDカード（カメラに挿入）".into()),
            kind: Some("sd_card".into()),
            ..Scan::default()
        },
    ];
    for s in &scans {
        t.db.record_scan(&scope, &actor, "ST-1", s)
            .await
            .expect("scan");
    }
    t.db.complete_stocktake(&scope, &actor, "ST-1", as_of() - chrono::Days::new(7))
        .await
        .expect("completed");
    let options = AuditOptions {
        include_passes: true,
        ..AuditOptions::as_of(as_of())
    };
    let report = run_audit(&t.db, &scope, "990027", &options)
        .await
        .expect("audit runs");
    let outcome = |rule: &str, subject: &str| {
        verdict_of(&report, rule, subject)
            .iter()
            .map(|e| e.outcome)
            .collect::<Vec<_>>()
    };
    assert_eq!(outcome("missing-asset", "WARD-2"), [Verdict::Fail]);
    assert_eq!(outcome("missing-asset", "WARD-1"), [Verdict::Pass]);
    assert_eq!(outcome("password-note", "WARD-1"), [Verdict::Fail]);
    assert_eq!(outcome("wire-lock-missing", "WARD-1"), [Verdict::Fail]);
    assert_eq!(outcome("unregistered-asset", "ST-1#2"), [Verdict::Fail]);
    assert_eq!(
        outcome("private-device-unapproved", "ST-1#2"),
        [Verdict::Fail]
    );
    assert_eq!(outcome("asset-tag-missing", "WARD-3"), [Verdict::Fail]);
    assert_eq!(outcome("asset-tag-missing", "WARD-1"), [Verdict::Pass]);
    assert_eq!(outcome("media-unregistered", "ST-1#4"), [Verdict::Fail]);
    assert_eq!(outcome("stocktake-overdue", "030000"), [Verdict::Pass]);
}
