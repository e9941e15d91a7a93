//! One file per resource (or per action where a resource has several), each holding its
//! handlers and the view they render.

pub mod account;
pub mod assets;
pub mod audit;
pub mod dashboard;
pub mod departments;
pub mod directory;
pub mod disposals;
pub mod findings;
pub mod import;
pub mod inventory;
pub mod ledger_form;
pub mod ledgers;
pub mod login;
pub mod media;
pub mod my;
pub mod public;
pub mod publication;
pub mod rules;
pub mod self_check;
pub mod static_files;
pub mod stocktakes;
pub mod training;
pub mod two_factor;
pub mod users;
pub mod welcome;
