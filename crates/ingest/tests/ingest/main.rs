//! Importing what cities have, on a real database (SQLite, or PostgreSQL when
//! DAICHO_TEST_DATABASE_URL is set): single files in their many forms, and whole bundles.

mod bundle;
mod docs;
mod files;
mod forms;
mod properties;
mod roundtrip;
