//! Rubric: groups of criteria, each with a maximum and a step. Scores are stored as a whole
//! number of steps, so 0..=max/step is the full range of a criterion.

use serde::{Deserialize, Serialize};

use super::datafile::DataError;
use super::points::Points;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub standard_zh: String,
    pub standard_en: String,
    pub max: Points,
    pub step: Points,
}

impl Criterion {
    /// Highest score in step units.
    pub fn max_steps(&self) -> u32 {
        (self.max.0 / self.step.0) as u32
    }

    pub fn points(&self, steps: u32) -> Points {
        Points(i64::from(steps) * self.step.0)
    }

    /// Steps for a typed number of points, if it is on the grid and in range.
    pub fn steps_for(&self, points: Points) -> Option<u32> {
        (points.0 >= 0 && points.0 <= self.max.0 && points.0 % self.step.0 == 0)
            .then(|| (points.0 / self.step.0) as u32)
    }
}

crate::bilingual! {
    Criterion { label: label_zh / label_en, standard: standard_zh / standard_en }
    Group { label: label_zh / label_en }
    Rubric { title: title_zh / title_en }
}

impl Group {
    pub fn max(&self) -> Points {
        self.criteria.iter().map(|c| c.max).sum()
    }
}

impl Rubric {
    /// Criteria in display order, across groups.
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.groups.iter().flat_map(|g| g.criteria.iter())
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria().find(|c| c.id == id)
    }

    pub fn max_total(&self) -> Points {
        self.criteria().map(|c| c.max).sum()
    }

    /// Parses and validates rubric TOML; `file` is only used in error messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Rubric, DataError> {
        let raw: RawRubric =
            toml::from_str(text).map_err(|e| DataError::from_toml(file, text, &e))?;
        let mut groups = Vec::new();
        let mut seen_criteria: Vec<String> = Vec::new();
        if raw.groups.is_empty() {
            return Err(DataError::new(
                file,
                1,
                "groups",
                "a rubric needs at least one [[groups]] table",
            ));
        }
        for (gi, g) in raw.groups.into_iter().enumerate() {
            if groups.iter().any(|existing: &Group| existing.id == g.id) {
                return Err(DataError::at_nth_text(
                    file,
                    text,
                    &format!("\"{}\"", g.id),
                    2,
                    &format!("groups[{gi}].id"),
                    format!("group id `{}` is used twice", g.id),
                ));
            }
            if g.criteria.is_empty() {
                return Err(DataError::at_text(
                    file,
                    text,
                    &format!("\"{}\"", g.id),
                    &format!("groups[{gi}].criteria"),
                    format!("group `{}` has no criteria", g.id),
                ));
            }
            let mut criteria = Vec::new();
            for (ci, c) in g.criteria.into_iter().enumerate() {
                let at = |field: &str, message: String| {
                    DataError::at_text(
                        file,
                        text,
                        &format!("id = \"{}\"", c.id),
                        &format!("groups[{gi}].criteria[{ci}].{field}"),
                        message,
                    )
                };
                if seen_criteria.contains(&c.id) {
                    return Err(DataError::at_nth_text(
                        file,
                        text,
                        &format!("id = \"{}\"", c.id),
                        2,
                        &format!("groups[{gi}].criteria[{ci}].id"),
                        format!("criterion id `{}` is used twice", c.id),
                    ));
                }
                let max = Points::from_decimal(c.max)
                    .filter(|p| p.0 > 0)
                    .ok_or_else(|| {
                        at(
                            "max",
                            format!(
                                "max must be a positive number with at most two decimals, got {}",
                                shown(c.max)
                            ),
                        )
                    })?;
                let step = Points::from_decimal(c.step)
                    .filter(|p| p.0 > 0)
                    .ok_or_else(|| {
                        at(
                            "step",
                            format!(
                                "step must be a positive number with at most two decimals, got {}",
                                shown(c.step)
                            ),
                        )
                    })?;
                if max.0 % step.0 != 0 {
                    return Err(at(
                        "step",
                        format!("max {max} is not a whole number of steps of {step}"),
                    ));
                }
                seen_criteria.push(c.id.clone());
                criteria.push(Criterion {
                    id: c.id,
                    label_zh: c.label_zh,
                    label_en: c.label_en,
                    standard_zh: c.standard_zh,
                    standard_en: c.standard_en,
                    max,
                    step,
                });
            }
            groups.push(Group {
                id: g.id,
                label_zh: g.label_zh,
                label_en: g.label_en,
                criteria,
            });
        }
        Ok(Rubric {
            id: raw.id,
            title_zh: raw.title_zh,
            title_en: raw.title_en,
            groups,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    id: String,
    title_zh: String,
    title_en: String,
    #[serde(default)]
    groups: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: String,
    label_zh: String,
    label_en: String,
    #[serde(default)]
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    label_zh: String,
    label_en: String,
    standard_zh: String,
    standard_en: String,
    max: f64,
    #[serde(default = "one")]
    step: f64,
}

fn one() -> f64 {
    1.0
}

/// A number from the file as people write it; huge or tiny ones in exponent form rather
/// than hundreds of digits.
fn shown(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn shipped_2023_rubric_is_the_annex() {
        let r = data::rubric("cq-2023-short-video").unwrap();
        let maxima: Vec<String> = r.criteria().map(|c| c.max.to_string()).collect();
        assert_eq!(maxima, ["30", "30", "15", "10", "5", "5", "5"]);
        let groups: Vec<&str> = r.groups.iter().map(|g| g.label_zh.as_str()).collect();
        assert_eq!(groups, ["题材内容", "技术性", "创意性", "艺术性"]);
        assert_eq!(r.max_total(), Points::whole(100));
        assert!(r
            .criterion("editing")
            .unwrap()
            .standard_zh
            .contains("无跳轴夹帧"));
    }

    #[test]
    fn micro_lecture_rubric_totals_100() {
        let r = data::rubric("cq-micro-lecture").unwrap();
        assert_eq!(r.max_total(), Points::whole(100));
    }

    fn minimal(criterion: &str) -> String {
        format!(
            "id = \"r\"\ntitle_zh = \"t\"\ntitle_en = \"t\"\n[[groups]]\nid = \"g\"\nlabel_zh = \"g\"\nlabel_en = \"g\"\n[[groups.criteria]]\nid = \"c\"\nlabel_zh = \"c\"\nlabel_en = \"c\"\nstandard_zh = \"s\"\nstandard_en = \"s\"\n{criterion}"
        )
    }

    #[test]
    fn absurd_maxima_are_refused_in_a_short_line() {
        let e = Rubric::from_toml("r.toml", &minimal("max = 1e308\n")).unwrap_err();
        assert!(e.message.contains("1e308"), "{e}");
        assert!(e.to_string().len() < 200, "{e}");
        let e = Rubric::from_toml("r.toml", &minimal("max = 0.125\n")).unwrap_err();
        assert!(e.message.contains("got 0.125"), "{e}");
    }

    #[test]
    fn half_point_steps_are_allowed() {
        let r = Rubric::from_toml("r.toml", &minimal("max = 5\nstep = 0.5\n")).unwrap();
        let c = r.criterion("c").unwrap();
        assert_eq!(c.max_steps(), 10);
        assert_eq!(c.points(7).to_string(), "3.5");
        assert_eq!(c.steps_for(Points(350)), Some(7));
        assert_eq!(c.steps_for(Points(325)), None);
        assert_eq!(c.steps_for(Points(550)), None);
    }

    #[test]
    fn malformed_rubric_names_file_line_and_field() {
        let e = Rubric::from_toml("bad.toml", &minimal("max = \"thirty\"\n")).unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.line, e.field.as_str()),
            ("bad.toml", 14, "max")
        );

        let e = Rubric::from_toml("bad.toml", &minimal("max = 5\nstep = 2\n")).unwrap_err();
        assert_eq!(e.line, 9);
        assert!(e.field.ends_with(".step"), "{e}");

        let e = Rubric::from_toml("bad.toml", &minimal("maxx = 5\n")).unwrap_err();
        assert_eq!(e.field, "maxx");
        assert_eq!(e.line, 14);
    }
}
