//! The judge TUI: state + pure update (app), actions, keymap, views, and the event loop;
//! the organizer TUI in `organizer` and the room console in `room`, built from the same keymap
//! system.

pub mod action;
pub mod app;
pub mod editor;
pub mod follow;
pub mod help;
pub mod keymap;
pub mod organizer;
pub mod room;
pub mod run;
pub mod runtime;
pub mod signoff_view;
pub mod sync;
pub mod text;
pub mod view;

pub use action::{Action, Command};
pub use app::{App, Effect, Mode};
pub use keymap::{Keymap, Layer};
