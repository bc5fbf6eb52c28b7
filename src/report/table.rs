//! The ranked table for the terminal (`jury results`). Columns are measured in terminal
//! cells with unicode-width (a CJK character is two cells), so every row of the table has
//! the same display width; only ASCII punctuation is used for marks, because ambiguous-width
//! glyphs (†, —, ·) take one cell in some terminals and two in CJK ones.

use super::view::{fmt_f64, fmt_score, method_label, missing_label, ResultsView};
use crate::i18n::Lang;
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
    let groups = view.group_labels(lang);
    let mut header: Vec<String> = vec![
        lang.pick("名次", "Place").into(),
        lang.pick("奖项", "Award").into(),
        lang.pick("编号", "No.").into(),
        lang.pick("作品名称", "Title").into(),
        lang.pick("创作单位", "Unit").into(),
        lang.pick("得分", "Score").into(),
    ];
    header.extend(groups.iter().map(|g| g.to_string()));
    header.push(lang.pick("评委", "Judges").into());
    let right: Vec<bool> = (0..header.len()).map(|c| c == 0 || c >= 5).collect();

    let rows: Vec<Vec<String>> = view
        .rows
        .iter()
        .map(|r| {
            let mut agg = fmt_score(r.aggregate);
            if r.fallback {
                agg.push('*');
            }
            let mut cells = vec![
                ResultsView::place_label(r),
                view.award_label(r, lang),
                r.work.clone(),
                r.title.clone(),
                r.unit.clone(),
                agg,
            ];
            for i in 0..groups.len() {
                cells.push(fmt_score(r.group_means.get(i).copied()));
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
    let mut method = match lang {
        Lang::Zh => format!("排名依据：{}", method_label(view.method, lang)),
        Lang::En => format!("Ranked on: {}", method_label(view.method, lang)),
    };
    if view.method != view.configured {
        method.push_str(&match lang {
            Lang::Zh => format!("（本赛配置为{}）", method_label(view.configured, lang)),
            Lang::En => format!(
                " (the contest is configured for {})",
                method_label(view.configured, lang)
            ),
        });
    }
    out.push(method);
    if let Some(banner) = view.provisional_banner(lang) {
        out.push(format!("!! {banner} !!"));
    }
    out.push(String::new());
    out.extend(table_lines(view, lang));
    out.push(String::new());

    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push(title.to_string());
            out.extend(lines.into_iter().map(|l| format!("  {l}")));
        }
    };
    section(
        lang.pick("奖项分数线：", "Tier cut-offs:"),
        view.cutoff_lines(lang),
    );
    section(
        lang.pick("跨分界并列：", "Ties across a tier boundary:"),
        view.boundary_lines(lang),
    );
    section(
        lang.pick(
            "* 未按配置方法计分的作品：",
            "* Works not ranked on the configured rule:",
        ),
        view.rule_notes(lang)
            .into_iter()
            .map(|(w, n)| format!("{w}: {n}"))
            .collect(),
    );
    if view.method == jury_core::model::contest::AggregationMethod::Zscore {
        section(
            lang.pick("标准分：", "Z-scores:"),
            view.zscore_note(lang).into_iter().collect(),
        );
    }
    section(
        lang.pick("评分不足的作品：", "Works with too few scores:"),
        view.short
            .iter()
            .map(|s| {
                let unranked = if s.ranked {
                    ""
                } else {
                    lang.pick("，未排名", ", not ranked")
                };
                match lang {
                    Lang::Zh => format!("{}：{}/{} 个评分{unranked}", s.work, s.scored, s.needed),
                    Lang::En => format!("{}: {}/{} scores{unranked}", s.work, s.scored, s.needed),
                }
            })
            .collect(),
    );
    section(
        lang.pick(
            "未提交或未合并的选票：",
            "Ballots not submitted or not merged:",
        ),
        view.tally.unsubmitted.clone(),
    );
    section(
        lang.pick("回避：", "Recusals:"),
        view.tally
            .recusals
            .iter()
            .map(|(j, w)| match lang {
                Lang::Zh => format!("评委 {j} 回避作品 {w}"),
                Lang::En => format!("judge {j} recused from work {w}"),
            })
            .collect(),
    );
    section(
        lang.pick("缺失的评分：", "Missing scores:"),
        view.tally
            .missing
            .iter()
            .map(|m| match lang {
                Lang::Zh => format!(
                    "作品 {} 评委 {}：{}",
                    m.work,
                    m.judge,
                    missing_label(&m.reason, &view.contest, lang)
                ),
                Lang::En => format!(
                    "work {} judge {}: {}",
                    m.work,
                    m.judge,
                    missing_label(&m.reason, &view.contest, lang)
                ),
            })
            .collect(),
    );
    section(
        lang.pick("评分分歧大的作品：", "Works with a high spread:"),
        view.rows
            .iter()
            .filter(|r| r.high_spread)
            .map(|r| match (r.spread, lang) {
                (Some(s), Lang::Zh) => format!("{}（极差 {s}）", r.work),
                (Some(s), Lang::En) => format!("{} (spread {s})", r.work),
                (None, _) => r.work.clone(),
            })
            .collect(),
    );
    let rel = &view.tally.reliability;
    let icc = rel.icc_oneway.map(|i| i.single);
    out.push(match lang {
        Lang::Zh => format!(
            "评分一致性：Krippendorff alpha = {}，ICC(1) = {}",
            fmt_f64(rel.alpha_interval, 3),
            fmt_f64(icc, 3)
        ),
        Lang::En => format!(
            "Agreement: Krippendorff's alpha = {}, ICC(1) = {}",
            fmt_f64(rel.alpha_interval, 3),
            fmt_f64(icc, 3)
        ),
    });
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
