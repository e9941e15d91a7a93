//! `daicho user add|passwd|list|disable`

use crate::settings::Settings;
use anyhow::{Context, bail};
use clap::Subcommand;
use daicho_domain::Role;
use daicho_store::{NewUser, Scope};
use std::io::BufRead;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// ユーザーを追加する（パスワードは自動生成して表示） / add a user; a password is generated and printed
    Add {
        /// ユーザー名 / user name
        username: String,
        /// 団体コード / tenant code
        #[arg(long)]
        tenant: String,
        /// 役割: admin, policy, manager, auditor, viewer
        #[arg(long)]
        role: String,
        /// 担当所属コード（manager のみ、複数可） / department codes a manager answers for
        #[arg(long = "department")]
        departments: Vec<String>,
        /// 表示名 / display name
        #[arg(long)]
        name: Option<String>,
        /// パスワードを標準入力の1行から読む / read the password from one line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// パスワードを変更する / set a new password
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// ユーザーの一覧 / list users
    List {
        #[arg(long)]
        tenant: Option<String>,
    },
    /// ユーザーを無効にする / disable a user
    Disable { username: String },
}

fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("標準入力からパスワードを読めません")?;
        Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        Ok((daicho_store::random_password()?, true))
    }
}

pub async fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    match command {
        UserCommand::Add {
            username,
            tenant,
            role,
            departments,
            name,
            password_stdin,
        } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            let role = Role::parse(&role)?;
            if role != Role::Manager && !departments.is_empty() {
                bail!("--department は manager（情報セキュリティ管理者）にだけ指定できます");
            }
            if role == Role::Manager && departments.is_empty() {
                bail!("manager には担当所属を --department で1つ以上指定してください");
            }
            let scope = Scope::tenant(tenant.id);
            let mut ids = Vec::new();
            for d in &departments {
                ids.push(
                    db.department_by_code(&scope, d)
                        .await?
                        .with_context(|| format!("所属コード {d} は {} にありません", tenant.name))?
                        .id,
                );
            }
            let (password, generated) = password(password_stdin)?;
            let user = db
                .create_user(&NewUser {
                    tenant_id: tenant.id,
                    display_name: name.unwrap_or_else(|| username.clone()),
                    username,
                    role,
                    password: password.clone(),
                    departments: ids,
                    must_change_password: generated,
                })
                .await?;
            println!(
                "ユーザー {}（{}、{}）を追加しました",
                user.username,
                role.label_ja(),
                tenant.name
            );
            if generated {
                println!("初期パスワード: {password}");
                println!(
                    "（この表示は一度きりです。安全な方法で本人に伝えてください。初回ログイン時に変更を求めます）"
                );
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let (password, generated) = password(password_stdin)?;
            db.set_password(&username, &password, generated).await?;
            println!(
                "{username} のパスワードを変更しました（ログイン中のセッションは終了しました）"
            );
            if generated {
                println!("新しいパスワード: {password}");
            }
        }
        UserCommand::List { tenant } => {
            let tenant_id = match tenant {
                Some(code) => Some(super::tenant_scope(&db, &code).await?.0.id),
                None => None,
            };
            println!("ユーザー名\t表示名\t役割\t団体\t状態");
            for u in db.users(tenant_id).await? {
                let tenant = db.tenant(u.tenant_id).await?;
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role.code(),
                    tenant.code,
                    if u.disabled { "無効" } else { "有効" }
                );
            }
        }
        UserCommand::Disable { username } => {
            db.disable_user(&username).await?;
            println!("{username} を無効にしました");
        }
    }
    db.close().await;
    Ok(())
}
