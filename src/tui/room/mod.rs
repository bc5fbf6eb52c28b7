//! The room console (`jury room`): the works in showing order; `Enter` shows one on the
//! projector and publishes *now showing* to the judges; returned ballots are merged live and
//! the panel's standing on the work now showing is shown, with the spread once all scored.

pub mod run;
pub mod state;
pub mod view;

pub use run::{run_console, ConsoleOptions};
pub use state::{RoomApp, RoomData, RoomEffect};
