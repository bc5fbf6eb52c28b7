//! The organizer's and the judge's subcommands: each reads its arguments, calls the store,
//! media and core crates, and prints what happened in the user's language.

pub mod assign;
pub mod calibration;
pub mod certificates;
pub mod cli;
pub mod compliance;
pub mod deliberate;
pub mod import;
pub mod issue;
pub mod media;
pub mod results;
pub mod room;
pub mod rounds;
pub mod rule;
pub mod sheets;
pub mod signoff;
pub mod sync_cmd;
pub mod watch;
pub mod words;
