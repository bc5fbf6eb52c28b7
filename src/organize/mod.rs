//! Organizer tasks over the master store: import, probe, assign, issue, merge, sync.

pub mod assign;
pub mod assign_cmd;
pub mod cli;
pub mod compliance;
pub mod folder;
pub mod import;
pub mod ingest;
pub mod issue;
pub mod merge;
pub mod results;
pub mod sync_cmd;
pub mod table;
#[doc(hidden)]
pub mod testkit;
