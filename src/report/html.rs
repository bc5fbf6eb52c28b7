//! One self-contained HTML file: the panel's signed summary sheet.
//!
//! No external assets (no scripts, fonts, images or style sheets from elsewhere): the file is
//! mailed, archived and opened offline years later, and must look the same then. The plots
//! are inline SVG written here by hand, so they print sharp at any size. `@media print` rules
//! keep tables and plots from splitting across pages and put the signatures on their own page.
//!
//! Every string that comes from a user or a file (titles, units, names, labels from
//! contest.toml) goes through [`esc`]: a work titled `<script>` is shown, never run.

use std::fmt::Write as _;

use super::audience::Audience;
use super::view::{fmt_f64, fmt_points, point_decimals, score_text, JudgeRow, ResultsView};
use super::words::{method_label, missing_label, yes_no, ResultsWords};
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::Points;
use jury_core::tally::{Award, AwardOutcome, TallyParams};

/// Above this many works with a spread, the spread plot draws only the flagged ones.
pub const MAX_SPREAD_BARS: usize = 150;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 60em; color: #111; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; border-bottom: 1px solid #999; margin-top: 1.6em; }
.meta { color: #444; margin-top: 0; }
.banner { border: 3px solid #c00000; color: #c00000; font-weight: bold; padding: 0.6em 1em; margin: 1em 0; }
.final { border: 2px solid #2e7d32; color: #2e7d32; font-weight: bold; padding: 0.4em 1em; margin: 1em 0; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.tier-0 td:first-child, tr.tier-0 td:nth-child(2) { background: #fff3c4; }
tr.tier-1 td:first-child, tr.tier-1 td:nth-child(2) { background: #e8eef5; }
tr.tier-2 td:first-child, tr.tier-2 td:nth-child(2) { background: #f5e6dc; }
tr.undecided td:nth-child(2) { color: #c00000; font-weight: bold; }
tr.unranked td { color: #666; }
.receipt { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 1.1em; letter-spacing: 0.05em; }
figure { margin: 1em 0; }
figcaption { font-size: 0.9em; color: #444; }
svg text { font-size: 11px; fill: #222; }
.small { font-size: 0.85em; color: #444; }
.sign { display: flex; flex-wrap: wrap; gap: 1.2em 3em; margin-top: 1em; }
.sign div { min-width: 18em; padding-top: 2.2em; border-bottom: 1px solid #000; }
.internal { float: right; border: 2px solid #c00000; color: #c00000; font-weight: bold; padding: 0.1em 0.6em; letter-spacing: 0.2em; }
h3 { font-size: 1.05em; margin-bottom: 0.2em; }
.seals { display: flex; flex-wrap: wrap; gap: 2em; margin-top: 2em; }
.seal { width: 14em; height: 9em; border: 1px dashed #777; display: flex; align-items: flex-end; justify-content: center; text-align: center; padding: 0 0.5em 0.5em; font-size: 0.95em; }
.signtable td { height: 2.6em; min-width: 9em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  @page { size: A4; margin: 14mm; }
  table, figure, .banner { page-break-inside: avoid; break-inside: avoid; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  h2 { page-break-after: avoid; break-after: avoid; }
  section.signatures { page-break-before: always; break-before: page; }
  .banner { border-width: 4px; }
}
"#;

/// CSS class of a work's row by its award.
fn row_class(outcome: Option<AwardOutcome>) -> String {
    match outcome {
        Some(AwardOutcome::Awarded(Award::Tier(i))) => format!("tier-{i}"),
        Some(AwardOutcome::Awarded(Award::Rest)) => "rest".into(),
        Some(AwardOutcome::PanelDecides { .. }) => "undecided".into(),
        None => "unranked".into(),
    }
}

/// Colour of a tier in the plots.
fn tier_colour(outcome: Option<AwardOutcome>) -> &'static str {
    match outcome {
        Some(AwardOutcome::Awarded(Award::Tier(0))) => "#c99700",
        Some(AwardOutcome::Awarded(Award::Tier(1))) => "#4a6fa5",
        Some(AwardOutcome::Awarded(Award::Tier(2))) => "#a0522d",
        Some(AwardOutcome::Awarded(Award::Tier(_))) => "#2e7d32",
        Some(AwardOutcome::Awarded(Award::Rest)) => "#777777",
        Some(AwardOutcome::PanelDecides { .. }) => "#c00000",
        None => "#bbbbbb",
    }
}

/// The whole HTML document for the internal audience (everything).
pub fn render(view: &ResultsView, lang: Lang) -> String {
    render_for(view, lang, Audience::Internal)
}

/// The HTML document for `audience` (see [`super::audience`] for what each one gets).
pub fn render_for(view: &ResultsView, lang: Lang, audience: Audience) -> String {
    let mut h = String::new();
    let title = esc(view.title(lang));
    let html_lang = crate::i18n::code(lang);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} - {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        tr!(lang, "report.html.results")
    );
    let _ = write!(
        h,
        "<header>\n<h1>{title}</h1>\n<p class=\"meta\">{} &nbsp;|&nbsp; {}: {}</p>\n{}</header>\n",
        esc(view.contest.rubric.title(lang)),
        tr!(lang, "report.ranked_on"),
        esc(method_label(view.method, lang)),
        panel_meta(view, lang)
    );
    if let Some(round) = super::rounds::round_note(view, lang) {
        let _ = writeln!(h, "<p class=\"meta round\">{}</p>", esc(&round));
    }
    if audience == Audience::Internal {
        let _ = writeln!(
            h,
            "<div class=\"internal\">{}</div>",
            tr!(lang, "report.internal_mark")
        );
    }
    let banner = if audience == Audience::Public && view.provisional {
        Some(super::audience::public_banner(view, lang).to_string())
    } else {
        view.provisional_banner(lang)
    };
    match banner {
        Some(b) => {
            let _ = writeln!(h, "<div class=\"banner provisional\">{}</div>", esc(&b));
        }
        None => {
            let _ = writeln!(
                h,
                "<div class=\"final\">{}</div>",
                tr!(lang, "report.banner.final_long")
            );
        }
    }
    match audience {
        Audience::Public => {
            super::audience::award_list_html(&mut h, view, lang);
            super::audience::org_html(&mut h, view, lang);
        }
        Audience::Panel => {
            ranked(&mut h, view, lang);
            cutoffs(&mut h, view, lang);
            super::audience::org_html(&mut h, view, lang);
            signatures(&mut h, view, lang);
        }
        Audience::Internal => {
            ranked(&mut h, view, lang);
            cutoffs(&mut h, view, lang);
            super::audience::org_html(&mut h, view, lang);
            plots(&mut h, view, lang);
            judges(&mut h, view, lang);
            statistics(&mut h, view, lang);
            receipts(&mut h, view, lang);
            super::signoff::revisions_html(&mut h, view, lang);
            super::audience::comments_html(&mut h, view, lang, true);
            signatures(&mut h, view, lang);
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn ranked(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"ranked\">\n<h2>{}</h2>\n<table>\n<thead><tr>",
        tr!(lang, "report.html.ranking")
    );
    let heads = view.ranked_headers(lang);
    for t in &heads {
        let _ = write!(h, "<th>{}</th>", esc(t));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &view.rows {
        let mut agg = super::view::fmt_score(r.aggregate);
        if r.fallback {
            agg.push('*');
        }
        agg.push_str(&super::rounds::score_mark(view, r, lang));
        let _ = write!(
            h,
            "<tr class=\"{}\" data-work=\"{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>",
            row_class(r.award),
            esc(&r.work),
            esc(&ResultsView::place_label(r)),
            esc(&view.award_label(r, lang)),
            esc(&r.work),
            esc(&r.title),
            esc(&r.unit),
            esc(&r.district),
            esc(&agg)
        );
        for i in 0..view.contest.rubric.groups.len() {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td>",
                esc(&super::view::fmt_score(r.group_scores.get(i).copied()))
            );
        }
        let _ = writeln!(h, "<td class=\"num\">{}</td></tr>", r.scored);
    }
    h.push_str("</tbody>\n</table>\n");
    let rulings = super::rounds::ruling_lines(view, lang);
    note_block(h, "small", tr!(lang, "rounds.report.section"), &rulings);
    let notes = view.rule_notes(lang);
    if !notes.is_empty() {
        h.push_str("<p class=\"small\">");
        for (w, n) in notes {
            let _ = write!(h, "* {}: {}<br>", esc(&w), esc(&n));
        }
        h.push_str("</p>\n");
    }
    let ties = view.tie_lines(lang);
    note_block(
        h,
        "small ties",
        tr!(lang, "report.section.ties_broken"),
        &ties,
    );
    if let Some(note) = view.zscore_note(lang) {
        let _ = writeln!(h, "<p class=\"small\">{}</p>", esc(&note));
    }
    h.push_str("</section>\n");
}

/// A headed paragraph of lines (rulings, broken ties, ties at a cut-off); nothing when empty.
fn note_block(h: &mut String, class: &str, heading: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<p class=\"{class}\"><strong>{}</strong><br>",
        esc(heading)
    );
    for line in lines {
        let _ = write!(h, "{}<br>", esc(line));
    }
    h.push_str("</p>\n");
}

fn cutoffs(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"cutoffs\">\n<h2>{}</h2>\n<ul>",
        tr!(lang, "report.section.cutoffs")
    );
    for line in view.cutoff_lines(lang) {
        let _ = writeln!(h, "<li>{}</li>", esc(&line));
    }
    h.push_str("</ul>\n");
    let ties = view.boundary_lines(lang);
    note_block(h, "ties", tr!(lang, "report.section.boundary_ties"), &ties);
    h.push_str("</section>\n");
}

fn plots(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"plots\">\n<h2>{}</h2>",
        tr!(lang, "report.html.plots")
    );
    let _ = writeln!(
        h,
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
        svg_ranked(view, lang),
        esc(tr!(lang, "report.html.caption_ranked"))
    );
    let _ = writeln!(
        h,
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
        svg_judges(view, lang),
        esc(&tr!(
            lang,
            "report.html.caption_judges",
            min = super::MIN_JUDGE_WORKS
        ))
    );
    let _ = writeln!(
        h,
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
        svg_spread(view, lang),
        esc(&tr!(
            lang,
            "report.html.caption_spread",
            min = super::MIN_SPREAD_TOTALS
        ))
    );
    h.push_str("</section>\n");
}

/// A "nice" axis range around `lo..hi` in points, on multiples of 10, within 0..=max.
fn axis(lo: f64, hi: f64, max: f64) -> (f64, f64) {
    let lo = ((lo / 10.0).floor() * 10.0).max(0.0);
    let mut hi = ((hi / 10.0).ceil() * 10.0).min(max.max(1.0));
    if hi <= lo {
        hi = lo + 10.0;
    }
    (lo, hi)
}

/// Tick values from `lo` to `hi` on a round step (1, 2, 5, 10, …) giving at most 6 intervals.
/// Tick marks and their labels under a horizontal axis at `base`; `x` places a value.
fn x_ticks(s: &mut String, values: Vec<f64>, x: &impl Fn(f64) -> f64, base: f64) {
    for v in values {
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:.0}</text>",
            x(v),
            x(v),
            base + 4.0,
            x(v),
            base + 16.0
        );
    }
}

fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1.0);
    let step = [
        1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
    ]
    .into_iter()
    .find(|s| span / s <= 6.0)
    .unwrap_or(span);
    let mut out = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi + 1e-9 {
        out.push(v);
        v += step;
    }
    out
}

fn pts(p: Points) -> f64 {
    p.0 as f64 / Points::SCALE as f64
}

fn empty_svg(text: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"40\" viewBox=\"0 0 640 40\" role=\"img\"><text x=\"10\" y=\"25\">{}</text></svg>",
        esc(text)
    )
}

/// Aggregates in rank order (dots by tier) with a dashed line at each tier's lowest score.
fn svg_ranked(view: &ResultsView, lang: Lang) -> String {
    let ranked: Vec<_> = view
        .rows
        .iter()
        .filter(|r| r.place.is_some())
        .filter_map(|r| r.aggregate.map(|a| (r, a.to_f64())))
        .collect();
    if ranked.is_empty() {
        return empty_svg(tr!(lang, "report.html.no_ranked"));
    }
    let (w, hgt, ml, mr, mt, mb) = (640.0, 280.0, 50.0, 130.0, 15.0, 35.0);
    let lo = ranked.iter().map(|r| r.1).fold(f64::MAX, f64::min);
    let hi = ranked.iter().map(|r| r.1).fold(f64::MIN, f64::max);
    let (y0, y1) = axis(lo, hi, pts(view.contest.rubric.max_total()));
    let n = ranked.len();
    let x = |i: usize| ml + (w - ml - mr) * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| mt + (hgt - mt - mb) * (1.0 - (v - y0) / (y1 - y0));
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot-ranked\" width=\"{w}\" height=\"{hgt}\" viewBox=\"0 0 {w} {hgt}\" role=\"img\">\n"
    );
    let _ = writeln!(
        s,
        "<line x1=\"{ml}\" y1=\"{mt}\" x2=\"{ml}\" y2=\"{:.1}\" stroke=\"#333\"/><line x1=\"{ml}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
        hgt - mb,
        hgt - mb,
        w - mr,
        hgt - mb
    );
    for v in ticks(y0, y1) {
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{ml}\" y2=\"{:.1}\" stroke=\"#333\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}</text>",
            ml - 4.0,
            y(v),
            y(v),
            ml - 6.0,
            y(v) + 4.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        ml + (w - ml - mr) / 2.0,
        hgt - 4.0,
        esc(tr!(lang, "report.html.axis_place"))
    );
    for t in &view.tally.tiers {
        if let Some(low) = t.lowest {
            if matches!(t.award, Award::Rest) {
                continue;
            }
            let yy = y(low.to_f64());
            let label = format!(
                "{} {}",
                t.award.label(&view.contest.awards, lang),
                score_text(low)
            );
            let _ = writeln!(
                s,
                "<line class=\"cutoff\" x1=\"{ml}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                w - mr,
                w - mr + 4.0,
                yy + 4.0,
                esc(&label)
            );
        }
    }
    for (i, (r, v)) in ranked.iter().enumerate() {
        if n <= 40 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(i),
                hgt - mb + 14.0,
                r.place.unwrap_or(0)
            );
        }
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"><title>{} {}</title></circle>",
            x(i),
            y(*v),
            tier_colour(r.award),
            esc(&r.work),
            esc(&super::view::fmt_score(r.aggregate))
        );
    }
    s.push_str("</svg>");
    s
}

/// Linear-interpolated quantile of sorted values (R type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos - pos.floor());
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + frac * (next - sorted[i]),
        None => sorted[i],
    }
}

/// Box plot with points per published judge.
fn svg_judges(view: &ResultsView, lang: Lang) -> String {
    let shown: Vec<&JudgeRow> = view
        .judges
        .iter()
        .filter(|j| j.published && !j.totals.is_empty())
        .collect();
    if shown.is_empty() {
        return empty_svg(tr!(lang, "report.html.no_judge_plot"));
    }
    let row_h = 26.0;
    let (w, ml, mr, mt, mb) = (640.0, 130.0, 20.0, 10.0, 30.0);
    let hgt = mt + mb + row_h * shown.len() as f64;
    let all: Vec<f64> = shown
        .iter()
        .flat_map(|j| j.totals.iter().map(|&p| pts(p)))
        .collect();
    let lo = all.iter().copied().fold(f64::MAX, f64::min);
    let hi = all.iter().copied().fold(f64::MIN, f64::max);
    let (x0, x1) = axis(lo, hi, pts(view.contest.rubric.max_total()));
    let x = |v: f64| ml + (w - ml - mr) * (v - x0) / (x1 - x0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot-judges\" width=\"{w}\" height=\"{hgt}\" viewBox=\"0 0 {w} {hgt}\" role=\"img\">\n"
    );
    let base = hgt - mb;
    let _ = writeln!(
        s,
        "<line x1=\"{ml}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\" stroke=\"#333\"/>",
        w - mr
    );
    x_ticks(&mut s, ticks(x0, x1), &x, base);
    for (i, j) in shown.iter().enumerate() {
        let cy = mt + row_h * (i as f64 + 0.5);
        let vals: Vec<f64> = j.totals.iter().map(|&p| pts(p)).collect();
        let (q1, med, q3) = (
            quantile(&vals, 0.25),
            quantile(&vals, 0.5),
            quantile(&vals, 0.75),
        );
        let (mn, mx) = (vals[0], vals[vals.len() - 1]);
        let label = if j.name.is_empty() {
            j.judge.clone()
        } else {
            format!("{} {}", j.judge, j.name)
        };
        let _ = writeln!(
            s,
            "<g class=\"judge\"><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            ml - 8.0,
            cy + 4.0,
            esc(&label)
        );
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"#555\"/><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#dde6f0\" stroke=\"#4a6fa5\"/><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1a3d6d\" stroke-width=\"2\"/>",
            x(mn),
            x(mx),
            x(q1),
            cy - 8.0,
            (x(q3) - x(q1)).max(1.0),
            16.0,
            x(med),
            cy - 8.0,
            x(med),
            cy + 8.0
        );
        for v in &vals {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"2\" fill=\"#222\" fill-opacity=\"0.6\"/>",
                x(*v)
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars: spread of judge totals per work, in rank order, flag line dashed.
fn svg_spread(view: &ResultsView, lang: Lang) -> String {
    let mut shown: Vec<_> = view
        .rows
        .iter()
        .filter_map(|r| r.spread.map(|s| (r, pts(s))))
        .collect();
    // A bar per work stops being readable (and printable) in large contests: then only the
    // flagged works are drawn, and the plot says so.
    let capped = shown.len() > MAX_SPREAD_BARS;
    if capped {
        shown.retain(|(r, _)| r.high_spread);
        shown.truncate(MAX_SPREAD_BARS);
        if shown.is_empty() {
            return empty_svg(tr!(lang, "report.html.no_high_spread"));
        }
    }
    if shown.is_empty() {
        return empty_svg(tr!(lang, "report.html.no_spread"));
    }
    let flag = pts(TallyParams::for_contest(&view.contest).high_spread);
    let row_h = 16.0;
    let (w, ml, mr, mb) = (640.0, 70.0, 30.0, 30.0);
    let mt = if capped { 24.0 } else { 10.0 };
    let hgt = mt + mb + row_h * shown.len() as f64;
    let top = shown.iter().map(|r| r.1).fold(flag, f64::max);
    let (_, x1) = axis(0.0, top, f64::MAX);
    let x = |v: f64| ml + (w - ml - mr) * v / x1;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot-spread\" width=\"{w}\" height=\"{hgt}\" viewBox=\"0 0 {w} {hgt}\" role=\"img\">\n"
    );
    let base = hgt - mb;
    if capped {
        let _ = writeln!(
            s,
            "<text x=\"{ml}\" y=\"14\">{}</text>",
            esc(&tr!(lang, "report.html.capped", max = MAX_SPREAD_BARS))
        );
    }
    x_ticks(&mut s, ticks(0.0, x1), &x, base);
    let decimals = point_decimals(&view.contest);
    for (i, (r, v)) in shown.iter().enumerate() {
        let y = mt + row_h * i as f64;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{ml}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} {}</title></rect>",
            ml - 6.0,
            y + row_h - 4.0,
            esc(&r.work),
            y + 2.0,
            (x(*v) - ml).max(0.5),
            row_h - 4.0,
            if r.high_spread { "#c00000" } else { "#7a9cc6" },
            esc(&r.work),
            r.spread.map_or_else(String::new, |p| fmt_points(p, decimals))
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{ml}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\" stroke=\"#333\"/><line class=\"flag\" x1=\"{:.1}\" y1=\"{mt}\" x2=\"{:.1}\" y2=\"{base:.1}\" stroke=\"#c00000\" stroke-dasharray=\"4 3\"/>",
        w - mr,
        x(flag),
        x(flag)
    );
    s.push_str("</svg>");
    s
}

fn judges(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"judges\">\n<h2>{}</h2>\n<table>\n<thead><tr>",
        tr!(lang, "report.html.judges")
    );
    for t in [
        tr!(lang, "report.judge.id"),
        tr!(lang, "report.judge.name"),
        tr!(lang, "report.judge.unit"),
        tr!(lang, "report.judge.submitted"),
        tr!(lang, "report.judge.scored"),
        tr!(lang, "report.judge.recused"),
        tr!(lang, "report.judge.mean_total"),
        tr!(lang, "report.judge.severity"),
    ] {
        let _ = write!(h, "<th>{}</th>", esc(t));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for j in &view.judges {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&j.judge),
            esc(&j.name),
            esc(&j.unit),
            yes_no(j.submitted, lang),
            j.scored,
            j.recused,
            esc(&super::view::fmt_score(j.mean_total)),
            esc(&fmt_f64(j.severity, 2))
        );
    }
    let _ = writeln!(
        h,
        "</tbody>\n</table>\n<p class=\"small\">{}</p>\n</section>",
        esc(&tr!(
            lang,
            "report.html.judges_note",
            min = super::MIN_JUDGE_WORKS
        ))
    );
}

fn statistics(h: &mut String, view: &ResultsView, lang: Lang) {
    let rel = &view.tally.reliability;
    let _ = writeln!(
        h,
        "<section class=\"statistics\">\n<h2>{}</h2>\n<ul>",
        tr!(lang, "report.html.statistics")
    );
    let one = rel.icc_oneway;
    let _ = writeln!(
        h,
        "<li>Krippendorff alpha ({}) = {}</li><li>ICC(1) = {}, ICC(1,k) = {}</li>",
        tr!(lang, "report.html.interval"),
        fmt_f64(rel.alpha_interval, 3),
        fmt_f64(one.map(|i| i.single), 3),
        fmt_f64(one.map(|i| i.average), 3)
    );
    h.push_str("</ul>\n");
    let list = |h: &mut String, title: &str, items: Vec<String>| {
        let _ = write!(h, "<p><strong>{}</strong>: ", esc(title));
        if items.is_empty() {
            h.push_str(tr!(lang, "report.none"));
        } else {
            h.push_str(
                &items
                    .iter()
                    .map(|i| esc(i))
                    .collect::<Vec<_>>()
                    .join(tr!(lang, "report.list_sep")),
            );
        }
        h.push_str("</p>\n");
    };
    list(
        h,
        tr!(lang, "report.section.high_spread"),
        view.rows
            .iter()
            .filter(|r| r.high_spread)
            .map(|r| match r.spread {
                Some(s) => format!(
                    "{} ({})",
                    r.work,
                    fmt_points(s, point_decimals(&view.contest))
                ),
                None => r.work.clone(),
            })
            .collect(),
    );
    list(
        h,
        tr!(lang, "report.section.outliers"),
        view.outliers
            .iter()
            .map(|o| {
                let dir = if o.above {
                    tr!(lang, "report.html.high")
                } else {
                    tr!(lang, "report.html.low")
                };
                format!("{} / {} {dir}", o.work, o.judge)
            })
            .collect(),
    );
    list(
        h,
        tr!(lang, "report.section.short"),
        view.short
            .iter()
            .map(|s| format!("{} ({}/{})", s.work, s.scored, s.needed))
            .collect(),
    );
    list(
        h,
        tr!(lang, "report.section.unsubmitted"),
        view.tally.unsubmitted.clone(),
    );
    list(
        h,
        tr!(lang, "report.section.recusals"),
        view.tally
            .recusals
            .iter()
            .map(|(j, w)| format!("{j} / {w}"))
            .collect(),
    );
    list(
        h,
        tr!(lang, "report.section.missing"),
        view.tally
            .missing
            .iter()
            .map(|m| {
                format!(
                    "{} / {}: {}",
                    m.work,
                    m.judge,
                    missing_label(&m.reason, &view.contest, lang)
                )
            })
            .collect(),
    );
    h.push_str("</section>\n");
}

fn receipts(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"receipts\">\n<h2>{}</h2>\n<p class=\"small\">{}</p>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        tr!(lang, "report.html.receipts"),
        esc(tr!(lang, "report.html.receipts_note")),
        tr!(lang, "report.judge.id"),
        tr!(lang, "report.judge.name"),
        tr!(lang, "report.html.revision"),
        tr!(lang, "report.html.receipt"),
        tr!(lang, "report.judge.submitted")
    );
    for r in &view.receipts {
        let code = r
            .receipt
            .clone()
            .unwrap_or_else(|| tr!(lang, "report.html.not_merged").into());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"receipt\">{}</td><td>{}</td></tr>",
            esc(&r.judge),
            esc(&r.name),
            r.revision,
            esc(&code),
            yes_no(r.submitted, lang)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// "评审组长：… | 评审日期：… | 评审地点：…" from `[panel]`, or "" when it is empty.
fn panel_meta(view: &ResultsView, lang: Lang) -> String {
    let p = &view.contest.panel;
    let parts: Vec<String> = [
        (tr!(lang, "report.panel.chair"), &p.chair),
        (tr!(lang, "report.panel.date"), &p.date),
        (tr!(lang, "report.panel.place"), &p.place),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}{}{}", tr!(lang, "report.colon"), esc(v)))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"meta panel\">{}</p>\n",
            parts.join(" &nbsp;|&nbsp; ")
        )
    }
}

/// The signature page: every judge with an assignment (name, unit, room to sign and date),
/// the chair, and one seal box per 主办单位.
fn signatures(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"signatures\">\n<h2>{}</h2>\n<p>{}</p>\n{}",
        tr!(lang, "report.html.signatures"),
        esc(&tr!(lang, "report.html.confirm", title = view.title(lang))),
        panel_meta(view, lang)
    );
    if view.provisional {
        let _ = writeln!(
            h,
            "<p class=\"banner\">{}</p>",
            esc(tr!(lang, "report.html.do_not_sign"))
        );
    }
    let sign = tr!(lang, "report.html.signature");
    let date = tr!(lang, "report.html.date");
    let _ = writeln!(
        h,
        "<table class=\"signtable\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        tr!(lang, "report.sign.role"),
        tr!(lang, "report.judge.name"),
        tr!(lang, "report.judge.unit"),
        sign,
        date
    );
    let chair = view.contest.panel.chair.trim();
    let _ = writeln!(
        h,
        "<tr class=\"chair\"><td>{}</td><td>{}</td><td></td><td></td><td></td></tr>",
        tr!(lang, "report.html.chair"),
        esc(chair)
    );
    // Judges with assignments sign; a judge who had nothing to score has nothing to confirm.
    for j in view.judges.iter().filter(|j| j.assigned > 0) {
        let who = if j.name.is_empty() { &j.judge } else { &j.name };
        let _ = writeln!(
            h,
            "<tr class=\"judge\"><td>{}</td><td>{}</td><td>{}</td><td></td><td></td></tr>",
            tr!(lang, "report.sign.judge"),
            esc(who),
            esc(&j.unit)
        );
    }
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td></td><td></td><td></td><td></td></tr>\n</tbody>\n</table>",
        tr!(lang, "report.html.organizer")
    );
    super::signoff::confirmations_html(h, view, lang);
    if !view.contest.organisers.is_empty() {
        h.push_str("<div class=\"seals\">\n");
        for o in &view.contest.organisers {
            let _ = writeln!(
                h,
                "<div class=\"seal\">{}</div>",
                esc(&tr!(lang, "report.sign.seal", organiser = o))
            );
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_neutralises_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("科学家精神"), "科学家精神");
    }

    #[test]
    fn ticks_fall_on_round_steps() {
        assert_eq!(ticks(0.0, 30.0), [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0]);
        assert_eq!(ticks(70.0, 90.0), [70.0, 75.0, 80.0, 85.0, 90.0]);
        assert_eq!(ticks(50.0, 100.0), [50.0, 60.0, 70.0, 80.0, 90.0, 100.0]);
    }

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let v = [50.0, 79.0, 83.0, 85.0, 88.0, 93.0];
        assert_eq!(quantile(&v, 0.5), 84.0);
        assert_eq!(quantile(&v, 0.25), 80.0);
        assert_eq!(quantile(&v, 0.0), 50.0);
        assert_eq!(quantile(&v, 1.0), 93.0);
        assert_eq!(quantile(&[7.0], 0.75), 7.0);
    }
}
