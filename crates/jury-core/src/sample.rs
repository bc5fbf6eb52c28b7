//! A realistic in-memory ballot, for tests, snapshots and benchmarks that need one without a file.

use crate::ballot::{BallotData, BallotInit};
use crate::model::{Judge, Work};

/// An in-memory ballot of `works` generated works on the 2023 rubric, for tests, snapshots
/// and benchmarks that need a realistic `BallotData` without a file.
pub fn sample_data(works: usize) -> BallotData {
    let contest =
        crate::data::contest_template("cq-2023-short-video").expect("shipped template is valid");
    let titles = [
        "稻田里的守望者",
        "Quantum Dots in a Chongqing Lab",
        "桥都匠心——山城桥梁里的科学家精神",
        "深夜实验室",
    ];
    let units = [
        "重庆市农业科学院",
        "Chongqing University",
        "重庆交通大学",
        "中国科学院重庆绿色智能技术研究院",
    ];
    let works = (0..works)
        .map(|i| {
            Work::numbered(
                i + 1,
                format!("{} {}", titles[i % titles.len()], i + 1),
                units[i % units.len()].to_string(),
            )
        })
        .collect();
    BallotData {
        ballot_id: "sample".into(),
        contest,
        judge: sample_judge(),
        works,
        media_dir: None,
        assignment_version: 0,
        sync_dir: None,
        scores: Default::default(),
        comments: Default::default(),
        recusals: Default::default(),
        progress: Default::default(),
        revision: 1,
        submitted: false,
        chain_head: crate::chain::genesis("sample"),
        round: None,
        disqualified: Default::default(),
    }
}

/// The judge of the demo and sample ballots.
pub fn sample_judge() -> Judge {
    Judge {
        id: "J01".into(),
        name: "演示评委".into(),
        unit: "重庆市科学技术协会".into(),
        district: "渝中区".into(),
    }
}

/// What the organizer would put in a new ballot of `works` sample works (assignment version 1,
/// no media or sync folder).
pub fn sample_init(works: usize, ballot_id: &str) -> BallotInit {
    let d = sample_data(works);
    BallotInit {
        ballot_id: ballot_id.into(),
        contest: d.contest,
        judge: d.judge,
        works: d.works,
        media_dir: None,
        assignment_version: 1,
        sync_dir: None,
    }
}
