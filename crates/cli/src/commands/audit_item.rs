//! `daicho audit-item draft|list`: an audit's items (監査の結果・意見) — drafted from the
//! rules as of the audit's as-of day, then listed with their state, departments and what
//! they rest on. (Confirming and editing are the auditor's screens' work.)

use crate::settings::Settings;
use clap::Subcommand;
use daicho_domain::audit_item::ItemScope;
use daicho_store::Actor;

#[derive(Subcommand, Debug)]
pub enum AuditItemCommand {
    /// 規則の判定から下書きを作る（既にある規則・所属の項目は作らない） / draft items from the rules
    Draft {
        #[arg(long)]
        tenant: String,
        /// 監査番号 / the audit's number
        #[arg(long)]
        audit: String,
    },
    /// 監査の結果・意見の一覧 / list an audit's items
    List {
        #[arg(long)]
        tenant: String,
        /// 監査番号 / the audit's number
        #[arg(long)]
        audit: String,
    },
}

pub async fn run(settings: &Settings, command: AuditItemCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    match command {
        AuditItemCommand::Draft { tenant, audit } => {
            let (t, scope) = super::tenant_scope(&db, &tenant).await?;
            let done = daicho_rules::drafting::draft_audit_items(
                &db,
                &scope,
                &Actor::system("cli"),
                t.code.as_str(),
                &audit,
            )
            .await?;
            println!(
                "監査 {audit}: 下書きを {} 件作成しました（既にある項目 {} 件はそのまま）",
                done.added, done.kept
            );
        }
        AuditItemCommand::List { tenant, audit } => {
            let (_, scope) = super::tenant_scope(&db, &tenant).await?;
            let audit_ref = db.audit_ref(&scope, &audit).await?;
            let departments = db.departments(&scope).await?;
            let name = |id: &i64| {
                departments
                    .iter()
                    .find(|d| d.id == *id)
                    .map(|d| d.name.clone())
                    .unwrap_or_default()
            };
            println!("順\t状態\t区分\t指摘又は意見\t件名\t所属\t根拠");
            for i in db.audit_items(&scope, audit_ref).await? {
                let item = &i.item;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}件",
                    i.position,
                    item.state.label(),
                    match item.scope {
                        ItemScope::General => "総論",
                        ItemScope::Individual => "個別",
                    },
                    if item.grade == "violation" {
                        "指摘"
                    } else {
                        "意見"
                    },
                    item.title,
                    item.departments
                        .iter()
                        .map(name)
                        .collect::<Vec<_>>()
                        .join("、"),
                    item.evidence.len()
                );
            }
        }
    }
    db.close().await;
    Ok(())
}
