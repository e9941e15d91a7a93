//! `daicho department list|add|end`: the department tree and its reorganisations.

use crate::settings::Settings;
use clap::Subcommand;
use daicho_domain::{DepartmentLevel, parse_date};
use daicho_store::{Actor, NewDepartment};

#[derive(Subcommand, Debug)]
pub enum DepartmentCommand {
    /// 所属の一覧 / list departments
    List {
        #[arg(long)]
        tenant: String,
    },
    /// 所属を追加する / add a department
    Add {
        #[arg(long)]
        tenant: String,
        /// 所属コード / department code
        code: String,
        /// 所属名 / name
        name: String,
        /// 階層: bureau（部局）, section（課）, unit（係）
        #[arg(long, default_value = "section")]
        level: String,
        /// 上位所属コード / parent department code
        #[arg(long)]
        parent: Option<String>,
        /// 情報セキュリティ管理者（課所室長）の氏名 / manager's name
        #[arg(long)]
        manager: Option<String>,
    },
    /// 組織改編で所属を廃止する（資産と履歴は残る） / end a department in a reorganisation
    End {
        #[arg(long)]
        tenant: String,
        code: String,
        /// 廃止日（この日から存在しない） / the first day it no longer exists
        #[arg(long)]
        on: String,
        /// 後継所属コード / the department taking over its work
        #[arg(long)]
        successor: Option<String>,
    },
}

pub async fn run(settings: &Settings, command: DepartmentCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let actor = Actor::system("cli");
    match command {
        DepartmentCommand::List { tenant } => {
            let (_, scope) = super::tenant_scope(&db, &tenant).await?;
            let departments = db.departments(&scope).await?;
            println!("コード\t所属名\t階層\t上位\t廃止日");
            for d in &departments {
                let parent = d
                    .parent_id
                    .and_then(|p| departments.iter().find(|x| x.id == p))
                    .map(|p| p.code.as_str())
                    .unwrap_or("");
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    d.code,
                    d.name,
                    d.level.label_ja(),
                    parent,
                    d.valid_to.map(|t| t.to_string()).unwrap_or_default()
                );
            }
        }
        DepartmentCommand::Add {
            tenant,
            code,
            name,
            level,
            parent,
            manager,
        } => {
            let (_, scope) = super::tenant_scope(&db, &tenant).await?;
            let new = NewDepartment {
                code,
                name,
                level: DepartmentLevel::parse(&level)?,
                parent_code: parent,
                manager,
                valid_from: None,
            };
            let d = db.create_department(&scope, &actor, &new).await?;
            println!("所属 {} {} を追加しました", d.code, d.name);
        }
        DepartmentCommand::End {
            tenant,
            code,
            on,
            successor,
        } => {
            let (_, scope) = super::tenant_scope(&db, &tenant).await?;
            let on = parse_date(&on)?;
            let d = db
                .end_department(&scope, &actor, &code, on, successor.as_deref())
                .await?;
            println!("所属 {} {} を {on} で廃止しました", d.code, d.name);
        }
    }
    db.close().await;
    Ok(())
}
