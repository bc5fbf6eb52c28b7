//! Contest data shipped inside the binary, so `jury demo` and `jury init --template` work
//! from any folder. The files live in data/ and are the editable source.

use crate::model::{Contest, DataError, Rubric};

pub const CONTEST_2023: &str = include_str!("../../../data/contests/cq-2023-short-video.toml");
pub const CONTEST_MICRO: &str = include_str!("../../../data/contests/cq-micro-lecture.toml");
pub const RUBRIC_2023: &str = include_str!("../../../data/rubrics/cq-2023-short-video.toml");
pub const RUBRIC_MICRO: &str = include_str!("../../../data/rubrics/cq-micro-lecture.toml");
/// The README's two-round example (初评 → 终评), to append to a contest.toml.
pub const TWO_ROUNDS: &str = include_str!("../../../data/contests/two-rounds.toml");

/// Template names accepted by `jury init --template`.
pub const TEMPLATES: [&str; 2] = ["cq-2023-short-video", "cq-micro-lecture"];

/// The shipped rubric TOML text of that name.
pub fn rubric_text(name: &str) -> Option<&'static str> {
    match name {
        "cq-2023-short-video" => Some(RUBRIC_2023),
        "cq-micro-lecture" => Some(RUBRIC_MICRO),
        _ => None,
    }
}

pub fn contest_text(name: &str) -> Option<&'static str> {
    match name {
        "cq-2023-short-video" => Some(CONTEST_2023),
        "cq-micro-lecture" => Some(CONTEST_MICRO),
        _ => None,
    }
}

pub fn rubric(name: &str) -> Result<Rubric, DataError> {
    let file = format!("data/rubrics/{name}.toml");
    let text = rubric_text(name).ok_or_else(|| {
        DataError::unplaced(
            "rubric",
            format!(
                "no rubric file `{name}` next to contest.toml and no shipped rubric of that name (shipped: {}); restore the file or name a shipped one",
                TEMPLATES.join(", ")
            ),
        )
    })?;
    Rubric::from_toml(&file, text)
}

pub fn contest_template(name: &str) -> Result<Contest, DataError> {
    let file = format!("data/contests/{name}.toml");
    let text = contest_text(name).ok_or_else(|| {
        DataError::unplaced(
            "--template",
            format!("no template `{name}` (known: {})", TEMPLATES.join(", ")),
        )
    })?;
    Contest::from_toml(&file, text, rubric)
}
