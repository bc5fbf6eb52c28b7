//! Who a results file is for, and the parts only some audiences get.
//!
//! * [`Audience::Public`] — the 获奖名单 for publication and the leadership: the awards in
//!   the call's order, each work with its unit, district and creators, and the 优秀组织奖
//!   with its points. Nothing about judges: no names, no scores, spreads or statistics.
//! * [`Audience::Panel`] — what the panel signs: the ranked table with its tie-break notes
//!   and cut-offs, the 优秀组织奖, and the signature page (every judge, the chair, one seal
//!   box per 主办单位).
//! * [`Audience::Internal`] — everything (today's report): statistics, per-judge figures,
//!   receipts and the judges' comments with who wrote them, marked 内部资料.
//!
//! Renderers take the audience and leave out whole sections; nothing is blanked in place,
//! so a public file cannot carry a judge's name in a hidden cell.

use std::fmt::Write as _;

use super::html::esc;
use super::view::ResultsView;
use super::ReportError;
use crate::i18n::Lang;
use crate::tr;
use jury_core::results::CommentRow;
use jury_core::tally::{Award, OrgAwards};

/// `--audience`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Audience {
    Public,
    Panel,
    #[default]
    Internal,
}

/// The status line of a public file: provisional or final, naming no judge.
pub fn public_banner(view: &ResultsView, lang: Lang) -> &'static str {
    if view.provisional {
        tr!(lang, "report.public.provisional")
    } else {
        tr!(lang, "report.banner.final")
    }
}

/// "一等奖（3 件）".
fn award_heading(view: &ResultsView, award: Award, n: usize, lang: Lang) -> String {
    tr!(
        lang,
        "report.public.tier_heading",
        award = award.label(&view.contest.awards, lang),
        n = n
    )
}

/// Columns of the award list.
pub fn award_list_headers(lang: Lang) -> Vec<String> {
    let mut h = vec![tr!(lang, "report.public.seq").to_string()];
    h.extend(crate::i18n::texts(lang, super::words::AWARDED_WORK_COLUMNS));
    h
}

/// The award list as HTML sections, one per award.
pub fn award_list_html(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"award-list\">\n<h2>{}</h2>",
        tr!(lang, "report.public.award_list")
    );
    let list = view.award_list();
    if list.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", tr!(lang, "report.public.no_awards"));
    }
    let heads = award_list_headers(lang);
    for (award, works) in list {
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<table>\n<thead><tr>",
            esc(&award_heading(view, award, works.len(), lang))
        );
        for t in heads
            .iter()
            .filter(|t| **t != tr!(lang, "report.col.award"))
        {
            let _ = write!(h, "<th>{}</th>", esc(t));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (i, r) in works.iter().enumerate() {
            let _ = writeln!(
                h,
                "<tr data-work=\"{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.work),
                i + 1,
                esc(&r.work),
                esc(&r.title),
                esc(&r.unit),
                esc(&r.district),
                esc(&r.creators)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let undecided = view
        .rows
        .iter()
        .filter(|r| {
            matches!(
                r.award,
                Some(jury_core::tally::AwardOutcome::PanelDecides { .. })
            )
        })
        .count();
    if undecided > 0 {
        let _ = writeln!(
            h,
            "<p class=\"banner\">{}</p>",
            esc(&tr!(lang, "report.public.undecided", n = undecided))
        );
    }
    h.push_str("</section>\n");
}

/// Columns of the 优秀组织奖 table: place, organiser, recommended, one per award, points.
pub fn org_headers(view: &ResultsView, lang: Lang) -> Vec<String> {
    let by = match view.contest.awards.organization.as_ref().map(|o| o.by) {
        Some(jury_core::model::paperwork::OrgBy::Unit) => tr!(lang, "report.col.unit"),
        _ => tr!(lang, "report.public.district"),
    };
    let mut h = vec![
        tr!(lang, "report.col.place").to_string(),
        by.to_string(),
        tr!(lang, "report.org.recommended").to_string(),
    ];
    let rules = &view.contest.awards;
    h.extend(
        (0..rules.tiers.len())
            .map(Award::Tier)
            .chain([Award::Rest])
            .map(|a| a.label(rules, lang).to_string()),
    );
    h.push(tr!(lang, "report.org.points").into());
    h.push(tr!(lang, "report.org.result").into());
    h
}

/// The rule in one sentence: "每件一等奖 5 分、…；同分按推荐作品数多者在前".
pub fn org_rule_line(view: &ResultsView, lang: Lang) -> String {
    let Some(rule) = &view.contest.awards.organization else {
        return String::new();
    };
    let rules = &view.contest.awards;
    let points: Vec<String> = (0..rules.tiers.len())
        .map(Award::Tier)
        .chain([Award::Rest])
        .map(|a| {
            tr!(
                lang,
                "report.org.points_each",
                award = a.label(rules, lang),
                points = rule.points.get(a.id(rules)).copied().unwrap_or(0)
            )
        })
        .collect();
    let ties = match rule.tie_break {
        jury_core::model::paperwork::OrgTieBreak::MoreRecommended => {
            tr!(lang, "report.org.ties_more")
        }
        jury_core::model::paperwork::OrgTieBreak::FewerRecommended => {
            tr!(lang, "report.org.ties_fewer")
        }
        jury_core::model::paperwork::OrgTieBreak::Shared => tr!(lang, "report.org.ties_shared"),
    };
    tr!(
        lang,
        "report.org.rule",
        count = rule.count,
        points = points.join(tr!(lang, "report.list_sep")),
        ties = ties
    )
}

/// One row of the 优秀组织奖 table as text cells.
pub fn org_cells(org: &OrgAwards, lang: Lang) -> Vec<Vec<String>> {
    org.rows
        .iter()
        .map(|r| {
            let mut c = vec![
                r.place.to_string(),
                r.name.clone(),
                r.recommended.to_string(),
            ];
            c.extend(r.by_award.iter().map(|n| n.to_string()));
            c.push(r.points.to_string());
            let mut result = if r.awarded {
                tr!(lang, "report.org.awarded").to_string()
            } else {
                String::new()
            };
            if r.tie_broken {
                if !result.is_empty() {
                    result.push_str(tr!(lang, "report.list_sep"));
                }
                result.push_str(tr!(lang, "report.org.tie_broken"));
            }
            c.push(result);
            c
        })
        .collect()
}

/// The 优秀组织奖 section, when the contest awards one.
pub fn org_html(h: &mut String, view: &ResultsView, lang: Lang) {
    let (Some(org), Some(rule)) = (&view.organization, &view.contest.awards.organization) else {
        return;
    };
    let label = rule.label(lang);
    let _ = writeln!(
        h,
        "<section class=\"org-award\">\n<h2>{}</h2>\n<p class=\"small\">{}</p>\n<table>\n<thead><tr>",
        esc(&tr!(lang, "report.org.heading", label = label, n = org.given)),
        esc(&org_rule_line(view, lang))
    );
    for t in org_headers(view, lang) {
        let _ = write!(h, "<th>{}</th>", esc(&t));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (r, cells) in org.rows.iter().zip(org_cells(org, lang)) {
        let class = if r.awarded { "tier-0" } else { "" };
        let _ = write!(h, "<tr class=\"{class}\">");
        for c in cells {
            let _ = write!(h, "<td>{}</td>", esc(&c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if org.given > org.count {
        let _ = writeln!(
            h,
            "<p class=\"small\">{}</p>",
            esc(&tr!(
                lang,
                "report.org.shared_last",
                given = org.given,
                count = org.count
            ))
        );
    }
    h.push_str("</section>\n");
}

/// The comments section: each work's comments; judges by letter, and by name only when
/// `identify` (the internal audience).
pub fn comments_html(h: &mut String, view: &ResultsView, lang: Lang, identify: bool) {
    let _ = writeln!(
        h,
        "<section class=\"comments\">\n<h2>{}</h2>",
        tr!(lang, "report.comments.heading")
    );
    if view.comments.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", tr!(lang, "report.none"));
    } else {
        let _ = writeln!(
            h,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            tr!(lang, "report.col.number"),
            tr!(lang, "report.col.title"),
            tr!(lang, "report.comments.judge"),
            tr!(lang, "report.comments.text")
        );
        for c in &view.comments {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.work),
                esc(&c.title),
                esc(&judge_label(c, lang, identify)),
                esc(&c.text)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

/// "评委 A", or "评委 A（J03 张伟）" when identities are shown.
pub fn judge_label(c: &CommentRow, lang: Lang, identify: bool) -> String {
    let anon = tr!(lang, "report.comments.judge_letter", letter = c.letter);
    if identify {
        let who = if c.name.is_empty() {
            c.judge.clone()
        } else {
            format!("{} {}", c.judge, c.name)
        };
        tr!(lang, "report.comments.identified", anon = anon, who = who)
    } else {
        anon
    }
}

/// The comments as CSV for feedback to entrants (BOM first): judges by letter only.
pub fn comments_csv(view: &ResultsView, lang: Lang) -> Result<String, ReportError> {
    use super::csv::defuse;
    let header = crate::i18n::texts(
        lang,
        &[
            "report.col.number",
            "report.col.title",
            "report.comments.judge",
            "report.comments.text",
        ],
    );
    let rows = view.comments.iter().map(|c| {
        [
            defuse(&c.work),
            defuse(&c.title),
            judge_label(c, lang, false),
            defuse(&c.text),
        ]
    });
    super::csv::table(header, rows)
}

/// The public CSV: the award list, one row per awarded work, in the call's order.
pub fn public_csv(view: &ResultsView, lang: Lang) -> Result<String, ReportError> {
    use super::csv::defuse;
    let mut header = vec![tr!(lang, "report.col.status").to_string()];
    header.extend(award_list_headers(lang));
    let status = super::words::ResultsWords::status_word(view, lang);
    let rows = view.award_list().into_iter().flat_map(|(award, works)| {
        let label = award.label(&view.contest.awards, lang);
        works.into_iter().enumerate().map(move |(i, r)| {
            [
                status.to_string(),
                (i + 1).to_string(),
                defuse(label),
                defuse(&r.work),
                defuse(&r.title),
                defuse(&r.unit),
                defuse(&r.district),
                defuse(&r.creators),
            ]
        })
    });
    super::csv::table(header, rows)
}
