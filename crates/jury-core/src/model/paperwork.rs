//! What leaves the room, as contest data: who gets 优秀奖 (`[awards] rest`), the
//! 优秀组织奖 rule (`[awards.organization]`), the panel that signs (`[panel]`) and the
//! certificates' wording and numbering (`[certificate]`). Every table is optional, so a
//! contest.toml written before these existed reads as it did.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Who of the ranked works after the last tier gets the rest label (优秀奖).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "RawRest", into = "RawRest")]
pub enum RestRule {
    /// Every ranked work after the tiers (jury's behaviour before the rule existed).
    #[default]
    All,
    /// Nobody: the award list ends with the last tier.
    None,
    /// The best `N` after the tiers; works sharing the place of the N-th are all included
    /// (a shared place never splits an honourable mention).
    Count(usize),
}

/// `rest = "all" | "none" | { count = N }` as TOML gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawRest {
    Word(String),
    Count { count: usize },
}

impl TryFrom<RawRest> for RestRule {
    type Error = String;
    fn try_from(raw: RawRest) -> Result<RestRule, String> {
        match raw {
            RawRest::Word(w) if w == "all" => Ok(RestRule::All),
            RawRest::Word(w) if w == "none" => Ok(RestRule::None),
            RawRest::Word(w) => Err(format!(
                "`{w}` is not one of \"all\", \"none\" or {{ count = N }}"
            )),
            RawRest::Count { count } => Ok(RestRule::Count(count)),
        }
    }
}

impl From<RestRule> for RawRest {
    fn from(r: RestRule) -> RawRest {
        match r {
            RestRule::All => RawRest::Word("all".into()),
            RestRule::None => RawRest::Word("none".into()),
            RestRule::Count(count) => RawRest::Count { count },
        }
    }
}

/// Whom the 优秀组织奖 goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgBy {
    /// The recommending 区县 (the form's district column).
    #[default]
    District,
    /// The creating unit.
    Unit,
}

/// How organisers with equal points are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgTieBreak {
    /// More works recommended ranks higher (the effort of organising).
    #[default]
    MoreRecommended,
    /// Fewer works recommended ranks higher (the same awards from a tighter selection).
    FewerRecommended,
    /// Equal points share the place.
    Shared,
}

/// `[awards.organization]`: 优秀组织奖 by points per awarded work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationAward {
    /// How many organisers get the award (ties at the last place are all included).
    pub count: usize,
    #[serde(default = "org_zh")]
    pub label_zh: String,
    #[serde(default = "org_en")]
    pub label_en: String,
    #[serde(default)]
    pub by: OrgBy,
    /// Points per awarded work, by tier id (`rest` for the rest label); a tier not named
    /// scores nothing.
    #[serde(default)]
    pub points: BTreeMap<String, u32>,
    #[serde(default)]
    pub tie_break: OrgTieBreak,
}

fn org_zh() -> String {
    "优秀组织奖".into()
}
fn org_en() -> String {
    "Award for excellent organisation".into()
}

/// `[panel]`: who signs the summary, when and where the panel met.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelInfo {
    /// 评审组长.
    #[serde(default)]
    pub chair: String,
    /// The review date as it should be printed ("2023年8月8日").
    #[serde(default)]
    pub date: String,
    /// 评审地点.
    #[serde(default)]
    pub place: String,
}

/// `[certificate]`: wording, issuers, date and numbering of the 获奖证书.
///
/// The body is a template: `{title}`, `{unit}`, `{creators}`, `{district}`, `{award}` and
/// `{contest}` are replaced by the work's data; the number pattern's `{seq}` (or `{seq:03}`
/// for three digits with leading zeros) by the certificate's sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateSpec {
    #[serde(default = "heading_zh")]
    pub heading_zh: String,
    #[serde(default = "heading_en")]
    pub heading_en: String,
    #[serde(default = "body_zh")]
    pub body_zh: String,
    #[serde(default = "body_en")]
    pub body_en: String,
    /// Who issues it (one seal each); empty: the contest's organisers.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// As printed ("二〇二三年八月"); empty: the panel's date.
    #[serde(default)]
    pub date: String,
    #[serde(default = "number_pattern")]
    pub number: String,
}

impl Default for CertificateSpec {
    fn default() -> CertificateSpec {
        CertificateSpec {
            heading_zh: heading_zh(),
            heading_en: heading_en(),
            body_zh: body_zh(),
            body_en: body_en(),
            issuers: Vec::new(),
            date: String::new(),
            number: number_pattern(),
        }
    }
}

fn heading_zh() -> String {
    "获奖证书".into()
}
fn heading_en() -> String {
    "Certificate of Award".into()
}
fn body_zh() -> String {
    "{creators}（{unit}）创作的作品《{title}》在{contest}中荣获".into()
}
fn body_en() -> String {
    "The work “{title}” by {creators} ({unit}) has been awarded in the {contest}:".into()
}
fn number_pattern() -> String {
    "{seq:03}".into()
}

/// Why a template or pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub placeholder: String,
}

/// Fills `{name}` placeholders of `template` from `values`; `{{` and `}}` are literal braces.
/// An unknown placeholder is an error naming it (a typo in contest.toml must not print).
pub fn fill(template: &str, values: &[(&str, &str)]) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err(TemplateError {
                placeholder: "}".into(),
            });
        }
        let Some(end) = tail.find('}') else {
            return Err(TemplateError {
                placeholder: tail.into(),
            });
        };
        let name = &tail[1..end];
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => {
                return Err(TemplateError {
                    placeholder: format!("{{{name}}}"),
                })
            }
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The certificate number for sequence `seq`: `{seq}` as is, `{seq:0N}` zero-padded to N.
pub fn certificate_number(pattern: &str, seq: usize) -> Result<String, TemplateError> {
    let mut values: Vec<(String, String)> = vec![("seq".into(), seq.to_string())];
    // Every `{seq:0N}` the pattern uses, padded.
    let mut rest = pattern;
    while let Some(i) = rest.find("{seq:0") {
        let tail = &rest[i + 6..];
        let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        let width: usize = digits.parse().unwrap_or(0).min(12);
        values.push((format!("seq:0{digits}"), format!("{seq:0width$}")));
        rest = &tail[digits.len()..];
    }
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fill(pattern, &pairs)
}

/// Placeholders a certificate body may use.
pub const BODY_FIELDS: [&str; 6] = ["title", "unit", "creators", "district", "award", "contest"];

/// Checks the tables of this module against the rest of contest.toml: organisation points
/// name real tiers, certificate templates use known placeholders.
pub(crate) fn check(
    file: &str,
    text: &str,
    awards: &super::contest::AwardRules,
    cert: &CertificateSpec,
) -> Result<(), super::DataError> {
    if let Some(org) = &awards.organization {
        for tier in org.points.keys() {
            if tier != "rest" && !awards.tiers.iter().any(|t| &t.id == tier) {
                let ids: Vec<&str> = awards.tiers.iter().map(|t| t.id.as_str()).collect();
                return Err(super::DataError::at_text(
                    file,
                    text,
                    tier,
                    "awards.organization.points",
                    format!("no award tier `{tier}` (tiers: {}, rest)", ids.join(", ")),
                ));
            }
        }
    }
    let blank: Vec<(&str, &str)> = BODY_FIELDS.iter().map(|f| (*f, "")).collect();
    for (field, template) in [
        ("certificate.body_zh", &cert.body_zh),
        ("certificate.body_en", &cert.body_en),
    ] {
        if let Err(e) = fill(template, &blank) {
            return Err(super::DataError::at_text(
                file,
                text,
                field.trim_start_matches("certificate."),
                field,
                format!(
                    "unknown placeholder `{}` (use {})",
                    e.placeholder,
                    BODY_FIELDS.map(|f| format!("{{{f}}}")).join(" ")
                ),
            ));
        }
    }
    if let Err(e) = certificate_number(&cert.number, 1) {
        return Err(super::DataError::at_text(
            file,
            text,
            "number",
            "certificate.number",
            format!(
                "unknown placeholder `{}` (use {{seq}} or {{seq:03}})",
                e.placeholder
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_and_refuse_typos() {
        assert_eq!(
            fill(
                "《{title}》荣获{award}",
                &[("title", "桥"), ("award", "一等奖")]
            )
            .unwrap(),
            "《桥》荣获一等奖"
        );
        assert_eq!(fill("{{x}}", &[]).unwrap(), "{x}");
        assert_eq!(
            fill("{titel}", &[("title", "a")]).unwrap_err().placeholder,
            "{titel}"
        );
        assert!(fill("{title", &[("title", "a")]).is_err());
    }

    #[test]
    fn numbers_follow_the_pattern() {
        assert_eq!(
            certificate_number("CQKX-2023-{seq:03}", 7).unwrap(),
            "CQKX-2023-007"
        );
        assert_eq!(certificate_number("No.{seq}", 12).unwrap(), "No.12");
        assert_eq!(certificate_number("{seq:03}", 1234).unwrap(), "1234");
        assert!(certificate_number("{sq}", 1).is_err());
    }

    #[test]
    fn the_2023_template_ships_the_calls_paperwork() {
        let c = crate::data::contest_template("cq-2023-short-video").unwrap();
        assert_eq!(
            c.organisers,
            [
                "重庆市科学技术局",
                "中共重庆市委宣传部",
                "重庆市科学技术协会"
            ]
        );
        let org = c.awards.organization.as_ref().unwrap();
        assert_eq!((org.count, org.by), (10, OrgBy::District));
        assert_eq!(org.points["first"], 5);
        assert_eq!(c.awards.rest, RestRule::All);
        assert_eq!(c.certificate.number, "CQKX-2023-{seq:03}");
        assert!(
            c.certificate.issuers.is_empty(),
            "defaults to the organisers"
        );
    }

    #[test]
    fn bad_paperwork_tables_are_refused_with_their_line() {
        let text = crate::data::CONTEST_2023.replace("first = 5,", "gold = 5,");
        let e = crate::model::Contest::from_toml("contest.toml", &text, crate::data::rubric)
            .unwrap_err();
        assert_eq!(e.field, "awards.organization.points", "{e}");
        assert!(e.message.contains("gold"), "{e}");
        assert_eq!(
            e.line,
            text.lines().position(|l| l.contains("gold = 5")).unwrap() + 1
        );
        let text = crate::data::CONTEST_2023.replace("《{title}》", "《{titel}》");
        let e = crate::model::Contest::from_toml("contest.toml", &text, crate::data::rubric)
            .unwrap_err();
        assert_eq!(e.field, "certificate.body_zh", "{e}");
        assert!(e.message.contains("{titel}"), "{e}");
        let text = crate::data::CONTEST_2023.replace("rest = \"all\"", "rest = \"many\"");
        assert!(
            crate::model::Contest::from_toml("contest.toml", &text, crate::data::rubric).is_err()
        );
        // A contest.toml from before these tables reads as it did.
        let old: String = crate::data::CONTEST_2023
            .lines()
            .take_while(|l| !l.starts_with("[panel]"))
            .filter(|l| !l.starts_with("organisers") && !l.starts_with("rest ="))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("[awards.organization]", "[ignored]");
        let old = old.split("[ignored]").next().unwrap().to_string()
            + "\n[aggregation]\nmethod = \"trimmed_mean\"\n";
        let c =
            crate::model::Contest::from_toml("contest.toml", &old, crate::data::rubric).unwrap();
        assert_eq!(c.awards.rest, RestRule::All);
        assert!(c.awards.organization.is_none() && c.organisers.is_empty());
        assert_eq!(c.certificate, CertificateSpec::default());
    }

    #[test]
    fn rest_rule_reads_words_and_counts() {
        #[derive(Deserialize)]
        struct T {
            rest: RestRule,
        }
        let t: T = toml::from_str("rest = \"none\"").unwrap();
        assert_eq!(t.rest, RestRule::None);
        let t: T = toml::from_str("rest = { count = 4 }").unwrap();
        assert_eq!(t.rest, RestRule::Count(4));
        assert!(toml::from_str::<T>("rest = \"some\"").is_err());
    }
}

crate::bilingual! {
    CertificateSpec { heading: heading_zh / heading_en }
    OrganizationAward { label: label_zh / label_en }
}
