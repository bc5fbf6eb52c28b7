//! Contest definition (contest.toml): everything that differs between calls for entries is
//! data here, never code.

use serde::{Deserialize, Serialize};

use super::datafile::DataError;
use super::paperwork::{CertificateSpec, OrganizationAward, PanelInfo, RestRule};
use super::points::Points;
use super::round::{RawRound, Round};
use super::rubric::Rubric;
use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contest {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub rubric: Rubric,
    pub language: Lang,
    pub judges_per_work: u32,
    /// Warn (never block) when a judge scores a work after watching less than this share.
    pub min_watch_percent: u32,
    pub tie_break: Vec<TieBreak>,
    pub media: MediaRules,
    pub awards: AwardRules,
    pub aggregation: Aggregation,
    pub quotas: Quotas,
    /// `[[rounds]]`; empty: one implicit round (see [`crate::model::round`]).
    #[serde(default)]
    pub rounds: Vec<Round>,
    /// Blind judging: ballots carry nothing that identifies a work's origin.
    #[serde(default)]
    pub blind: bool,
    /// 主办单位, as the call names them (certificates' issuers, one seal box each).
    #[serde(default)]
    pub organisers: Vec<String>,
    /// `[panel]`: chair, review date and place of the signed summary.
    #[serde(default)]
    pub panel: PanelInfo,
    /// `[certificate]`: wording, issuers, date and numbering of the 获奖证书.
    #[serde(default)]
    pub certificate: CertificateSpec,
    /// `[calibration]`: works every judge scores first, to see their offset from the panel.
    #[serde(default)]
    pub calibration: Calibration,
    /// `[deliberation]`: what `jury deliberate` calls near a cut-off.
    #[serde(default)]
    pub deliberation: Deliberation,
    /// `[room]`: the showing order the organizer sets for the room console. Left out of the
    /// JSON when empty, so contests stored in ballots before it existed read the same.
    #[serde(default, skip_serializing_if = "RoomOrder::is_empty")]
    pub room: RoomOrder,
}

/// `[room] order = ["012", "003", …]`: the works the room console lists (and shows) first,
/// after the calibration works; every other work follows by number
/// ([`RoomOrder::showing_order`]). Whether each id is a work of the contest is known only
/// with the works (the master): [`RoomOrder::unknown`] tells the console which is not.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomOrder {
    /// Work ids in the order the room shows them.
    #[serde(default)]
    pub order: Vec<String>,
}

impl RoomOrder {
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The first id of the order that is not among `works` (the contest's work ids).
    pub fn unknown<'a>(&'a self, works: &[&str]) -> Option<&'a str> {
        self.order
            .iter()
            .map(String::as_str)
            .find(|id| !works.contains(id))
    }

    /// The showing order of `works` (ids): the calibration works first (every judge scores
    /// them first), in their listed order; then this order; then every other work by number
    /// ([`super::work_number_order`]). Each work once; ids of either list that are not among
    /// `works` are passed over. Returns indices into `works`.
    pub fn showing_order(&self, calibration: &Calibration, works: &[&str]) -> Vec<usize> {
        let mut placed = vec![false; works.len()];
        let mut out = Vec::with_capacity(works.len());
        for id in calibration.works.iter().chain(&self.order) {
            if let Some(i) = works.iter().position(|w| w == id) {
                if !placed[i] {
                    placed[i] = true;
                    out.push(i);
                }
            }
        }
        let mut rest: Vec<usize> = (0..works.len()).filter(|&i| !placed[i]).collect();
        rest.sort_by(|&a, &b| super::work_number_order(works[a], works[b]));
        out.extend(rest);
        out
    }
}

/// `[calibration]`: anchor works every judge scores before the real ones; once all have,
/// each judge sees their offset from the panel's median per rubric group
/// ([`crate::calibration`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Work ids of the calibration round (e.g. `["001", "002"]`).
    #[serde(default)]
    pub works: Vec<String>,
    /// Whether calibration works are ranked and awarded like the others (a data choice;
    /// default: they are left out of the results).
    #[serde(default)]
    pub count_in_results: bool,
}

impl Calibration {
    pub fn is_calibration(&self, work: &str) -> bool {
        self.works.iter().any(|w| w == work)
    }

    /// The work is a calibration work the results leave out.
    pub fn excludes(&self, work: &str) -> bool {
        !self.count_in_results && self.is_calibration(work)
    }
}

/// `[deliberation]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deliberation {
    /// A work whose score is within this many points of a tier boundary is near a cut-off
    /// (contest.toml `near_cutoff = 2.0`; default 2 points).
    pub near_cutoff: Points,
}

impl Default for Deliberation {
    fn default() -> Deliberation {
        Deliberation {
            near_cutoff: Points::whole(2),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDeliberation {
    near_cutoff: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Higher subtotal of a rubric group wins.
    Group(String),
    /// Higher mean score on one criterion wins.
    Criterion(String),
    /// More judge totals at the top of the scale (HotCRP's Minshall counts).
    TopScores,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaRules {
    /// Lower-case container names, e.g. "mp4".
    #[serde(default)]
    pub containers: Vec<String>,
    pub min_duration_s: Option<u32>,
    pub max_duration_s: Option<u32>,
    pub max_size_mb: Option<u64>,
    /// "1920x1080" strings; empty = any.
    #[serde(default)]
    pub resolutions: Vec<String>,
    /// "16:9"; none = any.
    pub aspect: Option<String>,
    #[serde(default)]
    pub aspect_tolerance_percent: f64,
    /// The call asks for sound (both Chongqing calls do: 配音/解说): a clip without an audio
    /// track breaks the rules. When false, a silent clip is only reported as advisory.
    #[serde(default)]
    pub require_audio: bool,
}

impl MediaRules {
    /// Allowed resolutions as (width, height).
    pub fn resolution_pairs(&self) -> Vec<(u32, u32)> {
        self.resolutions
            .iter()
            .filter_map(|r| parse_pair(r, 'x'))
            .collect()
    }

    pub fn aspect_pair(&self) -> Option<(u32, u32)> {
        self.aspect.as_deref().and_then(|a| parse_pair(a, ':'))
    }
}

fn parse_pair(text: &str, sep: char) -> Option<(u32, u32)> {
    let (a, b) = text.split_once(sep)?;
    let a = a.trim().parse().ok()?;
    let b = b.trim().parse().ok()?;
    (a > 0 && b > 0).then_some((a, b))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardTier {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub share_percent: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    Floor,
    Ceil,
    Nearest,
}

/// What to do when tied works straddle a tier boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryTies {
    Up,
    Down,
    Flag,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRules {
    pub rounding: Rounding,
    pub boundary_ties: BoundaryTies,
    pub rest_zh: String,
    pub rest_en: String,
    #[serde(default)]
    pub tiers: Vec<AwardTier>,
    /// Who after the tiers gets the rest label (default: every ranked work).
    #[serde(default)]
    pub rest: RestRule,
    /// 优秀组织奖, when the call awards one.
    #[serde(default)]
    pub organization: Option<OrganizationAward>,
    /// What tier shares are of in a contest with rounds: the finalists, or all entries.
    #[serde(default)]
    pub base: AwardBase,
}

/// `[awards] base`: tier shares of the last round's ranked works (`final`), or of every
/// eligible entry of the first round (`all`; the tiers then stop at the finalists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardBase {
    #[default]
    Final,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregationMethod {
    Mean,
    TrimmedMean,
    Zscore,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregation {
    pub method: AggregationMethod,
    #[serde(default = "five")]
    pub trim_min_judges: u32,
}

fn five() -> u32 {
    5
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quotas {
    pub max_works_per_unit: Option<u32>,
    #[serde(default)]
    pub districts: Vec<DistrictQuota>,
}

/// `names = ["*"]` matches every district not named in an earlier quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictQuota {
    pub names: Vec<String>,
    pub min: u32,
    pub max: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContest {
    id: String,
    title_zh: String,
    title_en: String,
    rubric: String,
    #[serde(default = "zh")]
    language: Lang,
    judges_per_work: u32,
    #[serde(default)]
    min_watch_percent: u32,
    #[serde(default)]
    tie_break: Vec<String>,
    #[serde(default)]
    media: MediaRules,
    awards: AwardRules,
    aggregation: Aggregation,
    #[serde(default)]
    quotas: Quotas,
    #[serde(default)]
    rounds: Vec<RawRound>,
    #[serde(default)]
    blind: bool,
    #[serde(default)]
    organisers: Vec<String>,
    #[serde(default)]
    panel: PanelInfo,
    #[serde(default)]
    certificate: CertificateSpec,
    #[serde(default)]
    calibration: Calibration,
    #[serde(default)]
    deliberation: RawDeliberation,
    #[serde(default)]
    room: RoomOrder,
}

fn zh() -> Lang {
    Lang::Zh
}

crate::bilingual! {
    Contest { title: title_zh / title_en }
    AwardTier { label: label_zh / label_en }
    AwardRules { rest_label: rest_zh / rest_en }
}

impl Contest {
    /// Parses contest.toml; `load_rubric` resolves its `rubric = "…"` reference.
    pub fn from_toml(
        file: &str,
        text: &str,
        mut load_rubric: impl FnMut(&str) -> Result<Rubric, DataError>,
    ) -> Result<Contest, DataError> {
        let raw: RawContest =
            toml::from_str(text).map_err(|e| DataError::from_toml(file, text, &e))?;
        let at = |needle: &str, field: &str, message: String| {
            DataError::at_text(file, text, needle, field, message)
        };
        let rubric = load_rubric(&raw.rubric).map_err(|e| {
            if e.is_unplaced() {
                at(&format!("\"{}\"", raw.rubric), "rubric", e.message)
            } else {
                e
            }
        })?;
        if raw.judges_per_work == 0 {
            return Err(at(
                "judges_per_work",
                "judges_per_work",
                "must be at least 1".into(),
            ));
        }
        if raw.min_watch_percent > 100 {
            return Err(at(
                "min_watch_percent",
                "min_watch_percent",
                "a percentage from 0 to 100".into(),
            ));
        }
        let mut tie_break = Vec::new();
        for item in &raw.tie_break {
            let parsed = if item == "top_scores" {
                TieBreak::TopScores
            } else if let Some(g) = item.strip_prefix("group:") {
                if !rubric.groups.iter().any(|x| x.id == g) {
                    return Err(at(
                        &format!("\"{item}\""),
                        "tie_break",
                        format!(
                            "no rubric group `{g}` (groups: {})",
                            rubric
                                .groups
                                .iter()
                                .map(|g| g.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                TieBreak::Group(g.to_string())
            } else if let Some(c) = item.strip_prefix("criterion:") {
                if rubric.criterion(c).is_none() {
                    return Err(at(
                        &format!("\"{item}\""),
                        "tie_break",
                        format!("no rubric criterion `{c}`"),
                    ));
                }
                TieBreak::Criterion(c.to_string())
            } else {
                return Err(at(
                    &format!("\"{item}\""),
                    "tie_break",
                    format!("`{item}` is not one of group:ID, criterion:ID, top_scores"),
                ));
            };
            tie_break.push(parsed);
        }
        for (i, tier) in raw.awards.tiers.iter().enumerate() {
            if raw.awards.tiers[..i].iter().any(|t| t.id == tier.id) {
                return Err(DataError::at_nth_text(
                    file,
                    text,
                    &format!("\"{}\"", tier.id),
                    2,
                    "awards.tiers.id",
                    format!("tier id `{}` is used twice", tier.id),
                ));
            }
        }
        if raw.aggregation.trim_min_judges < 3 {
            return Err(at(
                "trim_min_judges",
                "aggregation.trim_min_judges",
                format!(
                    "{} is too few: dropping the highest and the lowest total needs at least 3 judges",
                    raw.aggregation.trim_min_judges
                ),
            ));
        }
        for quota in &raw.quotas.districts {
            if quota.min > quota.max {
                return Err(at(
                    &format!("min = {}", quota.min),
                    "quotas.districts.min",
                    format!("min {} is above max {}", quota.min, quota.max),
                ));
            }
        }
        let share: u32 = raw.awards.tiers.iter().map(|t| t.share_percent).sum();
        if share > 100 {
            return Err(at(
                "share_percent",
                "awards.tiers.share_percent",
                format!("tier shares add up to {share} %, more than 100 %"),
            ));
        }
        super::paperwork::check(file, text, &raw.awards, &raw.certificate)?;
        for r in &raw.media.resolutions {
            if parse_pair(r, 'x').is_none() {
                return Err(at(
                    r,
                    "media.resolutions",
                    format!("`{r}` is not WIDTHxHEIGHT"),
                ));
            }
        }
        if let Some(a) = &raw.media.aspect {
            if parse_pair(a, ':').is_none() {
                return Err(at(a, "media.aspect", format!("`{a}` is not W:H")));
            }
        }
        if let (Some(lo), Some(hi)) = (raw.media.min_duration_s, raw.media.max_duration_s) {
            if lo > hi {
                return Err(at(
                    "min_duration_s",
                    "media.min_duration_s",
                    format!("{lo} s is above max_duration_s {hi} s"),
                ));
            }
        }
        // Lists of work ids: each a work number, each once. (Whether it is one of the
        // contest's works is known only with the master.)
        let work_lists = [
            (
                &raw.calibration.works,
                "[calibration]",
                "calibration.works",
                "calibration work",
            ),
            (
                &raw.room.order,
                "[room]",
                "room.order",
                "work in the showing order",
            ),
        ];
        for (list, table, field, what) in work_lists {
            for (i, w) in list.iter().enumerate() {
                if w.trim().is_empty() || w.chars().any(char::is_control) {
                    return Err(at(
                        table,
                        field,
                        format!("a {what} must be a work number such as \"001\""),
                    ));
                }
                if list[..i].contains(w) {
                    return Err(at(
                        &format!("\"{w}\""),
                        field,
                        format!("{what} `{w}` is listed twice"),
                    ));
                }
            }
        }
        let deliberation = match raw.deliberation.near_cutoff {
            None => Deliberation::default(),
            Some(n) => match Points::from_decimal(n) {
                Some(p) if p.0 >= 0 => Deliberation { near_cutoff: p },
                _ => {
                    return Err(at(
                        "near_cutoff",
                        "deliberation.near_cutoff",
                        format!("{n} is not a number of points from 0, in steps of 0.01"),
                    ))
                }
            },
        };
        let mut rounds: Vec<Round> = Vec::with_capacity(raw.rounds.len());
        for (i, r) in raw.rounds.into_iter().enumerate() {
            let id_at = format!("\"{}\"", r.id);
            if r.id.trim().is_empty()
                || r.id
                    .chars()
                    .any(|c| c.is_control() || "/\\:*?\"<>|".contains(c))
            {
                return Err(at(
                    "[[rounds]]",
                    "rounds.id",
                    format!(
                        "round id `{}` must be a non-empty name usable in a file name",
                        r.id
                    ),
                ));
            }
            if rounds.iter().any(|x| x.id == r.id) {
                return Err(at(
                    &id_at,
                    "rounds.id",
                    format!("round id `{}` is used twice", r.id),
                ));
            }
            if r.judges_per_work == 0 {
                return Err(at(
                    &id_at,
                    "rounds.judges_per_work",
                    "must be at least 1".into(),
                ));
            }
            match (i, r.advance) {
                (0, Some(_)) => return Err(at(&id_at, "rounds.advance", format!("the first round `{}` takes every work: remove its `advance`", r.id))),
                (1.., None) => return Err(at(&id_at, "rounds.advance", format!("round `{}` needs an `advance` rule: advance = {{ top = N }} or {{ top_percent = P }}", r.id))),
                (_, Some(super::round::Advance::TopPercent(p))) if p == 0 || p > 100 => return Err(at(&id_at, "rounds.advance", format!("top_percent {p} is not a percentage from 1 to 100"))),
                (_, Some(super::round::Advance::Top(0))) => return Err(at(&id_at, "rounds.advance", "top must be at least 1".into())),
                _ => {}
            }
            let round_rubric = match &r.rubric {
                None => None,
                Some(name) => Some(load_rubric(name).map_err(|e| {
                    if e.is_unplaced() {
                        at(&format!("\"{name}\""), "rounds.rubric", e.message)
                    } else {
                        e
                    }
                })?),
            };
            rounds.push(r.resolved(round_rubric));
        }
        Ok(Contest {
            rounds,
            blind: raw.blind,
            id: raw.id,
            title_zh: raw.title_zh,
            title_en: raw.title_en,
            rubric,
            language: raw.language,
            judges_per_work: raw.judges_per_work,
            min_watch_percent: raw.min_watch_percent,
            tie_break,
            media: raw.media,
            awards: raw.awards,
            aggregation: raw.aggregation,
            quotas: raw.quotas,
            organisers: raw.organisers,
            panel: raw.panel,
            certificate: raw.certificate,
            calibration: raw.calibration,
            deliberation,
            room: raw.room,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn shipped_2023_contest_has_the_calls_rules() {
        let c = data::contest_template("cq-2023-short-video").unwrap();
        assert_eq!(c.media.containers, ["mp4"]);
        assert_eq!(
            (c.media.min_duration_s, c.media.max_duration_s),
            (Some(180), Some(240))
        );
        assert_eq!(c.media.resolution_pairs(), [(1920, 1080), (1280, 720)]);
        assert_eq!(c.media.aspect_pair(), Some((16, 9)));
        let shares: Vec<u32> = c.awards.tiers.iter().map(|t| t.share_percent).collect();
        assert_eq!(shares, [10, 15, 25]);
        assert_eq!(c.awards.rest_zh, "优秀奖");
        assert_eq!(c.tie_break[0], TieBreak::Group("content".into()));
    }

    #[test]
    fn shipped_micro_lecture_contest_has_the_calls_rules() {
        let c = data::contest_template("cq-micro-lecture").unwrap();
        assert_eq!(c.media.max_duration_s, Some(600));
        assert_eq!(c.media.max_size_mb, Some(500));
        assert_eq!(c.quotas.max_works_per_unit, Some(2));
    }

    #[test]
    fn unknown_tie_break_group_is_reported_with_its_line() {
        let text = data::CONTEST_2023.replace("\"group:technique\"", "\"group:sound\"");
        let e = Contest::from_toml("contest.toml", &text, data::rubric).unwrap_err();
        assert_eq!(e.field, "tie_break");
        assert!(e.message.contains("sound"), "{e}");
        assert_eq!(
            e.line,
            text.lines()
                .position(|l| l.starts_with("tie_break"))
                .unwrap()
                + 1
        );
    }

    #[test]
    fn duplicate_tiers_thin_trimming_and_upside_down_quotas_are_refused() {
        let line_of = |text: &str, needle: &str, nth: usize| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains(needle))
                .nth(nth - 1)
                .unwrap()
                .0
                + 1
        };
        let twice = data::CONTEST_2023.replace("id = \"third\"", "id = \"first\"");
        let e = Contest::from_toml("contest.toml", &twice, data::rubric).unwrap_err();
        assert_eq!(e.field, "awards.tiers.id", "{e}");
        assert_eq!(e.line, line_of(&twice, "id = \"first\"", 2), "{e}");
        let thin = data::CONTEST_2023.replace("trim_min_judges = 5", "trim_min_judges = 2");
        let e = Contest::from_toml("contest.toml", &thin, data::rubric).unwrap_err();
        assert_eq!(e.field, "aggregation.trim_min_judges", "{e}");
        assert_eq!(e.line, line_of(&thin, "trim_min_judges", 1), "{e}");
        let upside = data::CONTEST_2023.replacen("min = 3", "min = 9", 1);
        let e = Contest::from_toml("contest.toml", &upside, data::rubric).unwrap_err();
        assert_eq!(e.field, "quotas.districts.min", "{e}");
        assert!(e.message.contains("above max"), "{e}");
    }

    #[test]
    fn calibration_and_deliberation_are_optional_and_checked() {
        let old = data::contest_template("cq-2023-short-video").unwrap();
        assert_eq!(old.calibration, Calibration::default());
        assert!(!old.calibration.excludes("001"));
        assert_eq!(old.deliberation.near_cutoff, Points(200));
        // The tables appended to the template (whose own example is commented out).
        let with = |tail: &str| format!("{}\n{tail}", data::CONTEST_2023);
        let tail =
            "[calibration]\nworks = [\"001\", \"002\"]\n\n[deliberation]\nnear_cutoff = 1.5\n";
        let c = Contest::from_toml("contest.toml", &with(tail), data::rubric).unwrap();
        assert_eq!(c.calibration.works, ["001", "002"]);
        assert!(c.calibration.excludes("002") && !c.calibration.excludes("003"));
        assert_eq!(c.deliberation.near_cutoff, Points(150));
        let counted = with(&tail.replace("works = [", "count_in_results = true\nworks = ["));
        let c = Contest::from_toml("contest.toml", &counted, data::rubric).unwrap();
        assert!(c.calibration.is_calibration("001") && !c.calibration.excludes("001"));
        let twice = with(&tail.replace("\"002\"]", "\"001\"]"));
        let e = Contest::from_toml("contest.toml", &twice, data::rubric).unwrap_err();
        assert_eq!(e.field, "calibration.works", "{e}");
        let negative = with(&tail.replace("1.5", "-1"));
        let e = Contest::from_toml("contest.toml", &negative, data::rubric).unwrap_err();
        assert_eq!(e.field, "deliberation.near_cutoff", "{e}");
        let unknown = with(&tail.replace("near_cutoff", "near"));
        assert!(Contest::from_toml("contest.toml", &unknown, data::rubric).is_err());
        // A contest stored before these tables existed (ballots carry it as JSON) still loads.
        let mut json = serde_json::to_value(&old).unwrap();
        json.as_object_mut().unwrap().remove("calibration");
        json.as_object_mut().unwrap().remove("deliberation");
        let back: Contest = serde_json::from_value(json).unwrap();
        assert_eq!(back, old);
    }

    #[test]
    fn the_room_order_is_optional_checked_and_puts_calibration_first() {
        let old = data::contest_template("cq-2023-short-video").unwrap();
        assert!(old.room.is_empty());
        // Not in the JSON when empty: contests stored in ballots read as before.
        let json = serde_json::to_value(&old).unwrap();
        assert!(json.get("room").is_none(), "{json}");
        let with = |tail: &str| format!("{}\n{tail}", data::CONTEST_2023);
        let tail =
            "[calibration]\nworks = [\"004\"]\n\n[room]\norder = [\"012\", \"003\", \"004\"]\n";
        let c = Contest::from_toml("contest.toml", &with(tail), data::rubric).unwrap();
        assert_eq!(c.room.order, ["012", "003", "004"]);
        let back: Contest = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        let works = ["010", "003", "2", "004", "012", "001"];
        let order: Vec<&str> = c
            .room
            .showing_order(&c.calibration, &works)
            .into_iter()
            .map(|i| works[i])
            .collect();
        // Calibration first, then the set order (004 once), then by number.
        assert_eq!(order, ["004", "012", "003", "001", "2", "010"]);
        assert_eq!(c.room.unknown(&works), None);
        assert_eq!(c.room.unknown(&["003", "004"]), Some("012"));
        let twice = with(&tail.replace("\"004\"]\n", "\"012\"]\n"));
        let e = Contest::from_toml("contest.toml", &twice, data::rubric).unwrap_err();
        assert_eq!(e.field, "room.order", "{e}");
        assert!(e.message.contains("012"), "{e}");
        let blank = with("[room]\norder = [\" \"]\n");
        let e = Contest::from_toml("contest.toml", &blank, data::rubric).unwrap_err();
        assert_eq!(e.field, "room.order", "{e}");
        let unknown = with("[room]\nsequence = [\"001\"]\n");
        assert!(Contest::from_toml("contest.toml", &unknown, data::rubric).is_err());
    }

    #[test]
    fn overfull_award_shares_are_refused() {
        let text = data::CONTEST_2023.replace("share_percent = 25", "share_percent = 80");
        let e = Contest::from_toml("contest.toml", &text, data::rubric).unwrap_err();
        assert!(e.message.contains("105"), "{e}");
    }
}
