//! The audit's result in the forms users take it away in: JSON for tools, a text table
//! for the terminal, an Excel workbook for the audit file. Each streams the entries from
//! the report (see `report`), so a million-asset audit is written without holding it.

use std::io::{self, Write};
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::AuditError;
use crate::report::{AuditReport, Entry, Filter, List};
use crate::rule::{Grade, Scope};

/// The lists as the outputs show them: JSON key, heading, sheet name.
fn lists(report: &AuditReport) -> Vec<(List, &'static str, &'static str, &'static str)> {
    let mut out = vec![
        (List::Findings, "findings", "監査結果", "監査結果"),
        (List::Unknown, "unknown", "不明（データ不足）", "不明"),
        (List::Waived, "waived", "例外承認", "例外承認"),
    ];
    if report.include_passes {
        out.push((List::Passes, "passes", "適合", "適合"));
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("書き込めません: {0}")]
    Io(#[from] io::Error),
    #[error("Excel ファイルを作れません: {0}")]
    Xlsx(#[from] XlsxError),
}

/// `{"tenant", "as_of", "findings", "unknown", "waived", ["passes"], "summary"}`, one
/// entry per line.
pub fn json(report: &AuditReport, out: &mut dyn Write) -> Result<(), OutputError> {
    let text = |v: &str| serde_json::to_string(v).unwrap_or_default();
    write!(
        out,
        "{{\n  \"tenant\": {},\n  \"as_of\": {}",
        text(&report.tenant),
        text(&report.as_of)
    )?;
    for (list, key, _, _) in lists(report) {
        write!(out, ",\n  \"{key}\": [")?;
        let mut first = true;
        report.for_each(list, &Filter::default(), |e| {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            first = false;
            serde_json::to_writer(&mut *out, &e).map_err(io::Error::from)?;
            Ok::<(), OutputError>(())
        })?;
        out.write_all(if first { b"]" } else { b"\n  ]" })?;
    }
    let summary = serde_json::to_string_pretty(&report.summary)
        .map_err(io::Error::from)?
        .replace('\n', "\n  ");
    write!(out, ",\n  \"summary\": {summary}")?;
    if !report.rule_failures.is_empty() {
        let failures = serde_json::to_string(&report.rule_failures).map_err(io::Error::from)?;
        write!(out, ",\n  \"rule_failures\": {failures}")?;
    }
    writeln!(out, "\n}}")?;
    Ok(())
}

/// A text table, findings first (指摘 before 意見), then unknown and waived results.
pub fn table(report: &AuditReport, out: &mut dyn Write) -> Result<(), OutputError> {
    let s = &report.summary;
    writeln!(out, "監査基準日 {}  団体 {}", report.as_of, report.tenant)?;
    writeln!(out, "        総論  個別   計")?;
    for g in Grade::ALL {
        let (a, b) = (s.count(g, Scope::General), s.count(g, Scope::Individual));
        writeln!(out, "{}  {a:>6} {b:>5} {:>5}", g.label_ja(), a + b)?;
    }
    writeln!(
        out,
        "不明 {}  例外承認 {}  適合 {}\n",
        s.unknown, s.waived, s.passes
    )?;
    for f in &report.rule_failures {
        writeln!(
            out,
            "実行できなかった規則: {}（{}）: {}",
            f.rule, f.title, f.message
        )?;
    }
    for (list, _, heading, _) in lists(report) {
        let n = report.summary.in_list(list);
        if n == 0 {
            continue;
        }
        writeln!(out, "== {heading} ({n}) ==")?;
        report.for_each(list, &Filter::default(), |e| {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                e.grade.label_ja(),
                e.rule,
                department(&e),
                e.subject,
                e.reason
            )?;
            Ok::<(), OutputError>(())
        })?;
        writeln!(out)?;
    }
    Ok(())
}

/// 「所属名（コード）」, or 全庁 for a tenant-wide result.
pub fn department(e: &Entry) -> String {
    match (&e.department, &e.department_name) {
        (Some(c), Some(n)) => format!("{n}（{c}）"),
        (Some(c), None) => c.clone(),
        _ => "全庁".into(),
    }
}

/// Rows below the header that fit on one sheet (Excel's limit is 1,048,576 rows).
const ROWS_PER_SHEET: u32 = 1_048_575;

const ENTRY_HEADER: [&str; 11] = [
    "区分",
    "規則",
    "名称",
    "根拠",
    "所属コード",
    "所属",
    "対象",
    "理由",
    "例外承認の理由",
    "承認者",
    "期限",
];

/// A workbook at `path`: 集計 (the count table and per-rule counts), then 監査結果, 不明,
/// 例外承認 (a list longer than a sheet continues on 「不明 (2)」 ...).
pub fn xlsx(report: &AuditReport, path: &Path) -> Result<(), OutputError> {
    xlsx_in_sheets_of(report, path, ROWS_PER_SHEET)
}

fn xlsx_in_sheets_of(
    report: &AuditReport,
    path: &Path,
    rows_per_sheet: u32,
) -> Result<(), OutputError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let s = &report.summary;
    let sheet = wb.add_worksheet().set_name("集計")?;
    sheet.write_with_format(0, 0, format!("監査基準日 {}", report.as_of), &bold)?;
    sheet.write_row(2, 0, ["", "総論", "個別", "計"])?;
    for (i, g) in Grade::ALL.into_iter().enumerate() {
        let (a, b) = (s.count(g, Scope::General), s.count(g, Scope::Individual));
        let row = 3 + i as u32;
        sheet.write(row, 0, g.label_ja())?;
        sheet.write(row, 1, a as f64)?;
        sheet.write(row, 2, b as f64)?;
        sheet.write(row, 3, (a + b) as f64)?;
    }
    sheet.write_row_with_format(
        6,
        0,
        ["規則", "名称", "区分", "該当", "不明", "例外承認", "適合"],
        &bold,
    )?;
    for (i, r) in s.rules.iter().enumerate() {
        let row = 7 + i as u32;
        sheet.write(row, 0, &r.rule)?;
        sheet.write(row, 1, &r.title)?;
        sheet.write(row, 2, r.grade.map(|g| g.label_ja()).unwrap_or(""))?;
        for (c, n) in [r.fail, r.unknown, r.waived, r.pass]
            .into_iter()
            .enumerate()
        {
            sheet.write(row, 3 + c as u16, n as f64)?;
        }
    }
    sheet.set_column_width(1, 48)?;
    for (list, _, _, name) in lists(report) {
        let mut part = 0;
        let mut row = 0u32;
        let mut at = entry_sheet(&mut wb, name, part, &bold)?;
        report.for_each(list, &Filter::default(), |e| {
            if row == rows_per_sheet {
                wb.worksheet_from_index(at)?.autofilter(0, 0, row, 10)?;
                part += 1;
                row = 0;
                at = entry_sheet(&mut wb, name, part, &bold)?;
            }
            row += 1;
            let sheet = wb.worksheet_from_index(at)?;
            let w = e.waiver.as_ref();
            // As offices write a day: 令和6年3月31日.
            let expires = w
                .map(|w| daicho_domain::format_wareki(w.expires_on))
                .unwrap_or_default();
            sheet.write_row(
                row,
                0,
                [
                    e.grade.label_ja(),
                    &e.rule,
                    &e.title,
                    &e.clause,
                    e.department.as_deref().unwrap_or(""),
                    e.department_name.as_deref().unwrap_or("全庁"),
                    &e.subject,
                    &e.reason,
                    w.map(|w| w.justification.as_str()).unwrap_or(""),
                    w.map(|w| w.approved_by.as_str()).unwrap_or(""),
                    &expires,
                ],
            )?;
            Ok::<(), OutputError>(())
        })?;
        wb.worksheet_from_index(at)?.autofilter(0, 0, row, 10)?;
    }
    wb.save(path)?;
    Ok(())
}

/// A new sheet for one list (part 0 is 「不明」, part 1 「不明 (2)」, ...), written row by
/// row to a temp file rather than held; returns its index in the workbook.
fn entry_sheet(
    wb: &mut Workbook,
    name: &str,
    part: u32,
    bold: &Format,
) -> Result<usize, XlsxError> {
    let sheet = wb.add_worksheet_with_constant_memory()?;
    if part == 0 {
        sheet.set_name(name)?;
    } else {
        sheet.set_name(format!("{name} ({})", part + 1))?;
    }
    sheet.set_column_width(7, 60)?;
    sheet.write_row_with_format(0, 0, ENTRY_HEADER, bold)?;
    Ok(wb.worksheets().len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{AuditReport, RuleMeta};
    use crate::snapshot::Snapshot;

    /// A report of one rule with `n` findings, written straight into the results table.
    fn report_of(n: usize) -> AuditReport {
        let snapshot = Snapshot::empty().expect("schema");
        for i in 0..n {
            snapshot
                .conn
                .execute(
                    "INSERT INTO temp.results (rule, list, subject, department, outcome, reason)
                     VALUES (0, 0, ?, NULL, 'fail', '理由')",
                    [format!("T-{i:03}")],
                )
                .expect("insert");
        }
        let mut report = AuditReport::of_results(
            snapshot,
            vec![RuleMeta {
                id: "eol-software".into(),
                title: "サポート終了".into(),
                clause: "対策基準".into(),
                subject_kind: "assets".into(),
                grade: Grade::Violation,
                scope: Scope::General,
            }],
        );
        report.summarise(&[(0, 0, n as i64)]);
        report
    }

    #[test]
    fn a_list_longer_than_a_sheet_continues_on_numbered_sheets_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("audit.xlsx");
        xlsx_in_sheets_of(&report_of(7), &path, 3).expect("written");
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("opens");
        assert_eq!(
            book.sheet_names(),
            [
                "集計",
                "監査結果",
                "監査結果 (2)",
                "監査結果 (3)",
                "不明",
                "例外承認"
            ]
        );
        let mut subjects = Vec::new();
        for name in ["監査結果", "監査結果 (2)", "監査結果 (3)"] {
            let range = book.worksheet_range(name).expect("sheet");
            let rows: Vec<String> = range.rows().skip(1).map(|r| r[6].to_string()).collect();
            assert!(rows.len() <= 3, "{name}: {rows:?}");
            subjects.extend(rows);
        }
        let expected: Vec<String> = (0..7).map(|i| format!("T-{i:03}")).collect();
        assert_eq!(subjects, expected);
    }
}
