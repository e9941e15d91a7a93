//! `docs/bundle.md` lists every ledger and column exactly as the importer reads them.
//! Regenerate it with `DAICHO_WRITE_DOCS=1 cargo test -p daicho-ingest --test ingest docs`.

use daicho_store::ledgers::{Engine, Kind, LEDGERS, Overlap};

fn kind(k: Kind) -> String {
    match k {
        Kind::Text => "文字".into(),
        Kind::Code => "コード（先頭の0を保持）".into(),
        Kind::Date => "日付（西暦・和暦）".into(),
        Kind::Instant => "日時（2023-10-06 09:30）".into(),
        Kind::Int => "整数".into(),
        Kind::Yen => "金額（円）".into(),
        Kind::Ratio => "割合（0.5、50%、不明）".into(),
        Kind::Bool => "有/無".into(),
        Kind::FiscalYear => "年度（2023、令和5年度）".into(),
        Kind::Choice(c) => c
            .iter()
            .map(|(code, label)| format!("{code} {label}"))
            .collect::<Vec<_>>()
            .join("、"),
        Kind::Department => "所属（コードまたは名前）".into(),
        Kind::Reference(l) => format!("{l} の番号"),
        Kind::Location => "設置場所のコード（なければ作ります）".into(),
    }
}

fn render() -> String {
    let mut out = String::from(
        "# データバンドルの列 / Bundle columns\n\n\
         `daicho import` が読み、`daicho export` が書く台帳の一覧です（`store/src/ledgers/specs.rs` から生成）。\n\
         見出しはコード名・日本語名・別名のどれでも読みます。\n",
    );
    for l in LEDGERS {
        let derived = match l.engine {
            Engine::Assets => {
                "（列がなければ所属・設置場所・システム・種別・品名・メーカー・型番・取得日から作ります）"
            }
            Engine::Described | Engine::Departments => "",
        };
        let overlap = match l.overlap {
            Overlap::Ask => "",
            Overlap::MostDirect => {
                "\n\n資産管理ツールの出力なので、同じ項目を指す列が複数あれば、日本語名（またはコード名）の列、なければ別名の表で先に書いた名前の列、同じなら左の列を読み、ほかの列は読みません（取込の確認に「取り込まない列」として示します）。"
            }
        };
        out.push_str(&format!("\n## {}.csv — {}\n\nキー: {}{derived}{overlap}\n\n| 列 | 日本語 | 別名 | 内容 | 必須 |\n|---|---|---|---|---|\n", l.name, l.label, l.key.join(", ")));
        for c in l.columns {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                c.name,
                c.label,
                c.aliases.join("、"),
                kind(c.kind),
                match (c.required, c.default) {
                    (_, Some(code)) => format!("空欄は{}", c.choice_label(code).unwrap_or(code)),
                    (true, None) => "○".into(),
                    (false, None) => String::new(),
                }
            ));
        }
    }
    out
}

#[test]
fn the_bundle_doc_matches_the_ledgers() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/bundle.md");
    let expected = render();
    if std::env::var_os("DAICHO_WRITE_DOCS").is_some() {
        std::fs::write(path, &expected).expect("write docs/bundle.md");
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/bundle.md is out of date: regenerate it with DAICHO_WRITE_DOCS=1"
    );
}
