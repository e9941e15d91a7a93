//! `daicho rule list|show|set|add` and `daicho waiver add|list`: a tenant's rules, its
//! settings of them, and its waivers (例外承認).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use daicho_domain::parse_date;
use daicho_rules::audit::tenant_rules;
use daicho_rules::engine::validate;
use daicho_rules::snapshot::Snapshot;
use daicho_rules::{Grade, Rule};
use daicho_store::{Actor, Waiver};

use super::tenant_scope;
use crate::settings::Settings;

#[derive(Subcommand, Debug)]
pub enum RuleCommand {
    /// 規則の一覧（団体の設定を反映） / list the tenant's rules
    List {
        #[arg(long)]
        tenant: String,
    },
    /// 規則の内容（ファイルそのもの） / show one rule's file
    Show {
        #[arg(long)]
        tenant: String,
        id: String,
    },
    /// 規則を無効化・区分変更・パラメータ変更する / switch off, regrade or re-parameterise a rule
    Set(SetArgs),
    /// 団体独自の規則ファイル（TOML）を追加する / add a rule of the tenant's own
    Add {
        #[arg(long)]
        tenant: String,
        file: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct SetArgs {
    #[arg(long)]
    pub tenant: String,
    pub id: String,
    /// 有効にする（true）・無効にする（false） / enable or disable
    #[arg(long)]
    pub enabled: Option<bool>,
    /// violation（指摘）または opinion（意見） / grade
    #[arg(long)]
    pub grade: Option<String>,
    /// パラメータ（名前=値、複数可） / parameter NAME=VALUE
    #[arg(long = "param")]
    pub params: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum WaiverCommand {
    /// 例外承認を記録する / record a waiver
    Add {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        rule: String,
        /// 対象（備品番号・契約番号・媒体番号・URL・所属コード） / subject
        #[arg(long)]
        subject: String,
        /// 理由 / justification
        #[arg(long)]
        justification: String,
        /// 承認者 / approver
        #[arg(long)]
        approver: String,
        /// 期限 / expiry date
        #[arg(long)]
        expires: String,
    },
    /// 例外承認の一覧 / list waivers
    List {
        #[arg(long)]
        tenant: String,
    },
}

fn actor() -> Actor {
    Actor::system("cli")
}

pub async fn run(settings: &Settings, command: RuleCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let result = run_on(&db, command).await;
    db.close().await;
    result
}

async fn run_on(db: &daicho_store::Db, command: RuleCommand) -> anyhow::Result<()> {
    match command {
        RuleCommand::List { tenant } => {
            let (_, scope) = tenant_scope(db, &tenant).await?;
            let set = tenant_rules(db, &scope).await?;
            println!("id\t有効\t区分\t根拠\t名称\tパラメータ");
            for r in set.rules {
                let params: Vec<String> =
                    r.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                println!(
                    "{}{}\t{}\t{}\t{}\t{}\t{}",
                    r.rule.id,
                    if r.own { "（団体）" } else { "" },
                    if r.enabled { "有効" } else { "無効" },
                    r.grade.label_ja(),
                    r.rule.clause,
                    r.rule.title,
                    params.join(" ")
                );
            }
        }
        RuleCommand::Show { tenant, id } => {
            let (_, scope) = tenant_scope(db, &tenant).await?;
            let own = db
                .tenant_rules(&scope)
                .await?
                .into_iter()
                .find(|r| r.rule_id == id);
            let text = match own {
                Some(r) => r.source,
                None => daicho_rules::builtin::FILES
                    .iter()
                    .find(|(name, _)| name.trim_end_matches(".toml") == id)
                    .map(|(_, t)| t.to_string())
                    .with_context(|| format!("規則 {id} はありません"))?,
            };
            print!("{text}");
        }
        RuleCommand::Set(a) => {
            let (_, scope) = tenant_scope(db, &a.tenant).await?;
            let set = tenant_rules(db, &scope).await?;
            let current = set
                .rules
                .iter()
                .find(|r| r.rule.id == a.id)
                .with_context(|| {
                    format!(
                        "規則 {} はありません（`daicho rule list` で一覧できます）",
                        a.id
                    )
                })?;
            let grade = match &a.grade {
                Some(g) => Some(Grade::parse(g).with_context(|| {
                    format!("区分「{g}」は violation（指摘）か opinion（意見）です")
                })?),
                None => None,
            };
            let mut params = serde_json::Map::new();
            for p in &a.params {
                let (k, v) = p
                    .split_once('=')
                    .with_context(|| format!("--param は 名前=値 で書いてください: {p}"))?;
                let value = current.rule.param_value(k, v).map_err(anyhow::Error::msg)?;
                params.insert(k.to_string(), value);
            }
            // Keep earlier changed parameters that this call does not touch.
            for (k, v) in &current.params {
                if current.rule.params.get(k) != Some(v) && !params.contains_key(k) {
                    params.insert(k.clone(), v.clone());
                }
            }
            let enabled = a.enabled.unwrap_or(current.enabled);
            let grade = grade.or((current.grade != current.rule.grade).then_some(current.grade));
            db.save_rule_setting(
                &scope,
                &actor(),
                &a.id,
                enabled,
                grade.map(Grade::code),
                &params,
            )
            .await?;
            println!(
                "{}: {}・{}",
                a.id,
                if enabled { "有効" } else { "無効" },
                grade.unwrap_or(current.rule.grade).label_ja()
            );
        }
        RuleCommand::Add { tenant, file } => {
            let (_, scope) = tenant_scope(db, &tenant).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("{} を読めません", file.display()))?;
            let rule = Rule::parse(&text, &file.display().to_string())?;
            if daicho_rules::builtin::rules()?
                .iter()
                .any(|b| b.id == rule.id)
            {
                anyhow::bail!(
                    "id {} は組み込みの規則と同じです。別の id にしてください",
                    rule.id
                );
            }
            validate(&rule, &Snapshot::empty()?)?;
            db.save_tenant_rule(&scope, &actor(), &rule.id, &text)
                .await?;
            println!("規則 {}（{}）を追加しました", rule.id, rule.title);
        }
    }
    Ok(())
}

pub async fn run_waiver(settings: &Settings, command: WaiverCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let result = async {
        match command {
            WaiverCommand::Add {
                tenant,
                rule,
                subject,
                justification,
                approver,
                expires,
            } => {
                let (_, scope) = tenant_scope(&db, &tenant).await?;
                if !tenant_rules(&db, &scope)
                    .await?
                    .rules
                    .iter()
                    .any(|r| r.rule.id == rule)
                {
                    anyhow::bail!("規則 {rule} はありません（`daicho rule list` で一覧できます）");
                }
                let expires_on = parse_date(&expires)
                    .with_context(|| format!("期限「{expires}」を日付として読めません"))?;
                db.save_waiver(
                    &scope,
                    &actor(),
                    &Waiver {
                        rule_id: rule.clone(),
                        subject: subject.clone(),
                        justification,
                        approved_by: approver,
                        expires_on,
                        recorded_by: String::new(),
                        recorded_at: String::new(),
                    },
                )
                .await?;
                println!("例外承認を記録しました: {rule} / {subject}（{expires_on} まで）");
            }
            WaiverCommand::List { tenant } => {
                let (_, scope) = tenant_scope(&db, &tenant).await?;
                println!("規則\t対象\t期限\t承認者\t理由");
                for w in db.waivers(&scope).await? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        w.rule_id, w.subject, w.expires_on, w.approved_by, w.justification
                    );
                }
            }
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}
