//! The web UI end to end: in-process requests through the real router on a fresh
//! database (SQLite, or PostgreSQL when DAICHO_TEST_DATABASE_URL is set), and a real
//! headless Chromium for the main path. One test binary: every extra one is another link
//! on a two-core machine.

mod api;
mod app;
mod audits;
mod browser;
mod cycle;
mod directory;
mod disposals;
mod findings;
mod identity;
mod import;
mod inventory;
mod isolation;
mod ledgers;
mod pages;
mod public;
mod self_check;
mod stale;
mod stocktakes;
