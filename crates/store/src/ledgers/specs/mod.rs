//! The ledgers of the data bundle (`shared/design/bundle.md`), with the Japanese names of
//! the glossary. Keep in step with the schema.

use super::{Column, Kind, Ledger};

const fn col(name: &'static str, label: &'static str, kind: Kind) -> Column {
    Column {
        name,
        db: name,
        label,
        aliases: &[],
        kind,
        required: false,
    }
}

const fn req(name: &'static str, label: &'static str, kind: Kind) -> Column {
    Column {
        required: true,
        ..col(name, label, kind)
    }
}

const fn alias(column: Column, aliases: &'static [&'static str]) -> Column {
    Column { aliases, ..column }
}

const fn db(column: Column, db: &'static str) -> Column {
    Column { db, ..column }
}

const DEPARTMENT: Column = alias(
    db(col("department", "所属", Kind::Department), "department_id"),
    &["所属名", "課名", "課所室", "部署", "所管課"],
);
const DEPARTMENT_REQUIRED: Column = Column {
    required: true,
    ..DEPARTMENT
};

const SEGMENTS: &[&str] = &[
    "my_number=マイナンバー利用事務系",
    "lgwan=LGWAN接続系",
    "internet=インターネット接続系",
    "standalone=スタンドアロン",
    "school=教育ネットワーク",
    "control=制御系",
];

mod finance;
mod governance;
mod media;
mod organisation;
mod pdca;
mod stocktake;

/// Every ledger but assets, in the order a bundle is imported (referenced ones first).
pub static LEDGERS: &[Ledger] = &[
    organisation::DEPARTMENTS,
    organisation::LOCATIONS,
    organisation::STAFF,
    media::MEDIA,
    media::MEDIA_MOVEMENTS,
    governance::SYSTEMS,
    governance::CONTRACTS,
    governance::DATA_HOLDINGS,
    governance::WEBSITES,
    governance::POLICIES,
    governance::EXCEPTIONS,
    stocktake::STOCKTAKES,
    stocktake::SIGHTINGS,
    stocktake::OBSERVATIONS,
    pdca::TRAINING_COURSES,
    pdca::TRAINING,
    pdca::TRAINING_COUNTS,
    pdca::SELF_CHECK_CAMPAIGNS,
    pdca::SELF_CHECK_QUESTIONS,
    pdca::SELF_CHECK_ANSWERS,
    pdca::SELF_CHECK_RESULTS,
    pdca::AUDITS,
    pdca::AUDIT_FINDINGS,
    finance::EXPENDITURES,
    finance::GENERAL_ACCOUNT,
];

/// The ledger a file or sheet name stands for (`contracts.csv`, `契約台帳`), if any.
pub fn ledger(name: &str) -> Option<&'static Ledger> {
    let name = name.trim().to_lowercase();
    LEDGERS
        .iter()
        .find(|l| l.name == name || l.label == name || l.aliases.contains(&name.as_str()))
}
