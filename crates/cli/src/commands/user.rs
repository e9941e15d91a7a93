//! `daicho user add|passwd|list|disable|sync|setup-code|reset-two-factors`

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
        /// 役割: admin, policy, manager, auditor, viewer, staff
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
    /// 職員台帳から職員アカウントを作る（初回登録のご案内を HTML に書き出す） / make staff
    /// accounts from the staff ledger and write their setup sheet
    Sync {
        /// 団体コード / tenant code
        #[arg(long)]
        tenant: String,
        /// 初回登録のご案内の書き出し先（HTML、本人以外に見せない） / where the setup sheet goes
        #[arg(long)]
        sheet: Option<std::path::PathBuf>,
        /// 職員が開く daicho のアドレス（QR コードにする） / daicho's address as staff reach it
        #[arg(long)]
        url: Option<String>,
        /// ユーザー名の接頭辞（複数の団体で職員番号が重なるとき） / user name prefix
        #[arg(long, default_value = "")]
        prefix: String,
        /// 登録コードの有効日数 / days a setup code stays valid
        #[arg(long, default_value_t = daicho_store::SETUP_DAYS)]
        days: i64,
    },
    /// 登録コードを発行し直す（パスワードは使えなくなる） / issue a new setup code
    SetupCode {
        username: String,
        #[arg(long)]
        sheet: Option<std::path::PathBuf>,
        #[arg(long)]
        url: Option<String>,
    },
    /// 二要素認証を解除する（スマートフォンと回復コードをなくしたとき） / take the second
    /// factor off an account
    ResetTwoFactors { username: String },
}

/// Writes the setup sheet owner-only, or says the codes on the terminal when no file is
/// named.
fn write_sheet(
    tenant: &str,
    slips: &[daicho_store::SetupSlip],
    notes: &[String],
    sheet: Option<&std::path::Path>,
    url: Option<&str>,
) -> anyhow::Result<()> {
    use std::io::Write;
    match sheet {
        Some(path) => {
            let html = daicho_reports::setup_sheet::html(
                tenant,
                slips,
                notes,
                url,
                daicho_reports::setup_sheet::SheetPlace {
                    stylesheet: None,
                    back: None,
                },
            )?;
            let mut file = daicho_store::private::create(path)
                .with_context(|| format!("{} に書き出せません", path.display()))?;
            file.write_all(html.as_bytes())?;
            println!(
                "初回登録のご案内（{}人分）を {} に書き出しました（本人以外に見せないでください）",
                slips.len(),
                path.display()
            );
        }
        None => {
            println!("ユーザー名\t氏名\t所属\t登録コード\t有効期限");
            for s in slips {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.username, s.display_name, s.department_name, s.code, s.expires_on
                );
            }
        }
    }
    Ok(())
}

async fn user_named(db: &daicho_store::Db, username: &str) -> anyhow::Result<daicho_store::User> {
    db.users(None)
        .await?
        .into_iter()
        .find(|u| u.username == username)
        .with_context(|| format!("ユーザー「{username}」はいません"))
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
        UserCommand::Sync {
            tenant,
            sheet,
            url,
            prefix,
            days,
        } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            let done = db.sync_staff_accounts(tenant.id, &prefix, days).await?;
            if done.by_directory {
                println!(
                    "この団体はディレクトリのパスワードでログインします。登録コードは発行しません。\
                     まだログインしていない職員 {}人（初めてのログインでアカウントが作られます）、ログイン済み {}人",
                    done.awaiting_login, done.kept
                );
            } else {
                println!(
                    "職員アカウント: 新規 {}人、作成済み {}人、無効にした {}人",
                    done.created.len(),
                    done.kept,
                    done.disabled.len()
                );
            }
            for name in &done.disabled {
                println!("無効にした（職員台帳にいない）: {name}");
            }
            for name in &done.conflicts {
                println!(
                    "作れなかった（ユーザー名 {name} はほかのアカウントが使用中。--prefix で区別できます）"
                );
            }
            if !done.created.is_empty() {
                write_sheet(
                    &tenant.name,
                    &done.created,
                    &[],
                    sheet.as_deref(),
                    url.as_deref(),
                )?;
            }
        }
        UserCommand::SetupCode {
            username,
            sheet,
            url,
        } => {
            let user = user_named(&db, &username).await?;
            let tenant = db.tenant(user.tenant_id).await?;
            let slip = db.issue_setup_code(&user, daicho_store::SETUP_DAYS).await?;
            println!("{username} の登録コードを発行しました（それまでのパスワードは使えません）");
            write_sheet(&tenant.name, &[slip], &[], sheet.as_deref(), url.as_deref())?;
        }
        UserCommand::ResetTwoFactors { username } => {
            let user = user_named(&db, &username).await?;
            db.reset_two_factors(&user).await?;
            println!(
                "{username} の二要素認証を解除しました（ログイン中のセッションは終了しました）"
            );
        }
    }
    db.close().await;
    Ok(())
}
