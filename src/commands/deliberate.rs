//! `jury deliberate [--near N] [--top K] [--names]`: the works the panel should discuss, in
//! the order it matters ([`jury_core::deliberation`]): those within N points of an award
//! cut-off first, then the widest disagreement; each with the judges' totals side by side
//! (judge ids; their names only with `--names`, for the room console's screen).

use std::collections::BTreeMap;

use super::cli::{open_contest, OrganizeError};
use super::results::ResultsSource;
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::tr;
use jury_core::deliberation::{order, Item};
use jury_core::model::{Contest, Points};
use jury_core::results::fmt_f64;
use jury_core::tally::Award;
use jury_core::text::safe_line;

/// What the list shows besides the items.
pub struct Options {
    /// Near a cut-off: within this many points (contest.toml `[deliberation] near_cutoff`).
    pub near: Points,
    /// Show at most this many works.
    pub top: Option<usize>,
    /// Judge names beside their ids.
    pub names: bool,
}

fn award_label(contest: &Contest, award: Option<Award>, lang: Lang) -> String {
    match award {
        Some(a) => safe_line(a.label(&contest.awards, lang)).into_owned(),
        None => tr!(lang, "deliberate.no_award").to_string(),
    }
}

/// Between two judges' totals on a row.
pub const TOTALS_SEPARATOR: &str = " · ";

/// The column headings: #, work, title, place, score, range, SD, to cut-off, totals.
pub fn headings(lang: Lang) -> [&'static str; 9] {
    [
        tr!(lang, "deliberate.col.n"),
        tr!(lang, "deliberate.col.work"),
        tr!(lang, "deliberate.col.title"),
        tr!(lang, "deliberate.col.place"),
        tr!(lang, "deliberate.col.score"),
        tr!(lang, "deliberate.col.range"),
        tr!(lang, "deliberate.col.sd"),
        tr!(lang, "deliberate.col.cutoff"),
        tr!(lang, "deliberate.col.totals"),
    ]
}

/// One item of the list in words, every cell made safe for a terminal line: what
/// `jury deliberate` prints and the room console's deliberation tab shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub work: String,
    pub title: String,
    pub place: String,
    pub score: String,
    pub range: String,
    pub sd: String,
    /// Distance to the nearest cut-off and the awards either side; `* ` first when near.
    pub cutoff: String,
    /// Each judge's total ("J01 83", or "J01 王老师 83" with names), by judge id.
    pub totals: Vec<String>,
}

impl Row {
    /// The row of `item` (its work titled `title`); judge names beside their ids when
    /// `names` is given.
    pub fn of(
        contest: &Contest,
        item: &Item,
        title: &str,
        names: Option<&BTreeMap<String, String>>,
        lang: Lang,
    ) -> Row {
        let decimals = jury_core::results::point_decimals(contest);
        let totals = item
            .totals
            .iter()
            .map(|(judge, total)| {
                let judge = safe_line(judge);
                match names.and_then(|n| n.get(judge.as_ref())) {
                    Some(name) => format!("{judge} {} {total}", safe_line(name)),
                    None => format!("{judge} {total}"),
                }
            })
            .collect();
        let cutoff = item.cutoff.map_or_else(String::new, |c| {
            let text = tr!(
                lang,
                "deliberate.cutoff",
                distance = jury_core::results::fmt_points(c.distance.rounded(), decimals),
                above = award_label(contest, Some(c.above), lang),
                below = award_label(contest, c.below, lang)
            );
            if item.near {
                format!("* {text}")
            } else {
                text
            }
        });
        Row {
            work: safe_line(&item.work).into_owned(),
            title: safe_line(title).into_owned(),
            place: item.place.map_or_else(|| "-".into(), |p| p.to_string()),
            score: item
                .aggregate
                .map_or_else(|| "-".into(), jury_core::results::score_text),
            range: item.spread.map_or_else(|| "-".into(), |s| s.to_string()),
            sd: fmt_f64(item.sd, 1),
            cutoff,
            totals,
        }
    }
}

/// The open round's deliberation list from the master's data: the items in order and whether
/// the results are still provisional.
pub fn list(contest: &Contest, source: &ResultsSource, near: Points) -> (Vec<Item>, bool) {
    let tally = source.round_tally(contest);
    (order(&tally, near), tally.provisional)
}

/// Work id → title, of the source's works.
pub fn titles(source: &ResultsSource) -> BTreeMap<String, String> {
    source
        .works
        .iter()
        .map(|w| (w.id.clone(), w.title.clone()))
        .collect()
}

/// The list as text: a heading, the table and, when cut short, how many more there are.
pub fn render(
    contest: &Contest,
    items: &[Item],
    titles: &BTreeMap<String, String>,
    names: &BTreeMap<String, String>,
    options: &Options,
    provisional: bool,
    lang: Lang,
) -> String {
    if items.is_empty() {
        return format!("{}\n", tr!(lang, "deliberate.empty"));
    }
    let near = items.iter().filter(|i| i.near).count();
    let mut out = format!(
        "{}\n",
        tr!(
            lang,
            "deliberate.heading",
            near = near,
            points = options.near
        )
    );
    if provisional {
        out.push_str(tr!(lang, "deliberate.provisional"));
        out.push('\n');
    }
    let shown = options.top.unwrap_or(items.len()).min(items.len());
    let names = options.names.then_some(names);
    let rows: Vec<Vec<String>> = items[..shown]
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let title = titles.get(&item.work).map_or("", String::as_str);
            let r = Row::of(contest, item, title, names, lang);
            vec![
                (n + 1).to_string(),
                r.work,
                r.title,
                r.place,
                r.score,
                r.range,
                r.sd,
                r.cutoff,
                r.totals.join(TOTALS_SEPARATOR),
            ]
        })
        .collect();
    out.push_str(&super::watch::aligned_table(&headings(lang), &rows));
    if near > 0 {
        out.push_str(tr!(lang, "deliberate.near_mark"));
        out.push('\n');
    }
    if shown < items.len() {
        out.push_str(&tr!(lang, "deliberate.more", n = items.len() - shown));
        out.push('\n');
    }
    out
}

/// `jury deliberate`.
pub fn run(
    near: Option<f64>,
    top: Option<usize>,
    names: bool,
    globals: &Globals,
) -> Result<bool, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let contest = &folder.contest;
    let lang = Lang::choose(globals.lang, contest.language);
    let near = match near {
        None => contest.deliberation.near_cutoff,
        Some(n) => Points::from_decimal(n)
            .filter(|p| p.0 >= 0)
            .ok_or_else(|| OrganizeError::Other(tr!(lang, "deliberate.bad_near", n = n)))?,
    };
    let source = ResultsSource::load(&master)?;
    let (items, provisional) = list(contest, &source, near);
    let titles = titles(&source);
    let judge_names: BTreeMap<String, String> = source
        .judges
        .iter()
        .map(|j| (j.id.clone(), j.name.clone()))
        .collect();
    let options = Options { near, top, names };
    print!(
        "{}",
        render(
            contest,
            &items,
            &titles,
            &judge_names,
            &options,
            provisional,
            lang
        )
    );
    Ok(true)
}
