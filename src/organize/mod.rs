//! Organizer tasks over the master store: import, probe, assign, issue, merge, sync.

pub mod cli;
pub mod import;
pub mod table;
