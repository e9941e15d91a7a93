//! The built-in rule pack: one file per rule in `crates/rules/rules/`, compiled in.
//! (A test checks that every file there is listed here.)

use crate::rule::{Rule, RuleError};

macro_rules! rule_files {
    ($($name:literal),+ $(,)?) => {
        /// (file name, text) of every built-in rule.
        pub const FILES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../rules/", $name)))),+];
    };
}

rule_files!(
    "aging-storage.toml",
    "antivirus-builtin-only.toml",
    "antivirus-missing.toml",
    "asset-tag-missing.toml",
    "audit-coverage-gap.toml",
    "audit-results-unpublished.toml",
    "cost-overrun.toml",
    "discretionary-maintenance.toml",
    "entry-log-missing.toml",
    "eol-software.toml",
    "eol-upcoming.toml",
    "follow-up-missing.toml",
    "ghost-ledger-entry.toml",
    "inventory-unregistered.toml",
    "inventory-unseen.toml",
    "legacy-media.toml",
    "media-movement-incomplete.toml",
    "media-unencrypted-transfer.toml",
    "media-unregistered.toml",
    "missing-asset.toml",
    "password-note.toml",
    "policy-publication-breach.toml",
    "policy-unpublished.toml",
    "private-device-long-term.toml",
    "private-device-unapproved.toml",
    "procurement-record-missing.toml",
    "proposal-without-it-expert.toml",
    "retention-overdue.toml",
    "retired-not-disposed.toml",
    "segment-violation.toml",
    "self-check-weak-area.toml",
    "sensitive-file-unprotected.toml",
    "single-bidder.toml",
    "stocktake-overdue.toml",
    "subcontract-unassessed.toml",
    "system-out-of-service.toml",
    "training-coverage-low.toml",
    "underused-device.toml",
    "unregistered-asset.toml",
    "unused-asset.toml",
    "website-no-https.toml",
    "wire-lock-missing.toml",
);

/// Every built-in rule, parsed once per process (screens ask for them on each request).
pub fn rules() -> Result<Vec<Rule>, RuleError> {
    static PARSED: std::sync::OnceLock<Result<Vec<Rule>, RuleError>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            FILES
                .iter()
                .map(|(name, text)| Rule::parse(text, name))
                .collect()
        })
        .clone()
}
