//! jury-core: the judging domain with no I/O — no files, no database, no terminal. Contest
//! rules and rubrics (as data), works and judges, the ballot's event type and how it changes a
//! ballot, the tally (aggregation, ranking, awards, statistics), the assignment engine, form
//! rows over an in-memory table, the results view-model with its disclosure rule, and the
//! display-width text helpers every table uses.
//!
//! Everything user-facing is typed data; the app turns it into words (zh-CN or en).

pub mod assign;
pub mod ballot;
pub mod calibration;
pub mod chain;
pub mod data;
pub mod deliberation;
pub mod forms;
pub mod intake;
pub mod key;
pub mod lang;
pub mod media_match;
pub mod model;
pub mod parallel;
pub mod records;
pub mod results;
pub mod room_record;
pub mod rounds;
pub mod sample;
pub mod showing;
pub mod signoff;
pub mod table;
pub mod tally;
pub mod text;

pub use lang::Lang;
