//! jury: judging panels for video competitions, from the terminal.
//!
//! The application crate: the command line (`cli`, one file per subcommand in `commands`),
//! the report renderers (`report`), both TUIs on one runtime (`tui`) and the i18n glue.
//! Dependencies point one way, and the compiler enforces it: this crate → `jury-store`,
//! `jury-media` → `jury-core`.

pub mod cli;
pub mod commands;
pub mod demo;
pub mod i18n;
pub mod report;
pub mod tui;

// Every user-facing string, zh-CN and en, from locales/*.yml (see `i18n`).
rust_i18n::i18n!("locales", fallback = "en");
