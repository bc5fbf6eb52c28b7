//! jury: judging panels for video competitions, from the terminal.
//!
//! Layering (dependencies point one way): `tui`, `organize`, `report` → `tally`, `store`,
//! `media` → `model`. `model` and `tally` do no I/O.

pub mod cli;
pub mod data;
pub mod demo;
pub mod guard;
pub mod i18n;
pub mod media;
pub mod model;
pub mod organize;
pub mod parallel;
pub mod report;
pub mod store;
pub mod tally;
pub mod tui;
