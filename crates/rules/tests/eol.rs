//! The lifecycle catalogue and the names cities write: each spelling must land on the
//! release cycle (and end) a person reading the ledger would pick.

use chrono::NaiveDate;
use daicho_rules::eol::{Catalogue, End, parse_api_json, parse_yaml};

fn on(d: &str) -> End {
    End::On(NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("test date"))
}

#[test]
fn spellings_cities_write_resolve_to_the_right_cycle() {
    let c = Catalogue::bundled();
    // (as written, product, cycle, end of support)
    let table: &[(&str, &str, &str, &str)] = &[
        ("Windows10Pro", "windows", "10", "2025-10-14"),
        ("Windows 10 Pro", "windows", "10", "2025-10-14"),
        ("Windows10", "windows", "10", "2025-10-14"),
        ("Win10", "windows", "10", "2025-10-14"),
        ("win 10", "windows", "10", "2025-10-14"),
        ("Ｗｉｎｄｏｗｓ１０", "windows", "10", "2025-10-14"),
        (
            "Ｗｉｎｄｏｗｓ　１０　Ｐｒｏ",
            "windows",
            "10",
            "2025-10-14",
        ),
        ("ウィンドウズ10", "windows", "10", "2025-10-14"),
        ("Microsoft Windows 10 Home", "windows", "10", "2025-10-14"),
        ("Windows 10 Pro 22H2", "windows", "10-22h2", "2025-10-14"),
        ("Windows 10 21H2", "windows", "10-21h2-w", "2023-06-13"),
        (
            "Windows 10 Enterprise 21H2",
            "windows",
            "10-21h2-e",
            "2024-06-11",
        ),
        ("Windows 10 Pro 1809", "windows", "10-1809-w", "2020-11-10"),
        (
            "Windows 10 Enterprise LTSC 2019",
            "windows",
            "10-1809-e-lts",
            "2029-01-09",
        ),
        (
            "Windows 10 Enterprise 2016 LTSB",
            "windows",
            "10-1607-e-lts",
            "2026-10-13",
        ),
        (
            "Windows 10 IoT Enterprise LTSC 2021",
            "windows",
            "10-21h2-iot-lts",
            "2032-01-13",
        ),
        ("Win7", "windows", "7-sp1", "2020-01-14"),
        ("Windows7", "windows", "7-sp1", "2020-01-14"),
        ("Windows 7", "windows", "7-sp1", "2020-01-14"),
        ("Windows 7 Professional", "windows", "7-sp1", "2020-01-14"),
        ("Windows7 SP1", "windows", "7-sp1", "2020-01-14"),
        ("Ｗｉｎ７", "windows", "7-sp1", "2020-01-14"),
        ("win7 pro", "windows", "7-sp1", "2020-01-14"),
        ("WindowsXP", "windows", "5-sp3", "2014-04-08"),
        ("Windows XP", "windows", "5-sp3", "2014-04-08"),
        ("WinXP", "windows", "5-sp3", "2014-04-08"),
        (
            "Windows XP Professional SP3",
            "windows",
            "5-sp3",
            "2014-04-08",
        ),
        ("ＷｉｎｄｏｗｓＸＰ", "windows", "5-sp3", "2014-04-08"),
        ("Windows Vista", "windows", "6-sp2", "2017-04-11"),
        ("Windows 8", "windows", "8", "2016-01-12"),
        ("Windows8", "windows", "8", "2016-01-12"),
        ("Win8", "windows", "8", "2016-01-12"),
        ("Windows 8.1", "windows", "8.1", "2023-01-10"),
        ("Windows8.1", "windows", "8.1", "2023-01-10"),
        ("Win8.1", "windows", "8.1", "2023-01-10"),
        ("Ｗｉｎｄｏｗｓ８．１", "windows", "8.1", "2023-01-10"),
        ("Windows 8.1 Pro", "windows", "8.1", "2023-01-10"),
        ("Windows 2000", "windows-server", "2000", "2010-07-13"),
        ("Windows2000", "windows-server", "2000", "2010-07-13"),
        ("Windows 11 Pro 23H2", "windows", "11-23h2-w", "2025-11-11"),
        (
            "Windows 11 Enterprise 23H2",
            "windows",
            "11-23h2-e",
            "2026-11-10",
        ),
        ("Windows 11 Pro 24H2", "windows", "11-24h2-w", "2026-10-13"),
        (
            "Windows Server 2012",
            "windows-server",
            "2012",
            "2023-10-10",
        ),
        ("Windows Server2012", "windows-server", "2012", "2023-10-10"),
        (
            "WindowsServer2012R2",
            "windows-server",
            "2012-r2",
            "2023-10-10",
        ),
        (
            "Windows Server 2012 R2",
            "windows-server",
            "2012-r2",
            "2023-10-10",
        ),
        (
            "Ｗｉｎｄｏｗｓ　Ｓｅｒｖｅｒ　２０１２　Ｒ２",
            "windows-server",
            "2012-r2",
            "2023-10-10",
        ),
        (
            "Windows Server 2008 R2",
            "windows-server",
            "2008-r2-sp1",
            "2020-01-14",
        ),
        (
            "Windows Server 2008",
            "windows-server",
            "2008-sp2",
            "2020-01-14",
        ),
        (
            "Win Server 2008R2",
            "windows-server",
            "2008-r2-sp1",
            "2020-01-14",
        ),
        (
            "Windows Server 2003",
            "windows-server",
            "2003",
            "2015-07-14",
        ),
        (
            "Windows Server 2016",
            "windows-server",
            "2016",
            "2027-01-12",
        ),
        (
            "Windows Server 2016 Standard",
            "windows-server",
            "2016",
            "2027-01-12",
        ),
        (
            "Windows Server 2019",
            "windows-server",
            "2019",
            "2029-01-09",
        ),
        (
            "Windows Server 2022 Datacenter",
            "windows-server",
            "2022",
            "2031-10-14",
        ),
        (
            "ウィンドウズサーバー2016",
            "windows-server",
            "2016",
            "2027-01-12",
        ),
        (
            "Windows Embedded Standard 7",
            "windows-embedded",
            "standard-7-sp1",
            "2020-10-13",
        ),
        (
            "Windows 7 Embedded",
            "windows-embedded",
            "standard-7-sp1",
            "2020-10-13",
        ),
        (
            "Windows Embedded POSReady 7",
            "windows-embedded",
            "posready-7",
            "2021-10-12",
        ),
        (
            "Windows Embedded 8.1 Industry",
            "windows-embedded",
            "8.1-industry",
            "2023-07-11",
        ),
        ("iPadOS 16.7", "ipados", "16", "supported"),
        ("iPadOS 14", "ipados", "14", "2021-10-01"),
        ("ipados13.1", "ipados", "13", "2020-09-16"),
        ("iOS 17.5", "ios", "17", "2025-05-13"),
        ("iOS 14.8", "ios", "14", "2021-10-26"),
        ("Android 10", "android", "10", "2023-03-06"),
        ("Android10", "android", "10", "2023-03-06"),
        ("android 8.1", "android", "8.1", "2021-01-10"),
        ("Android 12L", "android", "12.1", "2025-03-03"),
        ("Android 9.0", "android", "9", "2022-01-01"),
        ("Android 4.2", "android", "4.2", "ended"),
        ("アンドロイド11", "android", "11", "2024-02-05"),
        ("macOS 13", "macos", "13", "2025-09-15"),
        ("macOS Monterey", "macos", "12", "2024-09-16"),
        ("Mac OS X 10.6", "macos", "10.6", "2011-07-25"),
        ("OS X 10.11 El Capitan", "macos", "10.11", "2018-12-01"),
        ("macOS Sequoia", "macos", "15", "supported"),
        ("Office 2010", "office", "2010", "2020-10-13"),
        ("Office2016", "office", "2016", "2025-10-14"),
        (
            "Microsoft Office Professional Plus 2013",
            "office",
            "2013",
            "2023-04-11",
        ),
        ("MS Office 2019", "office", "2019", "2025-10-14"),
        ("オフィス2007", "office", "2007", "2017-10-10"),
    ];
    assert!(
        table.len() >= 60,
        "the issue asks for at least 60 spellings"
    );
    let mut wrong = Vec::new();
    for (written, product, cycle, end) in table {
        let want_end = End::parse_code(end).expect("table end");
        match c.identify(written) {
            Some(got) if got.product == *product && got.cycle == *cycle && got.eol == want_end => {}
            other => wrong.push(format!(
                "{written}: want {product}/{cycle}/{end}, got {other:?}"
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn names_that_match_nothing_are_not_guessed() {
    let c = Catalogue::bundled();
    for written in [
        "",
        "不明",
        "Linux",
        "Ubuntu 22.04",
        "Office 365",
        "TRON",
        "Windows",
        "Windows Server",
        "iOS",
    ] {
        assert_eq!(c.identify(written), None, "{written}");
    }
}

#[test]
fn extended_support_end_comes_with_the_cycle() {
    let c = Catalogue::bundled();
    let ws = c.identify("Windows Server 2012 R2").expect("known");
    assert_eq!(ws.eoes, NaiveDate::from_ymd_opt(2026, 10, 13));
    let w10 = c.identify("Windows 10 Pro").expect("known");
    assert_eq!(w10.eoes, NaiveDate::from_ymd_opt(2028, 10, 10));
    assert_eq!(c.identify("Windows 8").expect("known").eoes, None);
}

#[test]
fn bundled_catalogue_records_its_source_and_holds_every_product() {
    let c = Catalogue::bundled();
    for id in [
        "windows",
        "windows-server",
        "windows-embedded",
        "macos",
        "ios",
        "ipados",
        "android",
        "office",
    ] {
        let p = c.product(id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(
            p.source.contains("endoflife.date") && p.source.contains("2026-08-22"),
            "{}",
            p.source
        );
        assert!(
            p.releases.len() >= 6,
            "{id} has {} releases",
            p.releases.len()
        );
    }
}

#[test]
fn a_refresh_reads_yaml_and_both_api_json_shapes() {
    let yaml = "title: Microsoft Windows\nreleases:\n  - releaseCycle: \"8.1\"\n    eol: 2024-01-09\n  - releaseCycle: \"12\"\n    eol: false\n";
    let p = parse_yaml("windows", yaml, "test").expect("yaml");
    assert_eq!(p.releases[0].eol, on("2024-01-09"));
    assert_eq!(p.releases[1].eol, End::Supported);

    let v1 = r#"{"schema_version":"1.2.0","result":{"name":"android","label":"Android OS","releases":[
        {"name":"10","label":"10","releaseDate":"2019-09-03","isEol":true,"eolFrom":"2023-03-06"},
        {"name":"4.2","isEol":true,"eolFrom":null},
        {"name":"16","isEol":false,"eolFrom":null}]}}"#;
    let p = parse_api_json("x", v1, "test").expect("v1");
    assert_eq!(p.id, "android");
    assert_eq!(p.releases[0].eol, on("2023-03-06"));
    assert_eq!(p.releases[1].eol, End::Ended);
    assert_eq!(p.releases[2].eol, End::Supported);

    let old = r#"[{"cycle":"2012-r2","eol":"2023-10-10","extendedSupport":"2026-10-13"},{"cycle":"2025","eol":false}]"#;
    let p = parse_api_json("windows-server", old, "test").expect("old api");
    assert_eq!(p.releases[0].eoes, NaiveDate::from_ymd_opt(2026, 10, 13));
    assert_eq!(p.releases[1].eol, End::Supported);

    let err = parse_yaml(
        "bad",
        "releases:\n  - releaseCycle: \"1\"\n    eol: 2024-13-40\n",
        "t",
    )
    .expect_err("bad date");
    assert!(err.to_string().contains("2024-13-40"), "{err}");
    assert!(parse_api_json("x", "{not json", "t").is_err());
}
