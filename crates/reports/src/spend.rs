//! The information-spending table of a department (the reference's 第2章 4, 情報政策課の
//! 歳出・経費の推移): its spending by category for each fiscal year and basis (予算 or 決算),
//! split by its units where the ledger has them and with the department's total, and each
//! column's share of the general account. As the report states (its 注意事項): amounts in
//! yen as recorded, shares rounded half up to hundredths of a percent.

use crate::xlsx::Sheet;
use crate::{Report, ReportError, year_label};
use daicho_domain::format_yen;
use daicho_store::ledgers::{choice_label, ledger};
use daicho_store::{Db, Scope};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// The categories in the order the report lists them (glossary: expense_category); others
/// a city records come after, by name.
const CATEGORIES: &[&str] = &[
    "機器購入費",
    "レンタル・リース",
    "回線使用料",
    "機器・ソフトの保守料",
    "派遣要員人件費",
    "委託費",
    "安全対策費",
    "各種研修費用",
    "その他",
];

/// One column of the table: a year and basis, for a unit or the whole department.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendColumn {
    pub fiscal_year: i64,
    /// `budget` (予算) or `settled` (決算).
    pub basis: String,
    /// The unit's name, or `None` for the department's total (課合計).
    pub unit: Option<String>,
    /// Yen per category, in the order of [`SpendTable::categories`].
    pub amounts: Vec<i64>,
    pub total: i64,
    /// The general account's spending that year on that basis, when recorded.
    pub general_account: Option<i64>,
}

impl SpendColumn {
    /// The column's share of the general account, as the report prints it (1.05%).
    pub fn share(&self) -> Option<String> {
        self.general_account
            .and_then(|whole| share(self.total, whole))
    }
}

/// The table of one department.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendTable {
    pub department: String,
    pub categories: Vec<String>,
    /// Newest year first; in a year, the units then the department's total.
    pub columns: Vec<SpendColumn>,
}

/// `part` of `whole` in percent with two decimals, rounded half up (0.555% → 0.56%).
pub fn share(part: i64, whole: i64) -> Option<String> {
    if whole <= 0 || part < 0 {
        return None;
    }
    let (part, whole) = (i128::from(part), i128::from(whole));
    // Hundredths of a percent: part / whole × 10,000, rounded half up.
    let hundredths = (part * 10_000 * 2 + whole) / (2 * whole);
    Some(format!("{}.{:02}%", hundredths / 100, hundredths % 100))
}

fn yen(text: &str) -> i64 {
    daicho_domain::parse_yen(text).unwrap_or(0)
}

impl SpendTable {
    /// The table of the department with `code` and its units, from the ledgers
    /// `expenditures` and `general_account`.
    pub async fn load(db: &Db, scope: &Scope, code: &str) -> Result<SpendTable, ReportError> {
        let departments = db.departments(scope).await?;
        let department = departments.iter().find(|d| d.code == code).ok_or_else(|| {
            ReportError::NotFound(format!("所属コード {code} の所属はありません"))
        })?;
        let units: Vec<&daicho_store::Department> = departments
            .iter()
            .filter(|d| d.parent_id == Some(department.id))
            .collect();
        let ledger_of = |name: &str| {
            ledger(name).ok_or_else(|| ReportError::NotFound(format!("台帳 {name} がありません")))
        };
        let spending = db.ledger_rows(scope, ledger_of("expenditures")?).await?;
        let totals = db.ledger_rows(scope, ledger_of("general_account")?).await?;
        // general_account: fiscal_year, basis, total_yen
        let general: BTreeMap<(i64, String), i64> = totals
            .iter()
            .filter_map(|r| Some(((r[0].parse().ok()?, r[1].clone()), yen(&r[2]))))
            .collect();
        // expenditures: fiscal_year, department, category, basis, amount_yen
        // (year, basis) → (unit code or "" for the department itself) → category → yen
        type Cells = BTreeMap<String, BTreeMap<String, i64>>;
        let mut cells: BTreeMap<(i64, String), Cells> = BTreeMap::new();
        for r in &spending {
            let holder = if r[1] == department.code {
                String::new()
            } else if units.iter().any(|u| u.code == r[1]) {
                r[1].clone()
            } else {
                continue;
            };
            let Ok(year) = r[0].parse::<i64>() else {
                continue;
            };
            *cells
                .entry((year, r[3].clone()))
                .or_default()
                .entry(holder)
                .or_default()
                .entry(r[2].clone())
                .or_default() += yen(&r[4]);
        }
        let mut categories: Vec<String> = CATEGORIES.iter().map(|c| c.to_string()).collect();
        let mut others: Vec<String> = cells
            .values()
            .flat_map(|by| by.values().flat_map(|c| c.keys().cloned()))
            .filter(|c| !categories.contains(c))
            .collect();
        others.sort();
        others.dedup();
        categories.extend(others);
        let mut columns = Vec::new();
        for ((year, basis), by_holder) in cells.iter().rev() {
            let column = |unit: Option<String>, amounts: Vec<i64>| SpendColumn {
                fiscal_year: *year,
                basis: basis.clone(),
                unit,
                total: amounts.iter().sum(),
                amounts,
                general_account: general.get(&(*year, basis.clone())).copied(),
            };
            let of = |by: &BTreeMap<String, i64>| -> Vec<i64> {
                categories
                    .iter()
                    .map(|c| by.get(c).copied().unwrap_or(0))
                    .collect()
            };
            let mut whole = vec![0i64; categories.len()];
            for unit in &units {
                if let Some(by) = by_holder.get(&unit.code) {
                    let amounts = of(by);
                    for (w, a) in whole.iter_mut().zip(&amounts) {
                        *w += a;
                    }
                    columns.push(column(Some(unit.name.clone()), amounts));
                }
            }
            if let Some(by) = by_holder.get("") {
                for (w, a) in whole.iter_mut().zip(of(by)) {
                    *w += a;
                }
            }
            columns.push(column(None, whole));
        }
        Ok(SpendTable {
            department: department.name.clone(),
            categories,
            columns,
        })
    }

    /// A column's heading: 令和5年度（予算） 情報システム管理係 / 課合計.
    pub fn heading(&self, c: &SpendColumn) -> String {
        format!(
            "{}（{}） {}",
            year_label(c.fiscal_year),
            choice_label("expenditures", "basis", &c.basis),
            c.unit.as_deref().unwrap_or("課合計")
        )
    }

    /// The table as rows of text: the heading row, a row per category, the total, the
    /// general account and the share.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            std::iter::once("歳出・経費の科目".to_string())
                .chain(self.columns.iter().map(|c| self.heading(c)))
                .collect::<Vec<_>>(),
        ];
        for (i, category) in self.categories.iter().enumerate() {
            rows.push(
                std::iter::once(category.clone())
                    .chain(self.columns.iter().map(|c| format_yen(c.amounts[i])))
                    .collect(),
            );
        }
        let line = |label: &str, f: &dyn Fn(&SpendColumn) -> String| -> Vec<String> {
            std::iter::once(label.to_string())
                .chain(self.columns.iter().map(f))
                .collect()
        };
        rows.push(line("合計", &|c| format_yen(c.total)));
        rows.push(line("一般会計 歳出総額", &|c| {
            c.general_account
                .map(format_yen)
                .unwrap_or_else(|| "－".into())
        }));
        rows.push(line(
            &format!("{}の歳出・経費 ÷ 一般会計歳出総額", self.department),
            &|c| c.share().unwrap_or_else(|| "－".into()),
        ));
        rows
    }
}

impl Report for SpendTable {
    fn to_json(&self) -> Value {
        json!({
            "department": self.department,
            "categories": self.categories,
            "columns": self.columns.iter().map(|c| json!({
                "fiscal_year": c.fiscal_year,
                "basis": c.basis,
                "unit": c.unit,
                "amounts": c.amounts,
                "total": c.total,
                "general_account": c.general_account,
                "share": c.share(),
            })).collect::<Vec<_>>(),
        })
    }

    fn write_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}の歳出・経費（円）", self.department)?;
        for row in self.rows() {
            writeln!(out, "{}", row.join("\t"))?;
        }
        Ok(())
    }

    fn workbook(&self) -> Result<rust_xlsxwriter::Workbook, ReportError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        self.fill(&mut Sheet::new(&mut wb, "歳出・経費")?)?;
        Ok(wb)
    }
}

impl SpendTable {
    /// Writes the table into `sheet`: amounts as numbers a spreadsheet can sum, the
    /// heading and shares as text.
    pub(crate) fn fill(&self, sheet: &mut Sheet<'_>) -> Result<(), rust_xlsxwriter::XlsxError> {
        for (i, row) in self.rows().into_iter().enumerate() {
            let cells: Vec<String> = if i == 0 {
                row
            } else {
                row.into_iter().map(|c| c.replace(',', "")).collect()
            };
            sheet.row(&cells)?;
        }
        Ok(())
    }
}
