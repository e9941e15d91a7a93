//! The self-check (情報セキュリティセルフチェック) and training (情報セキュリティ研修) as the
//! reports and screens read them: campaigns with their question banks, correct-answer
//! counts per question and department, and who was trained when. Counts come from two
//! sources added together: the aggregated results a city imports, and the answers its
//! staff give person by person (scored against the campaign's bank when read).
//! Writing goes through the ledger engine like every other ledger, so it keeps history.

use chrono::NaiveDate;
use sqlx::Row;

use crate::sql::{Read, Sql};
use crate::{Db, Scope, StoreError};

/// Correct-answer counts per campaign, question and department: imported results plus
/// answers (one respondent per answer, correct when it equals the bank's answer). Shared
/// by the audit snapshot and the report so both count the same way.
macro_rules! self_check_counts_sql {
    () => {
        "SELECT r.tenant_id, r.campaign, r.question_id, r.department_id, \
                r.respondents, r.correct \
         FROM self_check_results r \
         UNION ALL \
         SELECT a.tenant_id, a.campaign, a.question_id, s.department_id, \
                COUNT(*), SUM(CASE WHEN a.answer = b.answer THEN 1 ELSE 0 END) \
         FROM self_check_answers a JOIN staff_members s ON s.id = a.staff_ref AND s.tenant_id = a.tenant_id \
         LEFT JOIN self_check_questions b ON b.tenant_id = a.tenant_id \
           AND b.campaign = a.campaign AND b.question_id = a.question_id \
         GROUP BY a.tenant_id, a.campaign, a.question_id, s.department_id"
    };
}

/// A self-check campaign (実施回), one per fiscal year as a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub campaign: String,
    pub fiscal_year: i64,
    pub title: Option<String>,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

/// One question of a campaign's bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub question_id: String,
    pub category: String,
    pub text: String,
    /// The choices as the bank writes them: `1. …|2. …|3. …`, or `はい|いいえ`.
    pub choices: String,
    pub answer: String,
    pub explanation: Option<String>,
}

/// Respondents and correct answers to one question in one department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionCount {
    pub question_id: String,
    /// `None` for answers of staff without a department.
    pub department: Option<String>,
    pub department_name: Option<String>,
    pub respondents: i64,
    pub correct: i64,
}

/// A staff member as the self-check and training know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub staff_id: String,
    pub name: Option<String>,
    pub department: Option<String>,
    pub department_name: Option<String>,
    pub department_id: Option<i64>,
    /// `regular`, `fiscal_year_appointed` or `contractor`.
    pub employment: String,
}

/// A training course (研修Ⅰ e-learning, 研修Ⅱ classroom, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub course: String,
    pub name: String,
    /// `e_learning` or `classroom`.
    pub kind: String,
    pub provider: Option<String>,
    pub parts: Option<String>,
}

/// People trained in one course, fiscal year and department, split as the report's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingCount {
    pub course: String,
    pub department: Option<String>,
    pub department_name: Option<String>,
    pub regular: i64,
    pub fiscal_year_appointed: i64,
}

/// One person's latest training, for coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffTraining {
    pub staff: StaffMember,
    /// The day of the latest course taken on or before the day asked about.
    pub last_taken_on: Option<String>,
}

const STAFF_COLUMNS: &str = "st.id, st.staff_id, st.name, st.employment, d.code AS department, \
                             d.name AS department_name, st.department_id";

fn staff_from_row(r: &sqlx::any::AnyRow) -> Result<StaffMember, sqlx::Error> {
    Ok(StaffMember {
        id: r.try_get("id")?,
        staff_id: r.try_get("staff_id")?,
        name: r.try_get("name")?,
        department: r.try_get("department")?,
        department_name: r.try_get("department_name")?,
        department_id: r.try_get("department_id")?,
        employment: r.try_get("employment")?,
    })
}

impl Db {
    /// The tenant's campaigns, latest fiscal year first.
    pub async fn self_check_campaigns(&self, tenant_id: i64) -> Result<Vec<Campaign>, StoreError> {
        let mut sql = Sql::new(
            "SELECT campaign, fiscal_year, title, opens_on, closes_on FROM self_check_campaigns \
             WHERE tenant_id = ",
        );
        sql.bind(tenant_id)
            .push(" ORDER BY fiscal_year DESC, campaign DESC");
        let rows = sql.fetch_all(self).await?;
        let campaign = |r: &sqlx::any::AnyRow| -> Result<Campaign, sqlx::Error> {
            Ok(Campaign {
                campaign: r.try_get("campaign")?,
                fiscal_year: r.try_get("fiscal_year")?,
                title: r.try_get("title")?,
                opens_on: r.date("opens_on")?,
                closes_on: r.date("closes_on")?,
            })
        };
        Ok(rows.iter().map(campaign).collect::<Result<_, _>>()?)
    }

    /// One campaign by its code.
    pub async fn self_check_campaign(
        &self,
        tenant_id: i64,
        campaign: &str,
    ) -> Result<Option<Campaign>, StoreError> {
        Ok(self
            .self_check_campaigns(tenant_id)
            .await?
            .into_iter()
            .find(|c| c.campaign == campaign))
    }

    /// A campaign's question bank in the order it was written.
    pub async fn self_check_questions(
        &self,
        tenant_id: i64,
        campaign: &str,
    ) -> Result<Vec<Question>, StoreError> {
        let mut sql = Sql::new(
            "SELECT question_id, category, text, choices, answer, explanation \
             FROM self_check_questions WHERE tenant_id = ",
        );
        sql.bind(tenant_id)
            .push(" AND campaign = ")
            .bind(campaign)
            .push(" ORDER BY id");
        let rows = sql.fetch_all(self).await?;
        let question = |r: &sqlx::any::AnyRow| -> Result<Question, sqlx::Error> {
            Ok(Question {
                question_id: r.try_get("question_id")?,
                category: r.try_get("category")?,
                text: r.try_get("text")?,
                choices: r.try_get("choices")?,
                answer: r.try_get("answer")?,
                explanation: r.try_get("explanation")?,
            })
        };
        Ok(rows.iter().map(question).collect::<Result<_, _>>()?)
    }

    /// Respondents and correct answers per question and department in the campaign, within
    /// the scope's departments.
    pub async fn self_check_counts(
        &self,
        scope: &Scope,
        campaign: &str,
    ) -> Result<Vec<QuestionCount>, StoreError> {
        let mut sql = Sql::new(concat!(
            "SELECT x.question_id, d.code AS department, d.name AS department_name, \
                    CAST(SUM(x.respondents) AS BIGINT) AS respondents, \
                    CAST(SUM(x.correct) AS BIGINT) AS correct \
             FROM (",
            self_check_counts_sql!(),
            ") x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id WHERE x.tenant_id = "
        ));
        sql.bind(scope.tenant_id)
            .push(" AND x.campaign = ")
            .bind(campaign);
        scope.restrict(&mut sql, "x.department_id");
        sql.push(
            " GROUP BY x.question_id, d.code, d.name, d.sort_order ORDER BY d.sort_order, d.code",
        );
        let rows = sql.fetch_all(self).await?;
        let count = |r: &sqlx::any::AnyRow| -> Result<QuestionCount, sqlx::Error> {
            Ok(QuestionCount {
                question_id: r.try_get("question_id")?,
                department: r.try_get("department")?,
                department_name: r.try_get("department_name")?,
                respondents: r.try_get("respondents")?,
                correct: r.try_get("correct")?,
            })
        };
        Ok(rows.iter().map(count).collect::<Result<_, _>>()?)
    }

    /// A person's answers in a campaign (question id → answer); empty if they have not
    /// answered.
    pub async fn self_check_answers_of(
        &self,
        tenant_id: i64,
        campaign: &str,
        staff_ref: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut sql =
            Sql::new("SELECT question_id, answer FROM self_check_answers WHERE tenant_id = ");
        sql.bind(tenant_id)
            .push(" AND campaign = ")
            .bind(campaign)
            .push(" AND staff_ref = ")
            .bind(staff_ref);
        let rows = sql.fetch_all(self).await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get("question_id")?, r.try_get("answer")?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// The staff member an account belongs to, if it is linked to one.
    pub async fn staff_of_user(&self, user_id: i64) -> Result<Option<StaffMember>, StoreError> {
        // The account first, then its staff member by (tenant, id): a database sharded by
        // tenant (Citus) reads the second from the tenant's shard alone.
        let mut sql = Sql::new("SELECT tenant_id, staff_ref FROM users WHERE id = ");
        sql.bind(user_id);
        let link = sql.fetch_optional(self).await?;
        let Some((Some(tenant_id), Some(staff_ref))) = link
            .map(|r| -> Result<_, sqlx::Error> {
                Ok((
                    r.try_get::<Option<i64>, _>("tenant_id")?,
                    r.try_get::<Option<i64>, _>("staff_ref")?,
                ))
            })
            .transpose()?
        else {
            return Ok(None);
        };
        let sql_text = format!(
            "SELECT {STAFF_COLUMNS} FROM staff_members st \
             LEFT JOIN departments d ON d.id = st.department_id AND d.tenant_id = st.tenant_id \
             WHERE st.tenant_id = "
        );
        let mut sql = Sql::new(&sql_text);
        sql.bind(tenant_id).push(" AND st.id = ").bind(staff_ref);
        let row = sql.fetch_optional(self).await?;
        Ok(row.as_ref().map(staff_from_row).transpose()?)
    }

    /// Links an account to the staff member with `staff_id` in the account's tenant.
    pub async fn link_user_to_staff(
        &self,
        username: &str,
        staff_id: &str,
    ) -> Result<(), StoreError> {
        // Read, then write: Citus updates a reference table (users) only from reference
        // tables, and staff members are sharded by tenant.
        let mut sql = Sql::new(
            "SELECT st.id FROM staff_members st JOIN users u ON u.tenant_id = st.tenant_id \
             WHERE u.username = ",
        );
        sql.bind(username)
            .push(" AND st.staff_id = ")
            .bind(staff_id);
        let found = sql.fetch_optional(self).await?;
        let Some(staff_ref) = found.map(|r| r.try_get::<i64, _>("id")).transpose()? else {
            return Err(StoreError::NotFound(format!(
                "利用者「{username}」またはその団体の職員番号「{staff_id}」が見つかりません"
            )));
        };
        let mut sql = Sql::new("UPDATE users SET staff_ref = ");
        sql.bind(staff_ref)
            .push(" WHERE username = ")
            .bind(username);
        sql.execute(self).await?;
        Ok(())
    }

    /// The tenant's training courses.
    pub async fn training_courses(&self, tenant_id: i64) -> Result<Vec<Course>, StoreError> {
        let mut sql = Sql::new(
            "SELECT course, name, kind, provider, parts FROM training_courses WHERE tenant_id = ",
        );
        sql.bind(tenant_id).push(" ORDER BY name, course");
        let rows = sql.fetch_all(self).await?;
        let course = |r: &sqlx::any::AnyRow| -> Result<Course, sqlx::Error> {
            Ok(Course {
                course: r.try_get("course")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                provider: r.try_get("provider")?,
                parts: r.try_get("parts")?,
            })
        };
        Ok(rows.iter().map(course).collect::<Result<_, _>>()?)
    }

    /// People trained per course and department in a fiscal year: the per-department
    /// counts a city imported plus the people its records name (each person once per
    /// course), split 職員 / 会計年度任用職員 (委託・派遣 are not counted, as in the report).
    pub async fn training_counts(
        &self,
        scope: &Scope,
        fiscal_year: i64,
    ) -> Result<Vec<TrainingCount>, StoreError> {
        let year = daicho_domain::FiscalYear(
            i32::try_from(fiscal_year)
                .map_err(|_| StoreError::NotFound(format!("{fiscal_year}年度")))?,
        );
        let (from, to) = (year.first_day().to_string(), year.last_day().to_string());
        let mut sql = Sql::new(
            "SELECT x.course, d.code AS department, d.name AS department_name, \
                    CAST(SUM(x.regular) AS BIGINT) AS regular, \
                    CAST(SUM(x.fya) AS BIGINT) AS fiscal_year_appointed \
             FROM (SELECT tenant_id, course, department_id, regular, fiscal_year_appointed AS fya \
                   FROM training_counts WHERE tenant_id = ",
        );
        // The tenant is named inside each arm of the union, so that a database sharded by
        // tenant (Citus) sends the whole query to the tenant's shard.
        sql.bind(scope.tenant_id)
            .push(" AND fiscal_year = ")
            .bind(fiscal_year)
            .push(
                " UNION ALL \
             SELECT st.tenant_id, t.course, st.department_id, \
                    CASE WHEN st.employment = 'regular' THEN 1 ELSE 0 END, \
                    CASE WHEN st.employment = 'fiscal_year_appointed' THEN 1 ELSE 0 END \
             FROM (SELECT DISTINCT tenant_id, staff_ref, course FROM training_records \
                   WHERE tenant_id = ",
            )
            .bind(scope.tenant_id)
            .push(" AND taken_on >= ");
        sql.bind(from.as_str())
            .push(" AND taken_on <= ")
            .bind(to.as_str())
            .push(
                ") t JOIN staff_members st ON st.id = t.staff_ref AND st.tenant_id = t.tenant_id) x \
                 LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id WHERE x.tenant_id = ",
            )
            .bind(scope.tenant_id);
        scope.restrict(&mut sql, "x.department_id");
        sql.push(
            " GROUP BY x.course, d.code, d.name, d.sort_order \
              ORDER BY x.course, d.sort_order, d.code",
        );
        let rows = sql.fetch_all(self).await?;
        let count = |r: &sqlx::any::AnyRow| -> Result<TrainingCount, sqlx::Error> {
            Ok(TrainingCount {
                course: r.try_get("course")?,
                department: r.try_get("department")?,
                department_name: r.try_get("department_name")?,
                regular: r.try_get("regular")?,
                fiscal_year_appointed: r.try_get("fiscal_year_appointed")?,
            })
        };
        Ok(rows.iter().map(count).collect::<Result<_, _>>()?)
    }

    /// The latest fiscal year with training on record (counts or a person's record) up to
    /// the one `day` falls in; that year itself when there is none. Where the training
    /// pages open: a city whose records end with 令和4年度 is not shown an empty 令和5年度.
    pub async fn latest_training_year(
        &self,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<i64, StoreError> {
        let year = i64::from(daicho_domain::FiscalYear::of(day).0);
        let mut sql =
            Sql::new("SELECT MAX(fiscal_year) AS y FROM training_counts WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND fiscal_year <= ")
            .bind(year);
        let counted: Option<i64> = sql.fetch_one(self).await?.try_get("y")?;
        let mut sql =
            Sql::new("SELECT MAX(taken_on) AS d FROM training_records WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND taken_on <= ")
            .bind(day.to_string());
        let taken: Option<String> = sql.fetch_one(self).await?.try_get("d")?;
        let recorded = taken
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .map(|d| i64::from(daicho_domain::FiscalYear::of(d).0));
        Ok(counted.max(recorded).unwrap_or(year))
    }

    /// One person's training, latest first: (course name, day taken).
    pub async fn training_of(
        &self,
        tenant_id: i64,
        staff_ref: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT COALESCE(c.name, t.course) AS name, t.taken_on FROM training_records t \
             LEFT JOIN training_courses c ON c.tenant_id = t.tenant_id AND c.course = t.course \
             WHERE t.tenant_id = ",
        );
        sql.bind(tenant_id)
            .push(" AND t.staff_ref = ")
            .bind(staff_ref)
            .push(" ORDER BY t.taken_on DESC, name");
        let rows = sql.fetch_all(self).await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("taken_on")?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Every staff member in the scope with the day of their latest training on or before
    /// `as_of` (ISO date).
    pub async fn staff_training(
        &self,
        scope: &Scope,
        as_of: &str,
    ) -> Result<Vec<StaffTraining>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {STAFF_COLUMNS}, (SELECT MAX(t.taken_on) FROM training_records t \
             WHERE t.tenant_id = st.tenant_id AND t.staff_ref = st.id AND t.taken_on <= "
        ));
        sql.bind(as_of)
            .push(
                ") AS last_taken_on FROM staff_members st \
                 LEFT JOIN departments d ON d.id = st.department_id AND d.tenant_id = st.tenant_id WHERE st.tenant_id = ",
            )
            .bind(scope.tenant_id);
        scope.restrict(&mut sql, "st.department_id");
        sql.push(" ORDER BY d.sort_order, d.code, st.staff_id");
        let rows = sql.fetch_all(self).await?;
        let staff = |r: &sqlx::any::AnyRow| -> Result<StaffTraining, sqlx::Error> {
            Ok(StaffTraining {
                staff: staff_from_row(r)?,
                last_taken_on: r.try_get("last_taken_on")?,
            })
        };
        Ok(rows.iter().map(staff).collect::<Result<_, _>>()?)
    }
}
