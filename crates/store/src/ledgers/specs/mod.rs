//! The ledgers of the data bundle (`shared/design/bundle.md`), with the Japanese names of
//! the glossary. Keep in step with the schema.

use super::{Choices, Column, Engine, Kind, Ledger, Overlap};

const fn col(name: &'static str, label: &'static str, kind: Kind) -> Column {
    Column {
        name,
        db: name,
        label,
        aliases: &[],
        kind,
        required: false,
        hint: "",
        default: None,
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

const fn hint(column: Column, hint: &'static str) -> Column {
    Column { hint, ..column }
}

const fn default(column: Column, code: &'static str) -> Column {
    Column {
        default: Some(code),
        ..column
    }
}

const DEPARTMENT: Column = alias(
    db(col("department", "所属", Kind::Department), "department_id"),
    &["所属名", "課名", "課所室", "部署", "所管課"],
);
const DEPARTMENT_REQUIRED: Column = Column {
    required: true,
    ..DEPARTMENT
};

const SEGMENTS: Choices = daicho_domain::NetworkSegment::CHOICES;

mod assets;
mod finance;
mod governance;
mod media;
mod organisation;
mod pdca;
mod stocktake;

pub use assets::ASSETS;
pub use organisation::DEPARTMENTS;

/// Every ledger, in the order a bundle is imported (referenced ones first).
pub static LEDGERS: &[Ledger] = &[
    organisation::DEPARTMENTS,
    organisation::LOCATIONS,
    organisation::STAFF,
    ASSETS,
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
    stocktake::INVENTORY,
    pdca::TRAINING_COURSES,
    pdca::TRAINING,
    pdca::TRAINING_COUNTS,
    pdca::SELF_CHECK_CAMPAIGNS,
    pdca::SELF_CHECK_QUESTIONS,
    pdca::SELF_CHECK_ANSWERS,
    pdca::SELF_CHECK_RESULTS,
    pdca::AUDITS,
    pdca::AUDIT_VISITS,
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
