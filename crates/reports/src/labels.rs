//! Asset labels (備品整理票) to print and stick on: each asset's tag — as text and as the QR
//! code the stocktake scans — with its department and name, on the A4 label sheets Japanese
//! offices buy. The view model and the sheets' geometry; `daicho-pdf` typesets them.

use daicho_domain::AssetStatus;
use daicho_store::{Db, Scope};

use crate::ReportError;

/// One label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub tag: String,
    pub department: String,
    pub name: String,
}

/// An A4 label sheet: its grid and margins, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelLayout {
    pub code: &'static str,
    /// What the screen and the CLI call it.
    pub label: &'static str,
    pub columns: usize,
    pub rows: usize,
    pub width_mm: f64,
    pub height_mm: f64,
    pub top_mm: f64,
    pub left_mm: f64,
    pub gap_x_mm: f64,
    pub gap_y_mm: f64,
}

impl LabelLayout {
    pub fn per_sheet(&self) -> usize {
        self.columns * self.rows
    }
}

/// The sheets offered. 12面: 2×6 labels of 86.4×42.3 mm, margins 21.5 mm top and 18.6 mm
/// left, no gaps (the common 「A4 12面」 sheet, e.g. エーワン 28185 and its equivalents);
/// 24面: 3×8 labels of 70×33.9 mm, margins 12.9 mm top and none at the sides (the common
/// 「A4 24面 70×33.9」 sheet, e.g. エーワン 28371-type layouts). A sheet of another maker
/// with the same measures prints the same.
pub const LABEL_LAYOUTS: [LabelLayout; 2] = [
    LabelLayout {
        code: "a4-12",
        label: "A4 12面（86.4×42.3mm）",
        columns: 2,
        rows: 6,
        width_mm: 86.4,
        height_mm: 42.3,
        top_mm: 21.5,
        left_mm: 18.6,
        gap_x_mm: 0.0,
        gap_y_mm: 0.0,
    },
    LabelLayout {
        code: "a4-24",
        label: "A4 24面（70×33.9mm）",
        columns: 3,
        rows: 8,
        width_mm: 70.0,
        height_mm: 33.9,
        top_mm: 12.9,
        left_mm: 0.0,
        gap_x_mm: 0.0,
        gap_y_mm: 0.0,
    },
];

/// The layout named `code` (`a4-12`, `a4-24`).
pub fn label_layout(code: &str) -> Option<LabelLayout> {
    LABEL_LAYOUTS.iter().copied().find(|l| l.code == code)
}

/// Labels for the assets in `scope` (of `department` and those below it, when given) that
/// are not disposed of, by department and tag.
pub async fn load_labels(
    db: &Db,
    scope: &Scope,
    department: Option<&str>,
) -> Result<Vec<Label>, ReportError> {
    let departments = db.departments(scope).await?;
    let id_of: std::collections::HashMap<&str, i64> = departments
        .iter()
        .map(|d| (d.code.as_str(), d.id))
        .collect();
    let under = match department {
        Some(code) => {
            let Some(id) = id_of.get(code) else {
                return Err(ReportError::NotFound(format!("所属「{code}」はありません")));
            };
            Some(daicho_store::department_and_below(&departments, *id))
        }
        None => None,
    };
    let mut labels = Vec::new();
    let mut after = 0;
    loop {
        let batch = db.assets_after(scope, after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for a in batch {
            if a.fields.status == AssetStatus::Disposed {
                continue;
            }
            if let Some(under) = &under {
                let id = id_of.get(a.department_code.as_str());
                if !id.is_some_and(|id| under.contains(id)) {
                    continue;
                }
            }
            labels.push((
                a.department_code.clone(),
                Label {
                    tag: a.fields.asset_tag,
                    department: a.department_name,
                    name: a.fields.name,
                },
            ));
        }
    }
    labels.sort_by(|a, b| (&a.0, &a.1.tag).cmp(&(&b.0, &b.1.tag)));
    Ok(labels.into_iter().map(|(_, l)| l).collect())
}
