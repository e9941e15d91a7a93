//! The training report: for a fiscal year, each course's participants per department split
//! 職員 / 会計年度任用職員 (the report's 令和4年度情報セキュリティ研修Ⅰ・Ⅱ tables), and, from the
//! per-person records, coverage per department (people trained within N years / staff) and
//! the people never trained or not within N years. Per-department counts name no person,
//! so they appear in the course tables but cannot count towards coverage.

use crate::xlsx::Sheet;
use crate::{Report, ReportError};
use chrono::{Months, NaiveDate};
use daicho_domain::self_check::percent;
use daicho_store::{Course, Db, Scope, StaffTraining, TrainingCount};
use serde_json::{Value, json};
use std::io::Write;

/// One course's table for the year.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseTable {
    /// The course as the tenant lists it; a course only named by records has its code as name.
    pub course: Course,
    pub rows: Vec<TrainingCount>,
    pub regular: i64,
    pub fiscal_year_appointed: i64,
}

impl CourseTable {
    /// Everyone trained in the course that year.
    pub fn total(&self) -> i64 {
        self.regular + self.fiscal_year_appointed
    }
}

/// Coverage of one department.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub department: Option<String>,
    pub name: Option<String>,
    pub staff: u64,
    pub trained: u64,
    /// Trained / staff in whole percent.
    pub rate: Option<u32>,
}

/// The training report.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingReport {
    pub fiscal_year: i64,
    pub as_of: NaiveDate,
    /// Coverage counts training within this many years before `as_of`.
    pub years: u32,
    pub courses: Vec<CourseTable>,
    pub coverage: Vec<Coverage>,
    /// People never trained or not within `years`.
    pub untrained: Vec<StaffTraining>,
}

impl TrainingReport {
    /// Builds the report for the departments `scope` sees.
    pub async fn load(
        db: &Db,
        scope: &Scope,
        fiscal_year: i64,
        as_of: NaiveDate,
        years: u32,
    ) -> Result<Self, ReportError> {
        let courses = db.training_courses(scope.tenant_id).await?;
        let counts = db.training_counts(scope, fiscal_year).await?;
        let staff = db
            .staff_training(scope, &as_of.format("%Y-%m-%d").to_string())
            .await?;
        Ok(Self::build(
            fiscal_year,
            as_of,
            years,
            courses,
            counts,
            staff,
        ))
    }

    fn build(
        fiscal_year: i64,
        as_of: NaiveDate,
        years: u32,
        courses: Vec<Course>,
        counts: Vec<TrainingCount>,
        staff: Vec<StaffTraining>,
    ) -> Self {
        let mut tables: Vec<CourseTable> = courses
            .into_iter()
            .map(|course| CourseTable {
                course,
                rows: Vec::new(),
                regular: 0,
                fiscal_year_appointed: 0,
            })
            .collect();
        for row in counts {
            let i = match tables.iter().position(|t| t.course.course == row.course) {
                Some(i) => i,
                None => {
                    tables.push(CourseTable {
                        course: Course {
                            course: row.course.clone(),
                            name: row.course.clone(),
                            kind: String::new(),
                            provider: None,
                            parts: None,
                        },
                        rows: Vec::new(),
                        regular: 0,
                        fiscal_year_appointed: 0,
                    });
                    tables.len() - 1
                }
            };
            let t = &mut tables[i];
            t.regular += row.regular;
            t.fiscal_year_appointed += row.fiscal_year_appointed;
            t.rows.push(row);
        }
        // Within N years: after the same day N years earlier, up to and including as_of.
        let since = as_of
            .checked_sub_months(Months::new(12 * years))
            .unwrap_or(NaiveDate::MIN)
            .format("%Y-%m-%d")
            .to_string();
        let within = |s: &StaffTraining| {
            s.last_taken_on
                .as_deref()
                .is_some_and(|d| d > since.as_str())
        };
        let mut coverage: Vec<Coverage> = Vec::new();
        for s in &staff {
            if coverage
                .last()
                .is_none_or(|c| c.department != s.staff.department)
            {
                coverage.push(Coverage {
                    department: s.staff.department.clone(),
                    name: s.staff.department_name.clone(),
                    staff: 0,
                    trained: 0,
                    rate: None,
                });
            }
            if let Some(c) = coverage.last_mut() {
                c.staff += 1;
                c.trained += u64::from(within(s));
            }
        }
        for c in &mut coverage {
            c.rate = percent(c.trained, c.staff);
        }
        let untrained = staff.into_iter().filter(|s| !within(s)).collect();
        TrainingReport {
            fiscal_year,
            as_of,
            years,
            courses: tables,
            coverage,
            untrained,
        }
    }

    /// The fiscal year as the report writes it (令和4年度).
    pub fn year_label(&self) -> String {
        crate::year_label(self.fiscal_year)
    }

    /// The day coverage is counted on when none is given: the year's last day, or today
    /// while the year is still running.
    pub fn default_as_of(fiscal_year: i64, today: NaiveDate) -> NaiveDate {
        i32::try_from(fiscal_year)
            .map(|y| daicho_domain::FiscalYear(y).last_day())
            .unwrap_or(NaiveDate::MAX)
            .min(today)
    }

    /// The table of one course by its code.
    pub fn course(&self, code: &str) -> Option<&CourseTable> {
        self.courses.iter().find(|t| t.course.course == code)
    }
}

impl Report for TrainingReport {
    /// The report as JSON.
    fn to_json(&self) -> Value {
        json!({
            "fiscal_year": self.fiscal_year,
            "as_of": self.as_of.format("%Y-%m-%d").to_string(),
            "years": self.years,
            "courses": self.courses.iter().map(|t| json!({
                "course": t.course.course,
                "name": t.course.name,
                "kind": t.course.kind,
                "provider": t.course.provider,
                "parts": t.course.parts,
                "regular": t.regular,
                "fiscal_year_appointed": t.fiscal_year_appointed,
                "total": t.total(),
                "departments": t.rows.iter().map(|r| json!({
                    "department": r.department,
                    "name": r.department_name,
                    "regular": r.regular,
                    "fiscal_year_appointed": r.fiscal_year_appointed,
                    "total": r.regular + r.fiscal_year_appointed,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "coverage": self.coverage.iter().map(|c| json!({
                "department": c.department,
                "name": c.name,
                "staff": c.staff,
                "trained": c.trained,
                "rate": c.rate,
            })).collect::<Vec<_>>(),
            "untrained": self.untrained.iter().map(|s| json!({
                "staff_id": s.staff.staff_id,
                "name": s.staff.name,
                "department": s.staff.department,
                "employment": s.staff.employment,
                "last_taken_on": s.last_taken_on,
            })).collect::<Vec<_>>(),
        })
    }

    /// The report as text tables, for a terminal.
    fn write_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for t in &self.courses {
            writeln!(
                out,
                "{}{} 受講者 {}名",
                self.year_label(),
                t.course.name,
                t.total()
            )?;
            writeln!(out, "No\t所属名称\t職員\t会計年度任用職員\t合計")?;
            for (i, cells) in course_rows(t).iter().enumerate() {
                writeln!(out, "{}\t{}", i + 1, cells.join("\t"))?;
            }
            writeln!(
                out,
                "\t合計\t{}\t{}\t{}",
                t.regular,
                t.fiscal_year_appointed,
                t.total()
            )?;
            writeln!(out)?;
        }
        writeln!(
            out,
            "受講率（{}年以内、{}現在）",
            self.years,
            self.as_of.format("%Y-%m-%d")
        )?;
        writeln!(out, "所属\t職員\t受講者\t受講率")?;
        for c in &self.coverage {
            writeln!(out, "{}", coverage_cells(c).join("\t"))?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{}年以内に受講していない職員 {}名",
            self.years,
            self.untrained.len()
        )?;
        for s in &self.untrained {
            writeln!(out, "{}", untrained_cells(s).join("\t"))?;
        }
        Ok(())
    }

    /// The report as a workbook: one sheet per course, 受講率, 未受講者.
    fn workbook(&self) -> Result<rust_xlsxwriter::Workbook, ReportError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let mut used: Vec<String> = Vec::new();
        for t in &self.courses {
            // A sheet is named as people call the course (情報セキュリティ研修Ⅰ), never by its
            // code; Excel wants at most 31 characters, none of []:*?/\, and no two alike.
            let base: String = t
                .course
                .name
                .chars()
                .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
                .take(28)
                .collect();
            let mut name = base.clone();
            let mut n = 1;
            while used.contains(&name) {
                n += 1;
                name = format!("{base}（{n}）");
            }
            used.push(name.clone());
            let mut sheet = Sheet::new(&mut wb, &name)?;
            sheet.row(&["No", "所属名称", "職員", "会計年度任用職員", "合計"])?;
            for (i, cells) in course_rows(t).into_iter().enumerate() {
                let mut row = vec![(i + 1).to_string()];
                row.extend(cells);
                sheet.row(&row)?;
            }
            sheet.row(&[
                String::new(),
                "合計".into(),
                t.regular.to_string(),
                t.fiscal_year_appointed.to_string(),
                t.total().to_string(),
            ])?;
        }
        let mut sheet = Sheet::new(&mut wb, "受講率")?;
        sheet.row(&["所属", "職員", "受講者", "受講率"])?;
        for c in &self.coverage {
            sheet.row(&coverage_cells(c))?;
        }
        let mut sheet = Sheet::new(&mut wb, "未受講者")?;
        sheet.row(&["職員番号", "氏名", "所属", "任用区分", "最終受講日"])?;
        for s in &self.untrained {
            sheet.row(&untrained_cells(s))?;
        }
        Ok(wb)
    }
}

/// 職員 / 会計年度任用職員 / 委託・派遣, as the staff ledger labels its codes.
pub fn employment_label(code: &str) -> &str {
    daicho_store::ledgers::choice_label("staff", "employment", code)
}

/// A course table's rows as printed: 所属名称, 職員, 会計年度任用職員, 合計.
pub fn course_rows(t: &CourseTable) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| {
            vec![
                r.department_name
                    .clone()
                    .unwrap_or_else(|| "所属なし".into()),
                r.regular.to_string(),
                r.fiscal_year_appointed.to_string(),
                (r.regular + r.fiscal_year_appointed).to_string(),
            ]
        })
        .collect()
}

/// A coverage row as printed: 所属, 職員, 受講者, 受講率.
pub fn coverage_cells(c: &Coverage) -> Vec<String> {
    vec![
        c.name.clone().unwrap_or_else(|| "所属なし".into()),
        c.staff.to_string(),
        c.trained.to_string(),
        crate::self_check::rate_text(c.rate),
    ]
}

/// A person not trained within the years, as printed.
pub fn untrained_cells(s: &StaffTraining) -> Vec<String> {
    vec![
        s.staff.staff_id.clone(),
        s.staff.name.clone().unwrap_or_default(),
        s.staff
            .department_name
            .clone()
            .unwrap_or_else(|| "所属なし".into()),
        employment_label(&s.staff.employment).to_string(),
        s.last_taken_on
            .clone()
            .unwrap_or_else(|| "受講記録なし".into()),
    ]
}
