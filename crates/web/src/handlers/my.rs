//! GET /my: a staff member's own page — the self-check to answer, their training and the
//! audit items their department still has to act on. It is all a `staff` account sees.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::handlers::self_check::campaign_lines;
use crate::state::AppState;
use crate::view::{Layout, date_full};
use askama::Template;
use axum::extract::State;
use axum::response::Html;

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    layout: Layout,
    person: Option<String>,
    campaigns: Vec<crate::handlers::self_check::CampaignLine>,
    /// (day taken, course).
    training: Vec<(String, String)>,
    /// (audit, item, due day).
    items: Vec<(String, String, String)>,
}

/// GET /my
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let staff = state.db.staff_of_user(user.user.id).await?;
    let campaigns = campaign_lines(&state, &user, staff.as_ref())
        .await?
        .into_iter()
        .filter(|c| c.open || c.answered == Some(true))
        .collect();
    let training = match &staff {
        Some(s) => state
            .db
            .training_of(user.scope.tenant_id, s.id)
            .await?
            .into_iter()
            .map(|(course, day)| {
                let shown = daicho_domain::parse_date(&day).ok();
                (date_full(shown), course)
            })
            .collect(),
        None => Vec::new(),
    };
    // Only a person's own department's items: a staff scope names that department alone.
    let items = if user
        .scope
        .departments
        .as_ref()
        .is_some_and(|d| !d.is_empty())
    {
        state
            .db
            .open_items(&user.scope)
            .await?
            .into_iter()
            .map(|i| {
                let due = (i.due_on != chrono::NaiveDate::MAX).then_some(i.due_on);
                (i.audit_id, i.title, date_full(due))
            })
            .collect()
    } else {
        Vec::new()
    };
    let person = staff.map(|s| {
        format!(
            "{} {}（{}）",
            s.staff_id,
            s.name.unwrap_or_default(),
            s.department_name.unwrap_or_default()
        )
    });
    Ok(Html(
        MyPage {
            layout: Layout::new(&user, "マイページ", "my"),
            person,
            campaigns,
            training,
            items,
        }
        .render()?,
    ))
}
