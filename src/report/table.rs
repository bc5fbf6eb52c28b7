//! The ranked table for the terminal (`jury results`). Columns are measured in terminal
//! cells with unicode-width (a CJK character is two cells), so every row of the table has
//! the same display width; only ASCII punctuation is used for marks, because ambiguous-width
//! glyphs (†, —, ·) take one cell in some terminals and two in CJK ones.

use super::view::{fmt_f64, fmt_points, fmt_score, point_decimals, ResultsView};
use super::words::{method_label, missing_label, ResultsWords};
use crate::i18n::Lang;
use crate::tr;
use jury_core::text::{fit, width};

/// Widest title and unit columns, in cells; longer text is cut with "..".
const TITLE_MAX: usize = 30;
const UNIT_MAX: usize = 20;
const AWARD_MAX: usize = 24;

/// Right-aligns `s` in `w` cells (cuts like [`fit`] when too wide).
fn rfit(s: &str, w: usize) -> String {
    let n = width(s);
    if n <= w {
        format!("{}{s}", " ".repeat(w - n))
    } else {
        fit(s, w)
    }
}

/// The table lines only (header, rule, one line per work), each of equal display width.
pub fn table_lines(view: &ResultsView, lang: Lang) -> Vec<String> {
    let groups = view.subtotal_labels(lang);
    let mut header = crate::i18n::texts(lang, super::words::RANKED_COLUMNS);
    header.push(tr!(lang, "report.col.score").into());
    header.extend(groups.iter().map(|g| g.to_string()));
    header.push(tr!(lang, "report.col.judges_short").into());
    let right: Vec<bool> = (0..header.len()).map(|c| c == 0 || c >= 5).collect();

    let rows: Vec<Vec<String>> = view
        .rows
        .iter()
        .map(|r| {
            let mut agg = fmt_score(r.aggregate);
            if r.fallback {
                agg.push('*');
            }
            agg.push_str(&super::rounds::score_mark(view, r, lang));
            let mut cells = vec![
                ResultsView::place_label(r),
                view.award_label(r, lang),
                r.work.clone(),
                r.title.clone(),
                r.unit.clone(),
                agg,
            ];
            for i in 0..groups.len() {
                cells.push(fmt_score(r.group_scores.get(i).copied()));
            }
            cells.push(r.scored.to_string());
            cells
        })
        .collect();

    let caps = |c: usize| match c {
        1 => AWARD_MAX,
        3 => TITLE_MAX,
        4 => UNIT_MAX,
        _ => usize::MAX,
    };
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| width(&r[c]))
                .chain([width(&header[c])])
                .max()
                .unwrap_or(0)
                .min(caps(c))
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if right[c] {
                    rfit(s, widths[c])
                } else {
                    fit(s, widths[c])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = vec![line(&header)];
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    out.push("-".repeat(total));
    out.extend(rows.iter().map(|r| line(r)));
    out
}

/// The whole terminal report: title, method, provisional banner, table, cut-offs, notes and
/// the lists of what is missing.
pub fn render(view: &ResultsView, lang: Lang) -> String {
    let mut out = Vec::new();
    out.push(view.title(lang).to_string());
    let mut method = tr!(
        lang,
        "report.table.ranked_on",
        method = method_label(view.method, lang)
    );
    if view.method != view.configured {
        method.push_str(&tr!(
            lang,
            "report.table.configured",
            method = method_label(view.configured, lang)
        ));
    }
    out.push(method);
    if let Some(banner) = view.provisional_banner(lang) {
        out.push(format!("!! {banner} !!"));
    }
    out.extend(super::rounds::round_note(view, lang));
    out.push(String::new());
    out.extend(table_lines(view, lang));
    out.push(String::new());

    let colon = tr!(lang, "report.colon");
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push(format!("{title}{colon}"));
            out.extend(lines.into_iter().map(|l| format!("  {l}")));
        }
    };
    section(tr!(lang, "report.section.cutoffs"), view.cutoff_lines(lang));
    section(
        tr!(lang, "report.section.boundary_ties"),
        view.boundary_lines(lang),
    );
    section(
        tr!(lang, "report.section.ties_broken"),
        view.tie_lines(lang),
    );
    section(
        tr!(lang, "rounds.report.section"),
        super::rounds::ruling_lines(view, lang),
    );
    section(
        tr!(lang, "report.section.fallback"),
        view.rule_notes(lang)
            .into_iter()
            .map(|(w, n)| format!("{w}: {n}"))
            .collect(),
    );
    if view.method == jury_core::model::contest::AggregationMethod::Zscore {
        section(
            tr!(lang, "report.section.zscores"),
            view.zscore_note(lang).into_iter().collect(),
        );
    }
    section(
        tr!(lang, "report.section.short"),
        view.short
            .iter()
            .map(|s| {
                let unranked = if s.ranked {
                    ""
                } else {
                    tr!(lang, "report.table.not_ranked_suffix")
                };
                tr!(
                    lang,
                    "report.table.short",
                    work = s.work,
                    scored = s.scored,
                    needed = s.needed,
                    unranked = unranked
                )
            })
            .collect(),
    );
    section(
        tr!(lang, "report.section.unsubmitted"),
        view.tally.unsubmitted.clone(),
    );
    section(
        tr!(lang, "report.section.recusals"),
        view.tally
            .recusals
            .iter()
            .map(|(j, w)| tr!(lang, "report.table.recusal", judge = j, work = w))
            .collect(),
    );
    section(
        tr!(lang, "report.section.missing"),
        view.tally
            .missing
            .iter()
            .map(|m| {
                tr!(
                    lang,
                    "report.table.missing",
                    work = m.work,
                    judge = m.judge,
                    reason = missing_label(&m.reason, &view.contest, lang)
                )
            })
            .collect(),
    );
    section(
        tr!(lang, "report.section.high_spread"),
        view.rows
            .iter()
            .filter(|r| r.high_spread)
            .map(|r| match r.spread {
                Some(s) => tr!(
                    lang,
                    "report.table.spread",
                    work = r.work,
                    spread = fmt_points(s, point_decimals(&view.contest))
                ),
                None => r.work.clone(),
            })
            .collect(),
    );
    let rel = &view.tally.reliability;
    let icc = rel.icc_oneway.map(|i| i.single);
    out.push(tr!(
        lang,
        "report.table.agreement",
        alpha = fmt_f64(rel.alpha_interval, 3),
        icc = fmt_f64(icc, 3)
    ));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfit_right_aligns_in_cells() {
        assert_eq!(rfit("88", 5), "   88");
        assert_eq!(rfit("一等奖", 8), "  一等奖");
        assert_eq!(width(&rfit("很长很长的名字", 6)), 6);
    }
}
