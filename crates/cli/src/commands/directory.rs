//! `daicho directory set|show|test`: a tenant's directory (Active Directory, OpenLDAP),
//! where its people log in with their directory password.

use crate::settings::Settings;
use anyhow::Context;
use clap::Subcommand;
use daicho_domain::Role;
use daicho_store::{Actor, Directory};
use std::io::BufRead;

// Parsed once per run: the size of one variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum DirectoryCommand {
    /// ディレクトリを設定する（置き換え） / set a tenant's directory
    Set {
        #[arg(long)]
        tenant: String,
        /// ldap://host:389 または ldaps://host:636
        #[arg(long)]
        url: String,
        /// ldap:// を StartTLS で暗号化する / upgrade ldap:// with StartTLS
        #[arg(long)]
        starttls: bool,
        /// 検索用アカウントの DN（パスワードは標準入力の1行から） / service account DN
        /// (its password is read from one line of standard input)
        #[arg(long)]
        bind_dn: Option<String>,
        /// 検索用アカウントを使わず本人として接続する DN・UPN の形 / the DN or UPN a person
        /// binds as: uid={username},ou=people,dc=… or {username}@city.local
        #[arg(long)]
        user_pattern: Option<String>,
        /// 検索の起点 / search base
        #[arg(long)]
        base: String,
        /// 利用者を探す条件 / how a person is found
        #[arg(long, default_value = "(sAMAccountName={username})")]
        filter: String,
        /// 職員番号の属性 / the attribute holding the staff number
        #[arg(long, default_value = "employeeID")]
        staff_attribute: String,
        /// 表示名の属性 / the attribute holding the name shown
        #[arg(long, default_value = "displayName")]
        name_attribute: String,
        /// グループと役割（複数可）: 役割=グループDN / role=group DN (repeatable), e.g.
        /// policy=CN=daicho-policy,OU=Groups,DC=city,DC=local
        #[arg(long = "group")]
        groups: Vec<String>,
        /// どのグループにも属さない人の役割（なしならログイン不可） / the role of a person in
        /// no group (none: they may not log in)
        #[arg(long)]
        default_role: Option<String>,
        /// 複数団体のとき、name@domain でこの団体にログインする / where several tenants
        /// have directories, name@domain logs in at this one
        #[arg(long)]
        domain: Option<String>,
        /// ディレクトリの証明書を発行した認証局の証明書（PEM）。なければ OS の信頼する認証局
        /// / the certificate authority (PEM file) the directory's certificate is checked
        /// against; without it, the system's
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
    },
    /// ディレクトリの設定を削除する / remove a tenant's directory
    Remove {
        #[arg(long)]
        tenant: String,
    },
    /// 設定を表示する（パスワードは表示しない） / show the settings (not the password)
    Show {
        #[arg(long)]
        tenant: String,
    },
    /// 利用者を探して設定を確かめる（パスワードは標準入力から） / find a person to check the
    /// settings (their password from standard input)
    Test {
        #[arg(long)]
        tenant: String,
        username: String,
    },
}

fn stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("標準入力からパスワードを読めません")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(settings: &Settings, command: DirectoryCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    match command {
        DirectoryCommand::Set {
            tenant,
            url,
            starttls,
            bind_dn,
            user_pattern,
            base,
            filter,
            staff_attribute,
            name_attribute,
            groups,
            default_role,
            domain,
            ca_file,
        } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            let ca_certificate = match ca_file {
                Some(path) => {
                    let pem = std::fs::read_to_string(&path).with_context(|| {
                        format!("認証局の証明書 {} を読めません", path.display())
                    })?;
                    daicho_directory::trusting(&pem)
                        .map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?;
                    Some(pem)
                }
                None => None,
            };
            let bind_password = match &bind_dn {
                Some(_) => Some(stdin_line()?),
                None => None,
            };
            let group_roles = groups
                .iter()
                .map(|g| {
                    let (role, dn) = g.split_once('=').with_context(|| {
                        format!("--group は 役割=グループDN の形で指定してください: {g}")
                    })?;
                    Ok((dn.to_string(), Role::parse(role)?))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let default_role = default_role.as_deref().map(Role::parse).transpose()?;
            db.set_directory(
                &Actor::system("cli"),
                &Directory {
                    tenant_id: tenant.id,
                    url,
                    starttls,
                    bind_dn,
                    bind_password,
                    user_pattern,
                    search_base: base,
                    user_filter: filter,
                    staff_attribute: Some(staff_attribute).filter(|a| !a.is_empty()),
                    name_attribute: Some(name_attribute).filter(|a| !a.is_empty()),
                    group_roles,
                    default_role,
                    login_domain: domain,
                    ca_certificate,
                },
            )
            .await?;
            println!(
                "団体 {} {} のディレクトリを設定しました",
                tenant.code, tenant.name
            );
        }
        DirectoryCommand::Show { tenant } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            match db.directory(tenant.id).await? {
                None => println!("団体 {} にディレクトリの設定はありません", tenant.code),
                Some(d) => {
                    println!(
                        "URL\t{}{}",
                        d.url,
                        if d.starttls { "（StartTLS）" } else { "" }
                    );
                    println!("検索用アカウント\t{}", d.bind_dn.unwrap_or_default());
                    println!("本人の DN・UPN\t{}", d.user_pattern.unwrap_or_default());
                    println!("検索の起点\t{}", d.search_base);
                    println!("条件\t{}", d.user_filter);
                    println!("職員番号の属性\t{}", d.staff_attribute.unwrap_or_default());
                    for (dn, role) in d.group_roles {
                        println!("グループ\t{}\t{dn}", role.label_ja());
                    }
                    println!(
                        "グループのない人\t{}",
                        d.default_role.map_or("ログイン不可", |r| r.label_ja())
                    );
                    println!(
                        "認証局の証明書\t{}",
                        if d.ca_certificate.is_some() {
                            "設定あり"
                        } else {
                            "OS の信頼する認証局"
                        }
                    );
                }
            }
        }
        DirectoryCommand::Remove { tenant } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            if db
                .remove_directory(&Actor::system("cli"), tenant.id)
                .await?
            {
                println!(
                    "団体 {} {} のディレクトリの設定を削除しました（ディレクトリのアカウントはログインできなくなります）",
                    tenant.code, tenant.name
                );
            } else {
                println!("団体 {} にディレクトリの設定はありません", tenant.code);
            }
        }
        DirectoryCommand::Test { tenant, username } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            let directory = db.directory(tenant.id).await?.with_context(|| {
                format!("団体 {} にディレクトリの設定はありません", tenant.code)
            })?;
            let password = stdin_line()?;
            match daicho_directory::check(&directory, &username, &password).await {
                Ok(found) => println!("{found}"),
                Err(why) => anyhow::bail!(why),
            }
        }
    }
    db.close().await;
    Ok(())
}
