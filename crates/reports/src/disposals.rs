//! The disposal certificate list (廃棄・データ消去の証明一覧) as a workbook: every machine
//! retired or disposed of, with its erasure (day, method, who, certificate) and disposal
//! (day, contractor) — what a department hands to the auditor for 対策基準 第4 1 (7).

use daicho_store::DisposalLine;
use rust_xlsxwriter::Workbook;

use crate::ReportError;
use crate::xlsx::Sheet;

pub const HEADINGS: [&str; 12] = [
    "備品番号",
    "品名",
    "所属",
    "状態",
    "使用中止日",
    "保管場所",
    "消去日",
    "消去の方法",
    "消去した人",
    "証明書番号・ファイル",
    "廃棄日",
    "廃棄した事業者",
];

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// One line of the list, as the sheet and the page show it.
pub fn line_cells(l: &DisposalLine) -> [String; 12] {
    let place = match (&l.location, l.lockable) {
        (Some(p), Some(true)) => format!("{p}（施錠可）"),
        (Some(p), Some(false)) => format!("{p}（施錠不可）"),
        (Some(p), None) => p.clone(),
        (None, _) => String::new(),
    };
    let certificate = [
        l.certificate_no.clone(),
        l.certificate.as_ref().map(|(_, name)| name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("・");
    [
        l.asset_tag.clone(),
        l.name.clone(),
        l.department_name.clone(),
        l.status.label_ja().to_string(),
        day(l.retired_on),
        place,
        day(l.erased_on),
        l.method
            .map(|m| m.label_ja().to_string())
            .unwrap_or_default(),
        l.erased_by.clone().unwrap_or_default(),
        certificate,
        day(l.disposed_on),
        l.contractor.clone().unwrap_or_default(),
    ]
}

/// The list as a workbook of one sheet.
pub fn workbook(lines: &[DisposalLine]) -> Result<Workbook, ReportError> {
    let mut wb = Workbook::new();
    {
        let mut sheet = Sheet::new(&mut wb, "廃棄・データ消去の証明一覧")?;
        sheet.row(&HEADINGS)?;
        for l in lines {
            sheet.row(&line_cells(l))?;
        }
    }
    Ok(wb)
}
