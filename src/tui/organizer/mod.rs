//! The organizer TUI (`jury organize`): tabs for works (with compliance flags), judges (load,
//! conflicts, ballot version), the assignment matrix, and live sync of returned ballots.

pub mod loader;
pub mod run;
pub mod state;
pub mod view;

pub use run::run_organizer;
pub use state::{OrgApp, OrgData, Tab};
