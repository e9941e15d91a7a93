pub mod eol;
