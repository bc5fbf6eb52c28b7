//! `jury rule disqualify|deduct|revoke WORK`: the organizer's rulings, stored in the master
//! with who, when and why, and in the audit log. Reports and the organizer TUI show them;
//! the next `jury issue` carries a disqualification into the judges' ballots.

use clap::Subcommand;

use super::cli::{open_contest, OrganizeError};
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::Points;
use jury_core::rounds::RulingKind;
use jury_core::text::safe_line;

#[derive(Debug, Subcommand)]
pub enum RuleCmd {
    /// Disqualify a work (取消资格): it takes no place and no award.
    Disqualify {
        /// The work's number.
        work: String,
        /// Why, as the results will state it (e.g. "画面带水印").
        #[arg(long)]
        reason: String,
        /// Who decided (default: the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// Deduct points from a work's aggregate (applied after aggregation, shown beside it).
    Deduct {
        work: String,
        /// Points to take off, e.g. 5 or 2.5.
        #[arg(long)]
        points: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Revoke every ruling on a work (its disqualification and deductions).
    Revoke {
        work: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        by: Option<String>,
    },
}

fn login() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "organizer".into())
}

/// Runs one `jury rule` command and says what now stands.
pub fn run_rule(cmd: RuleCmd, globals: &Globals) -> Result<String, OrganizeError> {
    let (folder, mut master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let (work, kind, reason, by) = match cmd {
        RuleCmd::Disqualify { work, reason, by } => (work, RulingKind::Disqualify, reason, by),
        RuleCmd::Deduct {
            work,
            points,
            reason,
            by,
        } => {
            let max = folder.contest.rubric.max_total();
            let p = points
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(Points::from_decimal)
                .filter(|p| p.0 > 0 && *p <= max)
                .ok_or_else(|| {
                    OrganizeError::Other(tr!(
                        lang,
                        "rounds.rule.bad_points",
                        points = safe_line(&points),
                        max = max
                    ))
                })?;
            (work, RulingKind::Deduct(p), reason, by)
        }
        RuleCmd::Revoke { work, reason, by } => (work, RulingKind::Revoke, reason, by),
    };
    let work = work.trim().to_string();
    let reason = reason.trim().to_string();
    if reason.is_empty() && kind != RulingKind::Revoke {
        return Err(OrganizeError::Other(
            tr!(lang, "rounds.rule.no_reason").into(),
        ));
    }
    if !master.works()?.iter().any(|w| w.id == work) {
        return Err(OrganizeError::Other(tr!(
            lang,
            "rounds.rule.no_work",
            work = safe_line(&work)
        )));
    }
    let standing = jury_core::rounds::current_rulings(&master.rulings()?);
    if kind == RulingKind::Revoke && !standing.contains_key(&work) {
        return Err(OrganizeError::Other(tr!(
            lang,
            "rounds.rule.nothing_to_revoke",
            work = safe_line(&work)
        )));
    }
    let by = by
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(login);
    let r = master.add_ruling(&work, kind, &reason, &by)?;
    let mut out = match r.kind {
        RulingKind::Disqualify => tr!(
            lang,
            "rounds.rule.disqualified",
            work = safe_line(&work),
            reason = safe_line(&reason)
        ),
        RulingKind::Deduct(p) => tr!(
            lang,
            "rounds.rule.deducted",
            work = safe_line(&work),
            points = p,
            reason = safe_line(&reason)
        ),
        RulingKind::Revoke => tr!(lang, "rounds.rule.revoked", work = safe_line(&work)),
    };
    out.push('\n');
    out.push_str(tr!(lang, "rounds.rule.reissue"));
    out.push('\n');
    Ok(out)
}
