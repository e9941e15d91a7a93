//! One tenant's ledgers as flat tables, read out for the audit: departments, locations,
//! media and stocktakes referred to by their codes instead of row ids, every value as
//! text (the reader gives each column its type). The table and column names here are
//! what rule authors write their checks against (docs/rules.md).

use sqlx::Row;
use std::borrow::Cow;
use std::sync::LazyLock;

use crate::ledgers::{ASSETS, Kind};
use crate::sql::Sql;
use crate::{Db, StoreError};

/// How a snapshot column is typed where the rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Real,
}

use ColumnType::{Integer as I, Real as R, Text as T};

/// One flat table of the snapshot.
#[derive(Debug)]
pub struct SnapshotTable {
    pub name: &'static str,
    /// What the table holds, for the rule author's reference.
    pub about: &'static str,
    /// (column, type, SQL expression over the `from` clause).
    pub columns: Vec<(&'static str, ColumnType, Cow<'static, str>)>,
    /// FROM clause; its main table is aliased `x` and carries `tenant_id`.
    from: &'static str,
}

/// A table of the snapshot as written here.
struct Fixed {
    name: &'static str,
    about: &'static str,
    columns: &'static [(&'static str, ColumnType, &'static str)],
    from: &'static str,
}

/// The assets' table: every column of their description ([`ASSETS`]), departments and
/// locations by code, and whether the location locks.
fn assets_table() -> SnapshotTable {
    let mut columns = Vec::new();
    for c in ASSETS.columns {
        let (kind, expr): (ColumnType, Cow<'static, str>) = match c.kind {
            Kind::Department => (T, "d.code".into()),
            Kind::Location => (T, "l.code".into()),
            Kind::Int | Kind::Yen | Kind::Bool | Kind::FiscalYear => {
                (I, format!("x.{}", c.db).into())
            }
            Kind::Ratio => (R, format!("x.{}", c.db).into()),
            _ => (T, format!("x.{}", c.db).into()),
        };
        columns.push((c.name, kind, expr));
        if c.kind == Kind::Location {
            columns.push(("location_lockable", I, "l.lockable".into()));
        }
    }
    SnapshotTable {
        name: ASSETS.name,
        about: "情報資産（機器）",
        columns,
        from: "assets x JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id \
               LEFT JOIN locations l ON l.id = x.location_id AND l.tenant_id = x.tenant_id",
    }
}

/// Every table a rule can read, in load order.
pub static SNAPSHOT_TABLES: LazyLock<Vec<SnapshotTable>> = LazyLock::new(|| {
    FIXED
        .iter()
        .map(|t| match t.name {
            "assets" => assets_table(),
            _ => SnapshotTable {
                name: t.name,
                about: t.about,
                columns: t
                    .columns
                    .iter()
                    .map(|(c, k, e)| (*c, *k, Cow::Borrowed(*e)))
                    .collect(),
                from: t.from,
            },
        })
        .collect()
});

/// When audit `x` was done: its last visit, or its as-of day when no visit has a day.
const AUDIT_DONE_ON: &str = "COALESCE((SELECT MAX(v.visited_on) FROM audit_visits v \
     WHERE v.tenant_id = x.tenant_id AND v.audit_ref = x.id), x.as_of)";
/// The same of audit `a`.
const AUDIT_DONE_ON_OF_A: &str = "COALESCE((SELECT MAX(v.visited_on) FROM audit_visits v \
     WHERE v.tenant_id = a.tenant_id AND v.audit_ref = a.id), a.as_of)";

/// The tables but for assets' columns, in load order.
const FIXED: &[Fixed] = &[
    Fixed {
        name: "departments",
        about: "所属（部局・課・係）",
        columns: &[
            ("code", T, "x.code"),
            ("name", T, "x.name"),
            ("level", T, "x.level"),
            // An operating unit answers findings: any department but a bureau that has
            // departments under it (a childless top-level 課 or a hospital is one).
            (
                "operating",
                I,
                "CASE WHEN x.level <> 'bureau' OR NOT EXISTS (SELECT 1 FROM departments c \
                 WHERE c.tenant_id = x.tenant_id AND c.parent_id = x.id) THEN 1 ELSE 0 END",
            ),
            ("parent", T, "p.code"),
            ("manager", T, "x.manager"),
            ("valid_to", T, "x.valid_to"),
        ],
        from: "departments x LEFT JOIN departments p ON p.id = x.parent_id AND p.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "locations",
        about: "設置場所",
        columns: &[
            ("code", T, "x.code"),
            ("department", T, "d.code"),
            ("building", T, "x.building"),
            ("room", T, "x.room"),
            ("lockable", I, "x.lockable"),
        ],
        from: "locations x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "staff",
        about: "職員",
        columns: &[
            ("staff_id", T, "x.staff_id"),
            ("department", T, "d.code"),
            ("employment", T, "x.employment"),
            ("security_role", T, "x.security_role"),
        ],
        from: "staff_members x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "assets",
        about: "",
        columns: &[],
        from: "",
    },
    Fixed {
        name: "media",
        about: "外部記録媒体",
        columns: &[
            ("media_id", T, "x.media_id"),
            ("department", T, "d.code"),
            ("kind", T, "x.kind"),
            ("encrypted", I, "x.encrypted"),
            ("registered_on", T, "x.registered_on"),
            ("custodian", T, "x.custodian"),
            ("storage_place", T, "x.storage_place"),
        ],
        from: "media x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "media_movements",
        about: "外部記録媒体の持出・返却",
        columns: &[
            ("media_id", T, "m.media_id"),
            ("department", T, "d.code"),
            ("out_at", T, "x.out_at"),
            ("out_by", T, "x.out_by"),
            ("purpose", T, "x.purpose"),
            ("from_segment", T, "x.from_segment"),
            ("to_segment", T, "x.to_segment"),
            ("returned_at", T, "x.returned_at"),
            ("checked_by", T, "x.checked_by"),
        ],
        from: "media_movements x JOIN media m ON m.id = x.media_ref AND m.tenant_id = x.tenant_id \
               LEFT JOIN departments d ON d.id = m.department_id AND d.tenant_id = m.tenant_id",
    },
    Fixed {
        name: "systems",
        about: "情報システム",
        columns: &[
            ("name", T, "x.name"),
            ("department", T, "d.code"),
            ("network_segment", T, "x.network_segment"),
            ("status", T, "x.status"),
            ("decision", T, "x.decision"),
            ("vendor", T, "x.vendor"),
        ],
        from: "information_systems x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "contracts",
        about: "契約",
        columns: &[
            ("contract_no", T, "x.contract_no"),
            ("department", T, "d.code"),
            ("title", T, "x.title"),
            ("kind", T, "x.kind"),
            ("method", T, "x.method"),
            ("bidder_count", I, "x.bidder_count"),
            ("supplier", T, "x.supplier"),
            ("maintains", T, "x.maintains"),
            ("justification", T, "x.justification"),
            ("amount_yen", I, "x.amount_yen"),
            ("proposed_annual_yen", I, "x.proposed_annual_yen"),
            ("actual_annual_yen", I, "x.actual_annual_yen"),
            ("starts_on", T, "x.starts_on"),
            ("ends_on", T, "x.ends_on"),
            ("subcontract_share", R, "x.subcontract_share"),
            (
                "subcontract_share_unknown",
                I,
                "x.subcontract_share_unknown",
            ),
            ("it_expert_on_panel", I, "x.it_expert_on_panel"),
        ],
        from: "contracts x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "data_holdings",
        about: "個人情報ファイル",
        columns: &[
            ("name", T, "x.name"),
            ("department", T, "d.code"),
            ("records_total", I, "x.records_total"),
            ("records_past_retention", I, "x.records_past_retention"),
            ("retention_rule", T, "x.retention_rule"),
        ],
        from: "data_holdings x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "websites",
        about: "ホームページ",
        columns: &[
            ("url", T, "x.url"),
            ("department", T, "d.code"),
            ("https", I, "x.https"),
            ("redirects_to_https", I, "x.redirects_to_https"),
            ("certificate_expires_on", T, "x.certificate_expires_on"),
        ],
        from: "websites x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "policies",
        about: "情報セキュリティポリシー文書",
        columns: &[
            ("name", T, "x.name"),
            ("kind", T, "x.kind"),
            ("department", T, "d.code"),
            ("publish_required", I, "x.publish_required"),
            ("published", I, "x.published"),
            ("url", T, "x.url"),
        ],
        from: "policy_documents x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "exceptions",
        about: "例外措置（私物端末の業務利用など）",
        columns: &[
            ("exception_id", T, "x.exception_id"),
            ("department", T, "d.code"),
            ("kind", T, "x.kind"),
            ("subject", T, "x.subject"),
            ("approved_by", T, "x.approved_by"),
            ("starts_on", T, "x.starts_on"),
            ("ends_on", T, "x.ends_on"),
        ],
        from: "exceptions x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "stocktakes",
        about: "棚卸（現物確認）",
        columns: &[
            ("stocktake_id", T, "x.stocktake_id"),
            ("department", T, "d.code"),
            ("location", T, "l.code"),
            ("done_on", T, "x.done_on"),
            ("complete", I, "x.complete"),
        ],
        from: "stocktakes x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id \
               LEFT JOIN locations l ON l.id = x.location_id AND l.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "sightings",
        about: "棚卸で確認した現物（1行1点）",
        columns: &[
            ("stocktake_id", T, "s.stocktake_id"),
            ("department", T, "d.code"),
            ("location", T, "COALESCE(f.code, l.code)"),
            ("done_on", T, "s.done_on"),
            ("line", I, "x.line"),
            ("asset_tag", T, "x.asset_tag"),
            ("kind", T, "x.kind"),
            ("description", T, "x.description"),
            ("ownership", T, "x.ownership"),
            ("tag_present", I, "x.tag_present"),
            ("wire_lock", I, "x.wire_lock"),
            ("password_note", I, "x.password_note"),
            ("cost_yen", I, "x.cost_yen"),
            ("in_use", I, "x.in_use"),
        ],
        // The room it was found in, else the stocktake's.
        from: "sightings x JOIN stocktakes s ON s.id = x.stocktake_ref AND s.tenant_id = x.tenant_id \
               LEFT JOIN departments d ON d.id = s.department_id AND d.tenant_id = s.tenant_id \
               LEFT JOIN locations l ON l.id = s.location_id AND l.tenant_id = s.tenant_id \
               LEFT JOIN locations f ON f.id = x.location_id AND f.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "observations",
        about: "監査・点検での確認事項",
        columns: &[
            ("department", T, "d.code"),
            ("observed_on", T, "x.observed_on"),
            ("item", T, "x.item"),
            ("subject", T, "x.subject"),
            ("detail", T, "x.detail"),
        ],
        from: "observations x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "inventory",
        about: "資産管理ツールが検出した機器",
        columns: &[
            ("host_name", T, "x.host_name"),
            ("serial", T, "x.serial"),
            ("mac_address", T, "x.mac_address"),
            ("ip_address", T, "x.ip_address"),
            ("os", T, "x.os"),
            ("user_name", T, "x.user_name"),
            ("last_seen", T, "x.last_seen"),
            ("source", T, "x.source"),
        ],
        from: "inventory x",
    },
    Fixed {
        name: "training",
        about: "研修の受講記録",
        columns: &[
            ("staff_id", T, "st.staff_id"),
            ("department", T, "d.code"),
            ("employment", T, "st.employment"),
            ("course", T, "x.course"),
            ("taken_on", T, "x.taken_on"),
        ],
        from: "training_records x JOIN staff_members st ON st.id = x.staff_ref AND st.tenant_id = x.tenant_id \
               LEFT JOIN departments d ON d.id = st.department_id AND d.tenant_id = st.tenant_id",
    },
    Fixed {
        name: "self_check_results",
        about: "セルフチェックの設問別・所属別の結果（集計の取込と職員の回答の合計）",
        columns: &[
            ("campaign", T, "x.campaign"),
            ("fiscal_year", I, "c.fiscal_year"),
            ("question_id", T, "x.question_id"),
            ("category", T, "q.category"),
            ("department", T, "d.code"),
            ("respondents", I, "x.respondents"),
            ("correct", I, "x.correct"),
        ],
        from: concat!(
            "(",
            self_check_counts_sql!(),
            ") x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id \
             LEFT JOIN self_check_questions q ON q.tenant_id = x.tenant_id \
               AND q.campaign = x.campaign AND q.question_id = x.question_id \
             LEFT JOIN self_check_campaigns c ON c.tenant_id = x.tenant_id AND c.campaign = x.campaign"
        ),
    },
    Fixed {
        name: "training_counts",
        about: "研修の所属別受講者数（職員・会計年度任用職員）",
        columns: &[
            ("course", T, "x.course"),
            ("fiscal_year", I, "x.fiscal_year"),
            ("department", T, "d.code"),
            ("regular", I, "x.regular"),
            ("fiscal_year_appointed", I, "x.fiscal_year_appointed"),
        ],
        from: "training_counts x LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "audits",
        about: "情報セキュリティ監査（done_on は最後の往査日、なければ基準日）",
        columns: &[
            ("audit_id", T, "x.audit_id"),
            ("kind", T, "x.kind"),
            ("fiscal_year", I, "x.fiscal_year"),
            ("title", T, "x.title"),
            ("as_of", T, "x.as_of"),
            ("done_on", T, AUDIT_DONE_ON),
            ("published", I, "x.published"),
        ],
        from: "audits x",
    },
    Fixed {
        name: "audit_visits",
        about: "監査の往査（所属ごと、監査の種類・年度つき）",
        columns: &[
            ("audit_id", T, "a.audit_id"),
            ("kind", T, "a.kind"),
            ("fiscal_year", I, "a.fiscal_year"),
            ("department", T, "d.code"),
            ("visited_on", T, "x.visited_on"),
            ("visit_order", I, "x.visit_order"),
        ],
        from: "audit_visits x JOIN audits a ON a.id = x.audit_ref AND a.tenant_id = x.tenant_id \
               LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
    Fixed {
        name: "audit_findings",
        about: "監査の指摘とフォローアップ",
        columns: &[
            ("finding_id", T, "x.finding_id"),
            ("audit_id", T, "a.audit_id"),
            ("audit_done_on", T, AUDIT_DONE_ON_OF_A),
            ("department", T, "d.code"),
            ("item", T, "x.item"),
            ("grade", T, "x.grade"),
            ("followed_up_on", T, "x.followed_up_on"),
            ("outcome", T, "x.outcome"),
        ],
        from: "audit_findings x JOIN audits a ON a.id = x.audit_ref AND a.tenant_id = x.tenant_id \
               LEFT JOIN departments d ON d.id = x.department_id AND d.tenant_id = x.tenant_id",
    },
];

/// Rows handed over at a time.
pub const SNAPSHOT_BATCH_ROWS: usize = 5000;

/// Values of one row as text (NULL as `None`), in the order of the table's columns.
pub type SnapshotRow = Vec<Option<String>>;

impl Db {
    /// Reads every row of `table` for the tenant in one streamed query, handing them to
    /// `sink` in batches of [`SNAPSHOT_BATCH_ROWS`]. One statement per table: paging by
    /// id made SQLite re-read the tenant's rows through a tenant index for every page
    /// (quadratic at a million assets).
    pub async fn snapshot_rows<E: From<StoreError>>(
        &self,
        tenant_id: i64,
        table: &SnapshotTable,
        mut sink: impl AsyncFnMut(Vec<SnapshotRow>) -> Result<(), E>,
    ) -> Result<u64, E> {
        use futures_util::TryStreamExt;
        let mut select = String::from("SELECT ");
        for (i, (name, _, expr)) in table.columns.iter().enumerate() {
            if i > 0 {
                select.push_str(", ");
            }
            select.push_str(&format!("CAST({expr} AS TEXT) AS {name}"));
        }
        select.push_str(" FROM ");
        select.push_str(table.from);
        select.push_str(" WHERE x.tenant_id = ");
        let mut sql = Sql::new(&select);
        sql.bind(tenant_id);
        let mut rows = sql.fetch(self);
        let mut batch = Vec::with_capacity(SNAPSHOT_BATCH_ROWS);
        let mut total = 0u64;
        while let Some(r) = rows.try_next().await.map_err(StoreError::from)? {
            let mut values = Vec::with_capacity(table.columns.len());
            for i in 0..table.columns.len() {
                values.push(
                    r.try_get::<Option<String>, _>(i)
                        .map_err(StoreError::from)?,
                );
            }
            batch.push(values);
            if batch.len() == SNAPSHOT_BATCH_ROWS {
                total += batch.len() as u64;
                sink(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(SNAPSHOT_BATCH_ROWS),
                ))
                .await?;
            }
        }
        total += batch.len() as u64;
        if !batch.is_empty() {
            sink(batch).await?;
        }
        Ok(total)
    }
}
