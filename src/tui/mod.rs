//! The judge TUI: state + pure update (app), actions, keymap, views, and the event loop.

pub mod action;
pub mod app;
pub mod editor;
pub mod keymap;
pub mod run;
pub mod text;
pub mod view;

pub use action::{Action, Command};
pub use app::{App, Effect, Mode};
pub use keymap::{Keymap, Layer};
