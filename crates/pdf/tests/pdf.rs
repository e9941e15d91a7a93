//! The audit report as a PDF, read back as a reader would: its text extracted with
//! poppler's `pdftotext` (Japanese headings, numbers, names), its fonts with `pdffonts`
//! (embedded subsets), its pages with `pdfinfo` (A4 portrait).

use std::process::Command;

use daicho_reports::audit_report::AuditReport;
use daicho_store::testing::fresh;
use daicho_store::{Actor, ItemText, Scope};

/// Whether the PDF can be made and read here: the IPAex fonts and poppler-utils. Without
/// them the tests say so and pass, unless DAICHO_REQUIRE_PDF=1 (CI) makes that a failure.
fn pdf_tools() -> bool {
    let fonts = daicho_pdf::fonts_available();
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok();
    if fonts && poppler {
        return true;
    }
    assert!(
        std::env::var_os("DAICHO_REQUIRE_PDF").is_none(),
        "DAICHO_REQUIRE_PDF is set but fonts-ipaexfont ({fonts}) or poppler-utils ({poppler}) is missing"
    );
    eprintln!("PDF のテストを省略: fonts-ipaexfont-gothic と poppler-utils を入れると実行します");
    false
}

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("pdf written");
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

async fn demo_report() -> (daicho_store::testing::TestDb, Scope, AuditReport) {
    let db = fresh().await.expect("database");
    let tenant = daicho_demo::load(&db).await.expect("demo").tenant;
    daicho_demo::record_external_audit_items(&db, &tenant)
        .await
        .expect("items");
    let scope = Scope::tenant(tenant.id);
    let report = AuditReport::load(&db, &scope, daicho_demo::EXTERNAL_AUDIT)
        .await
        .expect("report");
    (db, scope, report)
}

#[tokio::test]
async fn the_demo_reports_pdf_reads_as_the_report() {
    if !pdf_tools() {
        return;
    }
    let (_db, _, report) = demo_report().await;
    let pdf = daicho_pdf::audit_report(&report).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &pdf, &["-layout", "-enc", "UTF-8"]);
    for heading in [
        "監査の結果及び意見の定義",
        "監査の結果及び意見の一覧",
        "監査の結果及び意見（総論）",
        "監査の結果及び意見（個別事案）",
        "サンプル市",
        "包括外部監査",
        "広報戦略課",
        "豊田中央病院",
        "情報セキュリティポリシーの公開について",
        "LGWAN接続系",
        "指摘又は意見なし",
        "歳出・経費",
    ] {
        assert!(
            text.contains(heading),
            "「{heading}」 not in the PDF's text:\n{text}"
        );
    }
    // The count table's rows, and a shared item's number, as text one can search.
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains("指摘 1 12 13"), "{squeezed}");
    assert!(squeezed.contains("意見 7 19 26"), "{squeezed}");
    assert!(squeezed.contains("計 8 31 39"), "{squeezed}");
    assert!(squeezed.contains("個2 (共通)"), "{squeezed}");
    // 和暦 dates, never ISO.
    assert!(text.contains("令和5年10月6日"), "as-of day in 和暦");
    let fonts = poppler("pdffonts", &pdf, &[]);
    assert!(fonts.contains("IPAexGothic"), "{fonts}");
    for line in fonts.lines().skip(2) {
        // name type encoding emb sub uni …: every font embedded as a subset.
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(
            line.contains("yes yes") || cols.iter().filter(|c| **c == "yes").count() >= 2,
            "font not embedded as a subset: {line}"
        );
    }
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(
        info.contains("(A4)") && info.contains("595.276 x 841.89"),
        "A4 portrait: {info}"
    );
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pages");
    assert!(pages > 5, "{pages} pages");
}

/// Whatever an auditor types reaches the PDF as text: typst markup in an item's title and
/// summary is printed, not obeyed.
#[tokio::test]
async fn typed_markup_is_printed_as_text_not_obeyed() {
    if !pdf_tools() {
        return;
    }
    let (db, scope, _) = demo_report().await;
    let audit = db
        .audit_ref(&scope, daicho_demo::EXTERNAL_AUDIT)
        .await
        .expect("audit");
    let items = db.audit_items(&scope, audit).await.expect("items");
    let first = &items[0];
    let typed = ItemText {
        title: "#panic(\"x\") = 見出し *太字* $x^2$".into(),
        summary: Some("#read(\"/etc/passwd\") \\ <label> @ref".into()),
        ..first.item.text()
    };
    db.update_audit_item(&scope, &Actor::system("test"), first.id, &typed)
        .await
        .expect("edited");
    let report = AuditReport::load(&db, &scope, daicho_demo::EXTERNAL_AUDIT)
        .await
        .expect("report");
    let pdf = daicho_pdf::audit_report(&report).expect("pdf despite the markup");
    let text = poppler("pdftotext", &pdf, &["-enc", "UTF-8"]);
    assert!(
        text.contains("#panic(\"x\") = 見出し *太字* $x^2$"),
        "{text}"
    );
    assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");
    assert!(!text.contains("root:"), "no file was read");
}

/// A page of `pdf` as a grey image, rendered by poppler's `pdftoppm` at `dpi`.
fn page_image(pdf: &[u8], page: u32, dpi: u32) -> (usize, usize, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("labels.pdf");
    std::fs::write(&path, pdf).expect("pdf written");
    let out = dir.path().join("page");
    let page = page.to_string();
    let status = Command::new("pdftoppm")
        .args([
            "-gray",
            "-r",
            &dpi.to_string(),
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
        ])
        .arg(&path)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(status.success());
    let bytes = std::fs::read(dir.path().join("page.pgm")).expect("pgm");
    // P5 <width> <height> 255, then one byte a pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).to_string());
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let (w, h): (usize, usize) = (
        fields[1].parse().expect("width"),
        fields[2].parse().expect("height"),
    );
    (w, h, bytes[at + 1..].to_vec())
}

/// Asset labels: a sheet of 12 and one of 24, each label's tag, department and name as
/// text, and its QR code, read back from the printed page by a QR decoder, saying the tag.
#[test]
fn labels_print_the_tag_as_text_and_as_a_qr_code_that_reads_back() {
    use daicho_reports::labels::{Label, label_layout};
    if !pdf_tools() {
        return;
    }
    let labels: Vec<Label> = (1..=13)
        .map(|n| Label {
            tag: format!("080500-{n:04}"),
            department: "中央図書館".into(),
            name: format!("利用者端末 {n}号機"),
        })
        .collect();
    let twelve = label_layout("a4-12").expect("layout");
    let pdf = daicho_pdf::labels(&twelve, "サンプル市", &labels).expect("pdf");
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(
        info.contains("Pages:           2"),
        "13 labels on sheets of 12: {info}"
    );
    assert!(info.contains("595.276 x 841.89"), "A4: {info}");
    // pdftotext may part a number from the word after it: compared without spaces.
    let text: String = poppler("pdftotext", &pdf, &["-enc", "UTF-8"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for expected in [
        "080500-0001",
        "080500-0013",
        "中央図書館",
        "利用者端末7号機",
        "サンプル市",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // Each label of the first page read by a decoder from the page as printed, one label
    // at a time as a phone sees it.
    let read = read_labels(&pdf, &twelve, 12);
    let expected: Vec<String> = labels[..12].iter().map(|l| l.tag.clone()).collect();
    assert_eq!(read, expected);

    let twenty_four = label_layout("a4-24").expect("layout");
    let pdf = daicho_pdf::labels(&twenty_four, "サンプル市", &labels).expect("pdf");
    assert_eq!(read_labels(&pdf, &twenty_four, 13), expected_tags(&labels));
    assert!(matches!(
        daicho_pdf::labels(&twelve, "サンプル市", &[]),
        Err(daicho_pdf::PdfError::NoLabels)
    ));
}

fn expected_tags(labels: &[daicho_reports::labels::Label]) -> Vec<String> {
    labels.iter().map(|l| l.tag.clone()).collect()
}

/// The QR codes of the first `count` labels of the first page, each cut out of the page
/// rendered at 200 dpi by the sheet's geometry and decoded on its own.
fn read_labels(
    pdf: &[u8],
    layout: &daicho_reports::labels::LabelLayout,
    count: usize,
) -> Vec<String> {
    const DPI: f64 = 200.0;
    let (w, _, pixels) = page_image(pdf, 1, DPI as u32);
    let px = |mm: f64| (mm / 25.4 * DPI).round() as usize;
    (0..count)
        .map(|k| {
            let (column, row) = (k % layout.columns, k / layout.columns);
            let x0 = px(layout.left_mm + column as f64 * (layout.width_mm + layout.gap_x_mm));
            let y0 = px(layout.top_mm + row as f64 * (layout.height_mm + layout.gap_y_mm));
            let (cw, ch) = (px(layout.width_mm), px(layout.height_mm));
            let mut image = rqrr::PreparedImage::prepare_from_greyscale(cw, ch, |x, y| {
                pixels[(y0 + y) * w + x0 + x]
            });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1, "label {k}: one code");
            grids[0]
                .decode()
                .map(|(_, text)| text)
                .unwrap_or_else(|e| panic!("label {k}: {e}"))
        })
        .collect()
}
