//! `jury rounds` (the rounds, which is open, its progress) and `jury advance [--force]`
//! (close the open round, compute who advances, open the next), and the `--round ID` check
//! of the commands that act on the open round.

use std::collections::BTreeSet;

use super::cli::{open_contest, OrganizeError};
use super::results::ResultsSource;
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::{Advance, Contest, Round};
use jury_core::rounds::advancing;
use jury_core::text::{fit, safe_line};
use jury_store::master::{now_secs, AuditEntry, Master};

/// `id` if it names a round of `contest` (the implicit round of a contest without rounds is
/// ""), else one line listing the rounds there are.
pub fn known_round(contest: &Contest, id: &str, lang: Lang) -> Result<String, OrganizeError> {
    let id = id.trim();
    if !contest.has_rounds() {
        return Err(OrganizeError::Other(tr!(
            lang,
            "rounds.none",
            round = safe_line(id)
        )));
    }
    if contest.round(id).is_some() {
        return Ok(id.to_string());
    }
    let ids: Vec<String> = contest.rounds.iter().map(|r| r.id.clone()).collect();
    Err(OrganizeError::Other(tr!(
        lang,
        "rounds.unknown",
        round = safe_line(id),
        rounds = ids.join(", ")
    )))
}

/// A round whose data can be shown (`jury organize --round`): the open one, or a closed one.
pub fn readable_round(
    contest: &Contest,
    master: &Master,
    asked: &str,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let asked = known_round(contest, asked, lang)?;
    let closed = master.closed_rounds()?;
    if asked == master.current_round(contest)? || closed.iter().any(|c| c.round_id == asked) {
        return Ok(asked);
    }
    Err(OrganizeError::Other(tr!(
        lang,
        "rounds.not_reached",
        round = safe_line(&asked)
    )))
}

/// The open round; `asked` (from `--round`) must name it: assign, issue, merge and watch act
/// on the open round only (a closed round's results stay readable with `jury results`).
pub fn require_open(
    contest: &Contest,
    master: &Master,
    asked: Option<&str>,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let open = master.current_round(contest)?;
    if let Some(asked) = asked {
        let asked = known_round(contest, asked, lang)?;
        if asked != open {
            return Err(OrganizeError::Other(tr!(
                lang,
                "rounds.not_open",
                round = safe_line(&asked),
                open = safe_line(&open)
            )));
        }
    }
    Ok(open)
}

fn rule_text(round: &Round, lang: Lang) -> String {
    match round.advance {
        None => tr!(lang, "rounds.advance_rule.all").into(),
        Some(Advance::Top(n)) => tr!(lang, "rounds.advance_rule.top", n = n),
        Some(Advance::TopPercent(p)) => tr!(lang, "rounds.advance_rule.top_percent", p = p),
    }
}

/// `jury rounds`: one line per round (state, judges per work, advance rule, works) and the
/// open round's progress (ballots in, sheets scored).
pub fn run_rounds(globals: &Globals) -> Result<String, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let contest = &folder.contest;
    let lang = Lang::choose(globals.lang, contest.language);
    if !contest.has_rounds() {
        return Ok(format!("{}\n", tr!(lang, "rounds.single")));
    }
    let open = master.current_round(contest)?;
    let closed: BTreeSet<String> = master
        .closed_rounds()?
        .into_iter()
        .map(|c| c.round_id)
        .collect();
    let all_works = master.works()?.len();
    let mut out = String::new();
    let label_width = contest
        .rounds
        .iter()
        .map(|r| jury_core::text::width(&safe_line(r.label(lang))))
        .max()
        .unwrap_or(0);
    let states = [
        tr!(lang, "rounds.state.open"),
        tr!(lang, "rounds.state.closed"),
        tr!(lang, "rounds.state.pending"),
    ];
    let state_width = states
        .iter()
        .map(|s| jury_core::text::width(s))
        .max()
        .unwrap_or(0);
    for (i, r) in contest.rounds.iter().enumerate() {
        let state = if r.id == open {
            tr!(lang, "rounds.state.open")
        } else if closed.contains(&r.id) {
            tr!(lang, "rounds.state.closed")
        } else {
            tr!(lang, "rounds.state.pending")
        };
        let works = if i == 0 {
            Some(all_works)
        } else if r.id == open || closed.contains(&r.id) {
            Some(master.round_works(&r.id)?.len())
        } else {
            None
        };
        let works = works.map_or_else(|| "-".to_string(), |n| n.to_string());
        out.push_str(&format!(
            "{} {} {}\n",
            fit(&safe_line(r.label(lang)), label_width),
            fit(state, state_width),
            tr!(
                lang,
                "rounds.line",
                id = safe_line(&r.id),
                per_work = r.judges_per_work,
                rule = rule_text(r, lang),
                works = works,
                blind = if contest.is_blind(&r.id) {
                    tr!(lang, "rounds.blind")
                } else {
                    ""
                }
            )
        ));
    }
    let ballots = master.ballots()?;
    let source = ResultsSource::load(&master)?;
    let view = source.view(contest, None);
    let sheets: usize = view.tally.works.iter().map(|w| w.scored).sum();
    let assigned: usize = view
        .tally
        .works
        .iter()
        .map(|w| w.assigned.saturating_sub(w.recused))
        .sum();
    out.push_str(&tr!(
        lang,
        "rounds.progress",
        round = safe_line(&open),
        submitted = ballots
            .iter()
            .filter(|b| b.submitted && b.merged_revision > 0)
            .count(),
        ballots = ballots.len(),
        sheets = sheets,
        assigned = assigned
    ));
    out.push('\n');
    Ok(out)
}

/// `jury advance [--force]`: refused while the open round's results are provisional or a
/// flagged tie sits at the cut, unless `--force` (recorded in the audit log).
pub fn run_advance(globals: &Globals, force: bool) -> Result<String, OrganizeError> {
    let (folder, mut master) = open_contest(globals)?;
    let contest = &folder.contest;
    let lang = Lang::choose(globals.lang, contest.language);
    if !contest.has_rounds() {
        return Err(OrganizeError::Other(tr!(lang, "rounds.single").into()));
    }
    let open = master.current_round(contest)?;
    let Some(next) = contest.next_round(&open) else {
        return Err(OrganizeError::Other(tr!(
            lang,
            "rounds.advance.last",
            round = safe_line(&open)
        )));
    };
    let source = ResultsSource::load(&master)?;
    let view = source.view(contest, None);
    let mut forced = Vec::new();
    if view.provisional {
        if !force {
            return Err(OrganizeError::Other(tr!(
                lang,
                "rounds.advance.provisional",
                round = safe_line(&open),
                n = view.tally.unsubmitted.len()
            )));
        }
        forced.push(format!(
            "provisional: {} judges not in",
            view.tally.unsubmitted.len()
        ));
    }
    let outcome = advancing(&view.tally, &next);
    if outcome.flagged {
        if !force {
            return Err(OrganizeError::Other(tr!(
                lang,
                "rounds.advance.flagged",
                works = outcome.cut_tie.join(", ")
            )));
        }
        forced.push(format!("tie at the cut: {}", outcome.cut_tie.join(", ")));
    }
    if outcome.advancing.is_empty() {
        return Err(OrganizeError::Other(tr!(
            lang,
            "rounds.advance.none",
            round = safe_line(&open)
        )));
    }
    let audit = AuditEntry::contest_wide(
        now_secs(),
        "advance",
        if forced.is_empty() {
            "closed"
        } else {
            "forced"
        },
        format!(
            "round {open} closed; {} works advance to {}: {}{}",
            outcome.advancing.len(),
            next.id,
            outcome.advancing.join(", "),
            if forced.is_empty() {
                String::new()
            } else {
                format!("; --force: {}", forced.join("; "))
            }
        ),
    );
    master.close_round(
        &open,
        &next.id,
        &outcome.advancing,
        !forced.is_empty(),
        &audit,
    )?;
    let mut out = tr!(
        lang,
        "rounds.advance.done",
        round = safe_line(&open),
        next = safe_line(&next.id),
        n = outcome.advancing.len(),
        works = outcome.advancing.join(", ")
    )
    .to_string();
    out.push('\n');
    if !outcome.cut_tie.is_empty() {
        out.push_str(&tr!(
            lang,
            "rounds.advance.tie",
            works = outcome.cut_tie.join(", "),
            nominal = outcome.nominal
        ));
        out.push('\n');
    }
    if !forced.is_empty() {
        out.push_str(tr!(lang, "rounds.advance.forced"));
        out.push('\n');
    }
    out.push_str(&tr!(
        lang,
        "rounds.advance.next_steps",
        per_work = next.judges_per_work
    ));
    out.push('\n');
    Ok(out)
}
