//! The report's parts from the sign-off and revisions: the electronic confirmations on the
//! signature page (panel and internal audiences), beside the paper signatures, each marked
//! current or stale against this report's own fingerprint; and the list of changes to
//! submitted scores with their reasons (internal audience only).

use std::fmt::Write as _;

use super::html::esc;
use crate::i18n::Lang;
use crate::tr;
use jury_core::results::ResultsView;
use jury_core::signoff::short;

/// The confirmations table (nothing when no judge confirmed).
pub fn confirmations_html(h: &mut String, view: &ResultsView, lang: Lang) {
    let _ = writeln!(
        h,
        "<div class=\"confirmations\">\n<h3>{}</h3>\n<p class=\"small\">{}</p>",
        tr!(lang, "signoff.report.confirmations"),
        esc(&tr!(
            lang,
            "signoff.report.fingerprint",
            fingerprint = short(&view.fingerprint())
        ))
    );
    if view.confirmations.is_empty() {
        let _ = writeln!(h, "<p>{}</p>\n</div>", tr!(lang, "signoff.report.none"));
        return;
    }
    let _ = writeln!(
        h,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        tr!(lang, "report.judge.id"),
        tr!(lang, "report.judge.name"),
        tr!(lang, "signoff.report.confirmed_fingerprint"),
        tr!(lang, "signoff.report.when"),
        tr!(lang, "signoff.report.status"),
    );
    for c in &view.confirmations {
        let status = if c.current {
            tr!(lang, "signoff.report.current")
        } else {
            tr!(lang, "signoff.report.stale")
        };
        let _ = writeln!(
            h,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td class=\"receipt\">{}</td><td>{}</td><td>{}</td></tr>",
            if c.current { "current" } else { "stale" },
            esc(&c.judge),
            esc(&c.name),
            esc(&short(&c.fingerprint)),
            esc(&jury_store::snapshot::local_time(c.at, true)),
            status
        );
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
}

/// The revisions section (nothing when no submitted score was changed).
pub fn revisions_html(h: &mut String, view: &ResultsView, lang: Lang) {
    if view.revisions.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section class=\"revisions\">\n<h2>{}</h2>\n<ul>",
        tr!(lang, "signoff.report.revisions")
    );
    for r in &view.revisions {
        let _ = writeln!(
            h,
            "<li>{} <span class=\"small\">{}</span></li>",
            esc(&crate::commands::signoff::revision_line(
                &view.contest,
                r,
                lang
            )),
            esc(&jury_store::snapshot::local_time(r.at, true))
        );
    }
    h.push_str("</ul>\n</section>\n");
}
