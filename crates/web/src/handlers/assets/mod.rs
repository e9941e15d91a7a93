//! The asset ledger pages: the filtered list, one asset with its history, and the form
//! that creates or changes one.

pub mod form;
pub mod labels;
pub mod list;
pub mod show;
