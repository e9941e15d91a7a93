//! The store against a real database: a temporary SQLite file, or PostgreSQL when
//! DAICHO_TEST_DATABASE_URL is set (CI runs both).

mod accounts;
mod audits;
mod chain;
mod database;
mod departments;
mod disposals;
mod fixture;
mod horizontal;
mod identity;
mod keys;
mod ledger;
mod measures;
mod plans;
mod search;
mod staged;
mod stocktakes;
mod surveys;
