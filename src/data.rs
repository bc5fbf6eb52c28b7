//! Contest data shipped inside the binary, so `jury demo` and `jury init --template` work
//! from any folder. The files live in data/ and are the editable source.

use crate::model::{Contest, DataError, Rubric};

pub const CONTEST_2023: &str = include_str!("../data/contests/cq-2023-short-video.toml");
pub const CONTEST_MICRO: &str = include_str!("../data/contests/cq-micro-lecture.toml");
pub const RUBRIC_2023: &str = include_str!("../data/rubrics/cq-2023-short-video.toml");
pub const RUBRIC_MICRO: &str = include_str!("../data/rubrics/cq-micro-lecture.toml");

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

/// Demo works: (number, title, unit, district, clip file name, clip bytes).
pub struct DemoWork {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    pub district: &'static str,
    pub file: &'static str,
    pub bytes: &'static [u8],
}

pub const DEMO_WORKS: [DemoWork; 4] = [
    DemoWork {
        id: "001",
        title: "稻田里的守望者：袁隆平团队的一天",
        unit: "重庆市农业科学院",
        district: "九龙坡区",
        file: "001-rice.mp4",
        bytes: include_bytes!("../data/demo/media/001-rice.mp4"),
    },
    DemoWork {
        id: "002",
        title: "Quantum Dots in a Chongqing Lab",
        unit: "Chongqing University",
        district: "沙坪坝区",
        file: "002-quantum.mp4",
        bytes: include_bytes!("../data/demo/media/002-quantum.mp4"),
    },
    DemoWork {
        id: "003",
        title: "桥都匠心——山城桥梁里的科学家精神",
        unit: "重庆交通大学",
        district: "南岸区",
        file: "003-bridges.mp4",
        bytes: include_bytes!("../data/demo/media/003-bridges.mp4"),
    },
    DemoWork {
        id: "004",
        title: "深夜实验室：一位青年研究员的求实之路",
        unit: "中国科学院重庆绿色智能技术研究院",
        district: "北碚区",
        file: "004-night-lab.mp4",
        bytes: include_bytes!("../data/demo/media/004-night-lab.mp4"),
    },
];
