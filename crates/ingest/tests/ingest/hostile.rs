//! Files made to hurt: each is refused with a Japanese message that names the file and the
//! limit, within bounded memory and time, and the ledger is left as it was.

use daicho_ingest::{ImportOptions, ImportReport, Limits, import_paths};
use daicho_store::{Actor, Scope};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

use crate::Fixture;

impl Fixture {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn import_with(&self, path: &Path, limits: Limits) -> ImportReport {
        let options = ImportOptions {
            department: Some("総務課".into()),
            limits,
            departments: crate::files::create_all(),
            ..Default::default()
        };
        import_paths(
            &self.db,
            &Scope::tenant(self.tenant.id),
            &Actor::system("test"),
            &[path.to_path_buf()],
            &options,
            |_| {},
        )
        .await
        .expect("import runs")
    }

    /// Imports `path`, which must be refused with `expected` in its messages, and checks
    /// that nothing was written.
    async fn refused(&self, path: &Path, limits: Limits, expected: &str) -> String {
        let report = self.import_with(path, limits).await;
        let said: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
        let said = said.join("\n");
        assert!(!report.committed, "{said}");
        assert!(said.contains(expected), "want {expected:?} in\n{said}");
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(said.contains(file), "the file is named: {said}");
        let listed = self
            .db
            .list_assets(&Scope::tenant(self.tenant.id), &Default::default())
            .await
            .expect("list");
        assert!(listed.rows.is_empty(), "nothing written");
        let departments = self
            .db
            .departments(&Scope::tenant(self.tenant.id))
            .await
            .expect("departments");
        assert!(departments.is_empty(), "no department created");
        said
    }
}

/// An XLSX whose worksheet XML is `sheet` (the rest as Excel writes it), built as a zip
/// so that any dimension, order or size can be declared.
fn workbook_with_sheet(path: &Path, sheet: &[u8]) {
    let file = std::fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default();
    let parts: [(&str, &[u8]); 4] = [
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="assets" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, options).expect("part");
        zip.write_all(bytes).expect("write part");
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)
        .expect("sheet");
    zip.write_all(sheet).expect("write sheet");
    zip.finish().expect("finish");
}

fn sheet_xml(cells: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{cells}</sheetData></worksheet>"#
    )
    .into_bytes()
}

fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[tokio::test]
async fn a_sheet_with_a_cell_in_the_last_column_is_refused_without_laying_out_the_grid() {
    let f = Fixture::new().await;
    let path = f.path("sparse.xlsx");
    let cells = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "備品番号"),
        inline("XFD1048576", "x")
    );
    workbook_with_sheet(&path, &sheet_xml(&cells));
    assert!(std::fs::metadata(&path).expect("size").len() < 4096);
    f.refused(&path, Limits::default(), "列が多すぎます").await;
}

#[tokio::test]
async fn a_sheet_declaring_the_whole_grid_with_two_cells_reads_only_its_cells() {
    let f = Fixture::new().await;
    let path = f.path("tall.xlsx");
    let cells = format!(
        r#"<row r="1">{}{}{}</row><row r="1048576">{}{}{}</row>"#,
        inline("A1", "備品番号"),
        inline("B1", "品名"),
        inline("C1", "種別"),
        inline("A1048576", "T-1"),
        inline("B1048576", "ノートパソコン"),
        inline("C1048576", "ノートパソコン"),
    );
    workbook_with_sheet(&path, &sheet_xml(&cells));
    let report = f.import_with(&path, Limits::default()).await;
    assert!(report.committed, "{:?}", report.errors);
    assert_eq!(report.files[0].rows, 1);
}

#[tokio::test]
async fn too_many_cells_and_rows_are_refused() {
    let f = Fixture::new().await;
    let path = f.path("many.xlsx");
    let mut cells = format!(
        r#"<row r="1">{}{}</row>"#,
        inline("A1", "備品番号"),
        inline("B1", "品名")
    );
    for r in 2..=50 {
        cells.push_str(&format!(
            r#"<row r="{r}">{}{}</row>"#,
            inline(&format!("A{r}"), &format!("T-{r}")),
            inline(&format!("B{r}"), "x")
        ));
    }
    workbook_with_sheet(&path, &sheet_xml(&cells));
    let few_cells = Limits {
        cells: 40,
        ..Limits::default()
    };
    f.refused(
        &path,
        few_cells,
        "値のあるセルが多すぎます（40 個までです）",
    )
    .await;
    let few_rows = Limits {
        rows: 20,
        ..Limits::default()
    };
    f.refused(&path, few_rows, "行が多すぎます（20 行までです）")
        .await;
}

#[tokio::test]
async fn rows_out_of_order_are_refused() {
    let f = Fixture::new().await;
    let path = f.path("shuffled.xlsx");
    let cells = format!(
        r#"<row r="5">{}</row><row r="2">{}</row>"#,
        inline("A5", "備品番号"),
        inline("A2", "T-1")
    );
    workbook_with_sheet(&path, &sheet_xml(&cells));
    f.refused(&path, Limits::default(), "セルの並び順が崩れています")
        .await;
}

#[tokio::test]
async fn a_workbook_whose_sheet_unpacks_at_a_bombs_ratio_is_refused_early() {
    let f = Fixture::new().await;
    let path = f.path("bomb.xlsx");
    // 64 MiB of spaces inside the sheet's XML: deflate packs it about a thousand to one.
    let mut xml = b"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".to_vec();
    xml.resize(xml.len() + 64 * 1024 * 1024, b' ');
    xml.extend_from_slice(b"</sheetData></worksheet>");
    workbook_with_sheet(&path, &xml);
    assert!(std::fs::metadata(&path).expect("size").len() < 1024 * 1024);
    f.refused(&path, Limits::default(), "圧縮率が異常です")
        .await;
}

/// A bundle zip of `entries` (name, bytes).
fn bundle(path: &Path, entries: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(bytes).expect("write entry");
    }
    zip.finish().expect("finish");
}

fn assets_csv(rows: usize) -> Vec<u8> {
    let mut csv = "備品番号,品名,種別\n".to_string();
    for i in 0..rows {
        csv.push_str(&format!("T-{i},ノートパソコン{i},ノートパソコン\n"));
    }
    csv.into_bytes()
}

#[tokio::test]
async fn a_bundle_bomb_is_refused_by_its_ratio_entries_and_total() {
    let f = Fixture::new().await;
    let bomb = f.path("bomb.zip");
    bundle(
        &bomb,
        &[("assets.csv".into(), vec![b'a'; 128 * 1024 * 1024])],
    );
    f.refused(&bomb, Limits::default(), "圧縮率が異常です")
        .await;

    let crowd = f.path("crowd.zip");
    let many: Vec<(String, Vec<u8>)> = (0..2001)
        .map(|i| (format!("x{i}.csv"), b"a".to_vec()))
        .collect();
    bundle(&crowd, &many);
    f.refused(
        &crowd,
        Limits::default(),
        "ZIP の中のファイルが多すぎます（2000 個までです）",
    )
    .await;

    let big = f.path("big.zip");
    bundle(
        &big,
        &[
            ("assets.csv".into(), assets_csv(20_000)),
            ("more.csv".into(), assets_csv(20_000)),
        ],
    );
    let small = Limits {
        total_bytes: 1024 * 1024,
        ..Limits::default()
    };
    f.refused(&big, small, "展開後の合計 1 MB までです").await;
    let one_entry = Limits {
        entry_bytes: 512 * 1024,
        ..Limits::default()
    };
    f.refused(&big, one_entry, "「assets.csv」が大きすぎます")
        .await;
}

#[tokio::test]
async fn a_bundle_entry_that_climbs_out_of_its_folder_is_refused() {
    let f = Fixture::new().await;
    let path = f.path("climb.zip");
    bundle(&path, &[("../../escaped.csv".into(), assets_csv(1))]);
    f.refused(&path, Limits::default(), "ZIP に不正なパスがあります")
        .await;
    assert!(!f.dir.path().join("escaped.csv").exists());
}

#[tokio::test]
async fn a_truncated_workbook_and_a_broken_zip_are_named_without_library_text() {
    let f = Fixture::new().await;
    let whole = f.path("whole.xlsx");
    workbook_with_sheet(&whole, &sheet_xml(&inline("A1", "備品番号")));
    let bytes = std::fs::read(&whole).expect("read");
    let cut = f.file("cut.xlsx", &bytes[..bytes.len() / 2]);
    let said = f
        .refused(&cut, Limits::default(), "壊れているか、形式が違います")
        .await;
    assert!(
        !said.contains("Error") && !said.contains("invalid"),
        "{said}"
    );
    let broken = f.file("broken.zip", b"PK\x03\x04 and nothing more");
    f.refused(&broken, Limits::default(), "ZIP ファイルとして読めません")
        .await;
}

#[tokio::test]
async fn bytes_that_are_no_character_are_named_by_row_and_column() {
    let f = Fixture::new().await;
    // Shift_JIS with 0xFD (no character in CP932) in the third column of row 3.
    let (mut sjis, _, _) =
        encoding_rs::SHIFT_JIS.encode("備品番号,品名,メーカー\nT-1,パソコン,富士通\nT-2,パソコン,");
    let mut bytes = sjis.to_mut().clone();
    bytes.extend_from_slice(b"\xfd\n");
    let path = f.file("sjis.csv", &bytes);
    f.refused(
        &path,
        Limits::default(),
        "sjis.csv 3行目 列「3列目」: 文字として読めないバイトがあります（Shift_JIS として",
    )
    .await;

    // UTF-8 for 64 KiB and more, then a byte that is no character in UTF-8.
    let mut utf8 = "備品番号,品名,種別\n".to_string();
    for i in 0..4000 {
        utf8.push_str(&format!("T-{i},ノートパソコン,ノートパソコン\n"));
    }
    let mut bytes = utf8.into_bytes();
    bytes.extend_from_slice(b"T-x,\xff\xfe,x\n");
    let path = f.file("備品台帳.csv", &bytes);
    f.refused(
        &path,
        Limits::default(),
        "備品台帳.csv 4002行目 列「2列目」: 文字として読めないバイトがあります（UTF-8 として",
    )
    .await;
}

#[tokio::test]
async fn a_text_file_past_its_limit_and_a_quote_never_closed_are_refused() {
    let f = Fixture::new().await;
    let path = f.file("big.csv", &assets_csv(5_000));
    let small = Limits {
        text_bytes: 64 * 1024,
        ..Limits::default()
    };
    f.refused(&path, small, "CSV・TSV は 1 ファイル 0 MB まで")
        .await;
    // A quote opened and never closed: the rest of the file is one field.
    let mut open_quote = String::from_utf8(assets_csv(3)).expect("utf8");
    open_quote.push_str("T-9,\"閉じない引用符,ノートパソコン\n");
    open_quote.push_str(&"x,y,z\n".repeat(100));
    let path = f.file("備品台帳.csv", open_quote.as_bytes());
    let report = f.import_with(&path, Limits::default()).await;
    assert!(!report.committed);
}

/// An inventory JSON past its size is refused before a byte of it is read: a sparse file
/// of 64 MB and one byte costs nothing to make and would cost gigabytes to parse.
#[tokio::test]
async fn a_huge_json_is_refused_before_it_is_read() {
    let f = Fixture::new().await;
    let path = f.path("osquery.json");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(64 * 1024 * 1024 + 1).expect("sparse");
    f.refused(
        &path,
        Limits::default(),
        "JSON は 1 ファイル 64 MB までです",
    )
    .await;
}

/// JSON nested past any inventory's depth, or whose rows are not objects, is refused
/// with a message, not a crash or a stack overflow.
#[tokio::test]
async fn deeply_nested_or_shapeless_json_is_refused() {
    let f = Fixture::new().await;
    let deep = f.path("deep.json");
    std::fs::write(&deep, "[".repeat(200_000)).expect("write");
    f.refused(&deep, Limits::default(), "JSON として読めません")
        .await;
    let numbers = f.path("numbers.json");
    std::fs::write(&numbers, "[1, 2, 3]").expect("write");
    f.refused(&numbers, Limits::default(), "JSON の配列").await;
}
