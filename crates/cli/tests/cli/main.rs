//! The `daicho` binary as an administrator uses it: clear Japanese messages and a
//! non-zero exit for bad input, and the first start that creates an administrator.

mod audit_items;
mod bench;
mod commands;
mod hardening;
mod identity;

use std::process::{Command, Output};

pub fn daicho(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daicho"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DAICHO_DATABASE_URL")
        .env("DAICHO_LOG", "warn")
        .output()
        .expect("run daicho")
}

/// Runs `daicho`, which must fail; returns what it said.
pub fn refused(dir: &std::path::Path, args: &[&str]) -> String {
    let out = daicho(dir, args);
    assert!(!out.status.success(), "{args:?} succeeded: {}", text(&out));
    text(&out)
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
