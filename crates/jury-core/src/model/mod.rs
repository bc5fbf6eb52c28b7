//! Pure domain types and rules: contest, rubric, works, judges, points. No I/O here except
//! parsing text that callers have already read.

pub mod contest;
pub mod datafile;
pub mod paperwork;
pub mod points;
pub mod round;
pub mod rubric;
pub mod work;

pub use contest::{Aggregation, AwardRules, Contest, MediaRules};
pub use datafile::DataError;
pub use points::Points;
pub use round::{Advance, Round};
pub use rubric::{Criterion, Group, Rubric};
pub use work::{work_number_order, Judge, ProbeFindings, ScoreStatus, Work};
