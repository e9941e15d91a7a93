//! GET /inventory: the reconciliation of what the asset-management tools saw with the
//! asset ledger — the machines on the network no ledger holds, and the ledger's machines
//! no tool has seen for the rule's days. It reads the two rules' results (with their
//! passes) from the kept audit, as the findings page does: what this page shows and what
//! the findings say cannot differ.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::handlers::findings::full_audit;
use crate::state::AppState;
use crate::view::{Layout, date_full, url_encode};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use daicho_rules::engine::Verdict;
use daicho_rules::{AuditOptions, List};

const UNREGISTERED: &str = "inventory-unregistered";
const UNSEEN: &str = "inventory-unseen";

/// A machine on the network no ledger holds.
struct Machine {
    host: String,
    ip: String,
    serial: String,
    mac: String,
    os: String,
    last_seen: String,
    source: String,
}

/// A ledger's machine no tool has seen lately.
struct Unseen {
    tag: String,
    href: String,
    department: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "inventory.html")]
struct InventoryPage {
    layout: Layout,
    as_of: String,
    recorded: bool,
    detected: usize,
    matched: usize,
    unmatched_unknown: usize,
    unregistered: Vec<Machine>,
    unseen: Vec<Unseen>,
    days: String,
}

/// GET /inventory
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    if user.scope.departments.is_some() {
        return Err(AppError::Forbidden(
            "資産管理ツールとの照合は団体全体を見る役割で開いてください。".into(),
        ));
    }
    let day = state.db.data_day(user.scope.tenant_id).await?;
    let options = AuditOptions {
        rules: vec![UNREGISTERED.into(), UNSEEN.into()],
        include_passes: true,
        ..full_audit(day)
    };
    // The tenant's own number of days (its rule settings), as the audit used it.
    let days = daicho_rules::audit::tenant_rules(&state.db, &user.scope)
        .await?
        .rules
        .into_iter()
        .find(|r| r.rule.id == UNSEEN)
        .and_then(|r| r.params.get("days").map(ToString::to_string))
        .unwrap_or_default();
    let report = state
        .audits
        .report(&state, &user.scope, &user.tenant_code, options)
        .await?;
    let entries = crate::audits::read(report, |report| {
        let mut all = Vec::new();
        for list in [List::Findings, List::Unknown, List::Passes] {
            all.extend(report.entries(list)?);
        }
        Ok(all)
    })
    .await?;
    let of = |rule: &'static str, outcome: Verdict| {
        entries
            .iter()
            .filter(move |e| &*e.rule == rule && e.outcome == outcome)
    };
    let fact = |facts: &Option<serde_json::Value>, key: &str| {
        facts
            .as_ref()
            .and_then(|f| f.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let unregistered: Vec<Machine> = of(UNREGISTERED, Verdict::Fail)
        .map(|e| {
            let facts = e.facts_value();
            Machine {
                host: e.subject.clone(),
                ip: fact(&facts, "ip_address"),
                serial: fact(&facts, "serial"),
                mac: fact(&facts, "mac_address"),
                os: fact(&facts, "os"),
                last_seen: fact(&facts, "last_seen"),
                source: fact(&facts, "source"),
            }
        })
        .collect();
    let matched = of(UNREGISTERED, Verdict::Pass).count();
    let unmatched_unknown = of(UNREGISTERED, Verdict::Unknown).count();
    let unseen = of(UNSEEN, Verdict::Fail)
        .map(|e| Unseen {
            tag: e.subject.clone(),
            href: url_encode(&e.subject),
            department: e
                .department_name
                .as_deref()
                .map(str::to_string)
                .unwrap_or_default(),
            reason: e.reason.clone(),
        })
        .collect();
    let detected = matched + unregistered.len() + unmatched_unknown;
    Ok(Html(
        InventoryPage {
            layout: Layout::new(&user, "資産管理ツールとの照合", "inventory"),
            as_of: date_full(Some(day)),
            recorded: detected > 0,
            detected,
            matched,
            unmatched_unknown,
            unregistered,
            unseen,
            days,
        }
        .render()?,
    ))
}
