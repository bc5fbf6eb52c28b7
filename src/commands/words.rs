//! The words of `jury merge`, `jury watch`, `jury log` and `jury assign`: the store's and the
//! assignment engine's typed results turned into one language's text from `locales/sync.yml`.
//! Every string that came from a file (file names, ids, details) goes through
//! [`safe_line`] on its way to the terminal.

use jury_core::assign::{AssignError, Conflict, Disconnect, EditError, Note};
use jury_core::text::safe_line;
use jury_store::merge::{MergeDiff, MergeOutcome, MergeReport};
use jury_store::snapshot::SnapshotError;
use jury_store::verify::{ChainProblem, ContentProblem, Mismatch, Origin, VerifyError};

use crate::i18n::Lang;
use crate::tr;

/// The file, and the judge once known.
pub fn origin(at: &Origin, lang: Lang) -> String {
    let file = safe_line(&at.file.display().to_string()).into_owned();
    match &at.judge {
        None => file,
        Some(judge) => tr!(lang, "sync.at_judge", file = file, judge = safe_line(judge)),
    }
}

/// How a ballot differs from the issued ballot whose key opened it.
pub fn mismatch(m: &Mismatch, lang: Lang) -> String {
    match m {
        Mismatch::BallotId { found, expected } => tr!(
            lang,
            "sync.mismatch.ballot_id",
            found = safe_line(found),
            expected = safe_line(expected)
        ),
        Mismatch::Judge { ballot, judge } => tr!(
            lang,
            "sync.mismatch.judge",
            ballot = safe_line(ballot),
            judge = safe_line(judge)
        ),
        Mismatch::OlderIssue {
            ballot,
            found,
            expected,
        } => tr!(
            lang,
            "sync.mismatch.older",
            ballot = safe_line(ballot),
            found = found,
            expected = expected
        ),
        Mismatch::NewerIssue {
            ballot,
            found,
            expected,
        } => tr!(
            lang,
            "sync.mismatch.newer",
            ballot = safe_line(ballot),
            found = found,
            expected = expected
        ),
    }
}

/// Where a ballot's event log breaks.
pub fn chain_problem(p: &ChainProblem, lang: Lang) -> String {
    match p {
        ChainProblem::Sequence(n) => tr!(lang, "sync.chain.sequence", n = n),
        ChainProblem::Link => tr!(lang, "sync.chain.link").into(),
        ChainProblem::Hash => tr!(lang, "sync.chain.hash").into(),
        ChainProblem::Unreadable(e) => tr!(lang, "sync.chain.unreadable", error = safe_line(e)),
        ChainProblem::Kind => tr!(lang, "sync.chain.kind").into(),
        ChainProblem::CreationIdentity => tr!(lang, "sync.chain.creation_identity").into(),
        ChainProblem::CreationWorks => tr!(lang, "sync.chain.creation_works").into(),
        ChainProblem::FirstNotCreation => tr!(lang, "sync.chain.first_not_creation").into(),
        ChainProblem::SecondCreation => tr!(lang, "sync.chain.second_creation").into(),
        ChainProblem::Head => tr!(lang, "sync.chain.head").into(),
        ChainProblem::Revision { revision, events } => tr!(
            lang,
            "sync.chain.revision",
            revision = revision,
            events = events
        ),
        ChainProblem::Replay => tr!(lang, "sync.chain.replay").into(),
    }
}

/// What is wrong with a ballot's content.
pub fn content_problem(p: &ContentProblem, lang: Lang) -> String {
    let safe = |s: &str| safe_line(s).into_owned();
    match p {
        ContentProblem::MissingMeta(key) => tr!(lang, "sync.content.missing_meta", key = key),
        ContentProblem::VersionNotANumber => tr!(lang, "sync.content.version_not_a_number").into(),
        ContentProblem::StateRows(n) => tr!(lang, "sync.content.state_rows", n = n),
        ContentProblem::SubmittedFlag(flag) => {
            tr!(lang, "sync.content.submitted_flag", flag = flag)
        }
        ContentProblem::ScoreMaximum { work } => {
            tr!(lang, "sync.content.score_maximum", work = safe(work))
        }
        ContentProblem::Rubric => tr!(lang, "sync.content.rubric").into(),
        ContentProblem::UnknownCriterion { criterion } => tr!(
            lang,
            "sync.content.unknown_criterion",
            criterion = safe(criterion)
        ),
        ContentProblem::AboveMaximum {
            work,
            criterion,
            steps,
            max,
        } => tr!(
            lang,
            "sync.content.above_maximum",
            work = safe(work),
            criterion = safe(criterion),
            steps = steps,
            max = max
        ),
        ContentProblem::NotAssigned { work } => {
            tr!(lang, "sync.content.not_assigned", work = safe(work))
        }
        ContentProblem::Recused { work } => tr!(lang, "sync.content.recused", work = safe(work)),
        ContentProblem::RevisionWithoutReason {
            seq,
            work,
            criterion,
        } => tr!(
            lang,
            "signoff.content.revision_without_reason",
            seq = seq,
            work = safe(work),
            criterion = safe(criterion)
        ),
        ContentProblem::BadFingerprint { seq } => {
            tr!(lang, "signoff.content.bad_fingerprint", seq = seq)
        }
        ContentProblem::NotOnBallot { work } => {
            tr!(lang, "sync.content.not_on_ballot", work = safe(work))
        }
    }
}

/// Why a returned ballot was refused: one line naming the file, what is wrong and what to
/// do. The English text equals the error's `Display`. Details from SQLite or the file stay as
/// they are (made one safe line).
pub fn verify_error(e: &VerifyError, lang: Lang) -> String {
    let at = origin(e.origin(), lang);
    let safe = |s: &str| safe_line(s).into_owned();
    match e {
        VerifyError::Io { source, .. } => {
            tr!(
                lang,
                "sync.refused.io",
                at = at,
                source = safe(&source.to_string())
            )
        }
        VerifyError::TooLarge { bytes, .. } => {
            tr!(lang, "sync.refused.too_large", at = at, bytes = bytes)
        }
        VerifyError::NoKey { .. } => tr!(lang, "sync.refused.no_key", at = at),
        VerifyError::Damaged { detail, .. } => {
            tr!(lang, "sync.refused.damaged", at = at, detail = safe(detail))
        }
        VerifyError::Schema { detail, .. } => {
            tr!(lang, "sync.refused.schema", at = at, detail = safe(detail))
        }
        VerifyError::Unreadable { detail, .. } => {
            tr!(
                lang,
                "sync.refused.unreadable",
                at = at,
                detail = safe(detail)
            )
        }
        VerifyError::Format {
            found, expected, ..
        } => tr!(
            lang,
            "sync.refused.format",
            at = at,
            found = safe(found),
            expected = expected
        ),
        VerifyError::Chain { seq, why, .. } => {
            tr!(
                lang,
                "sync.refused.chain",
                at = at,
                seq = seq,
                why = chain_problem(why, lang)
            )
        }
        VerifyError::OtherContest {
            found, expected, ..
        } => tr!(
            lang,
            "sync.refused.other_contest",
            at = at,
            found = safe(found),
            expected = safe(expected)
        ),
        VerifyError::Identity { problem, .. } => tr!(
            lang,
            "sync.refused.identity",
            at = at,
            problem = mismatch(problem, lang)
        ),
        VerifyError::Content { problem, .. } => tr!(
            lang,
            "sync.refused.content",
            at = at,
            detail = content_problem(problem, lang)
        ),
        VerifyError::Stale {
            revision, merged, ..
        } => tr!(
            lang,
            "sync.refused.stale",
            at = at,
            revision = revision,
            merged = merged
        ),
        VerifyError::Forked {
            revision,
            merged,
            detail,
            ..
        } => tr!(
            lang,
            "sync.refused.forked",
            at = at,
            revision = revision,
            merged = merged,
            detail = safe(detail)
        ),
        VerifyError::Round { found, open, .. } => tr!(
            lang,
            "rounds.refused.round",
            at = at,
            found = safe_line(found),
            open = safe_line(open)
        ),
        VerifyError::Master { detail, .. } => {
            tr!(lang, "sync.refused.master", at = at, detail = safe(detail))
        }
    }
}

/// The word that starts each line of `jury merge` / `jury watch`, padded to one width.
pub fn outcome_word(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        Outcome::Merged => tr!(lang, "sync.word.merged"),
        Outcome::Unchanged => tr!(lang, "sync.word.unchanged"),
        Outcome::Stale => tr!(lang, "sync.word.stale"),
        Outcome::Refused => tr!(lang, "sync.word.refused"),
        Outcome::Warning => tr!(lang, "sync.word.warning"),
    }
}

/// What a line of `jury merge` / `jury watch` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Merged,
    Unchanged,
    Stale,
    Refused,
    Warning,
}

/// A merge's counts as words: new, changed and removed scores, changed comments and
/// recusals.
pub fn summary(scores: [usize; 3], comments: usize, recusals: usize, lang: Lang) -> String {
    let [new, changed, removed] = scores;
    let mut s = tr!(
        lang,
        "sync.summary.scores",
        new = new,
        changed = changed,
        removed = removed
    );
    if comments > 0 {
        s.push_str(&tr!(lang, "sync.summary.comments", n = comments));
    }
    if recusals > 0 {
        s.push_str(&tr!(lang, "sync.summary.recusals", n = recusals));
    }
    s
}

/// [`summary`] of a merge's diff.
pub fn diff_summary(diff: &MergeDiff, lang: Lang) -> String {
    summary(
        diff.score_counts(),
        diff.comments_changed,
        diff.recusals_changed,
        lang,
    )
}

/// The lines for one merged file: the report, and a warning when its name is another
/// judge's.
pub fn merge_lines(report: &MergeReport, lang: Lang) -> Vec<String> {
    let file = safe_line(&report.file.display().to_string()).into_owned();
    let judge = safe_line(&report.judge_id).into_owned();
    let mut lines = vec![match &report.outcome {
        MergeOutcome::Merged(diff) => tr!(
            lang,
            "sync.line.merged",
            word = outcome_word(Outcome::Merged, lang),
            file = file,
            judge = judge,
            revision = report.revision,
            receipt = report.receipt,
            submitted = if report.submitted {
                tr!(lang, "sync.submitted")
            } else {
                tr!(lang, "sync.not_submitted")
            },
            summary = diff_summary(diff, lang)
        ),
        MergeOutcome::Unchanged => tr!(
            lang,
            "sync.line.unchanged",
            word = outcome_word(Outcome::Unchanged, lang),
            file = file,
            judge = judge,
            revision = report.revision
        ),
    }];
    if let Some(named) = &report.named_as {
        lines.push(tr!(
            lang,
            "sync.line.named_as",
            word = outcome_word(Outcome::Warning, lang),
            file = file,
            named = safe_line(named),
            judge = judge
        ));
    }
    lines
}

/// The line for a file that was not merged.
pub fn refusal_line(e: &VerifyError, lang: Lang) -> String {
    let word = if matches!(e, VerifyError::Stale { .. }) {
        Outcome::Stale
    } else {
        Outcome::Refused
    };
    format!("{}{}", outcome_word(word, lang), verify_error(e, lang))
}

/// Why `jury export` (or a judge's sync) could not write the ballot copy. The English text
/// equals the error's `Display`; a store error underneath is shown as the store words it.
pub fn snapshot_error(e: &SnapshotError, lang: Lang) -> String {
    let shown = |p: &std::path::Path| safe_line(&p.display().to_string()).into_owned();
    match e {
        SnapshotError::NoFolder { dir } => tr!(lang, "sync.snapshot.no_folder", dir = shown(dir)),
        SnapshotError::Full { dir } => tr!(lang, "sync.snapshot.full", dir = shown(dir)),
        SnapshotError::SameFile { path } => {
            tr!(lang, "sync.snapshot.same_file", path = shown(path))
        }
        SnapshotError::Io { path, source } => tr!(
            lang,
            "sync.snapshot.io",
            path = shown(path),
            error = safe_line(&source.to_string())
        ),
        SnapshotError::Sqlite { path, source } => tr!(
            lang,
            "sync.snapshot.sqlite",
            path = shown(path),
            error = safe_line(&source.to_string())
        ),
        SnapshotError::Store(e) => safe_line(&e.to_string()).into_owned(),
    }
}

/// How many uncoverable works or limited judges a message lists before summarising the rest.
const LIST_LIMIT: usize = 20;

/// Why a judge may not judge a work (unit and district names come from the forms).
pub fn conflict(c: &Conflict, lang: Lang) -> String {
    match c {
        Conflict::SameUnit(u) => tr!(lang, "assign.conflict.same_unit", unit = safe_line(u)),
        Conflict::SameDistrict(d) => {
            tr!(
                lang,
                "assign.conflict.same_district",
                district = safe_line(d)
            )
        }
        Conflict::DeclaredUnit(u) => {
            tr!(lang, "assign.conflict.declared_unit", unit = safe_line(u))
        }
        Conflict::DeclaredWork(w) => {
            tr!(lang, "assign.conflict.declared_work", work = safe_line(w))
        }
    }
}

/// Why no assignment was made (several lines for uncoverable works).
pub fn assign_error(e: &AssignError, lang: Lang) -> String {
    match e {
        AssignError::NoWorks => tr!(lang, "assign.error.no_works").into(),
        AssignError::NoJudges => tr!(lang, "assign.error.no_judges").into(),
        AssignError::ZeroPerWork => tr!(lang, "assign.error.zero_per_work").into(),
        AssignError::TooFewJudges { judges, per_work } => tr!(
            lang,
            "assign.error.too_few_judges",
            judges = judges,
            per_work = per_work
        ),
        AssignError::DuplicateId { kind, id } => {
            tr!(
                lang,
                "assign.error.duplicate_id",
                kind = kind,
                id = safe_line(id)
            )
        }
        AssignError::Uncoverable(list) => {
            let mut out = tr!(lang, "assign.error.uncoverable", n = list.len());
            for u in list.iter().take(LIST_LIMIT) {
                out.push('\n');
                out.push_str(&tr!(
                    lang,
                    "assign.error.uncoverable_work",
                    work = safe_line(&u.work),
                    eligible = u.eligible,
                    shared = u.same_unit_or_district,
                    declared = u.declared,
                    needed = u.needed
                ));
            }
            if list.len() > LIST_LIMIT {
                out.push('\n');
                out.push_str(&tr!(
                    lang,
                    "assign.error.uncoverable_more",
                    n = list.len() - LIST_LIMIT
                ));
            }
            out.push('\n');
            out.push_str(tr!(lang, "assign.error.uncoverable_fix"));
            out
        }
    }
}

/// Something the organizer should know about an assignment that was made.
pub fn note(n: &Note, lang: Lang) -> String {
    match n {
        Note::Unbalanced { min, max, limited } => {
            let names: Vec<String> = limited
                .iter()
                .take(LIST_LIMIT)
                .map(|(id, n)| format!("{} ({n})", safe_line(id)))
                .collect();
            let mut s = tr!(lang, "assign.note.unbalanced", min = min, max = max);
            if !names.is_empty() {
                let names = names.join(tr!(lang, "assign.note.list_sep"));
                s.push_str(&tr!(lang, "assign.note.limited", names = names));
            }
            s
        }
        Note::Disconnected { groups, reason } => {
            let why = match reason {
                Disconnect::OneJudgePerWork => tr!(lang, "assign.disconnect.one_judge"),
                Disconnect::Eligibility => tr!(lang, "assign.disconnect.eligibility"),
                Disconnect::TooFewWorks => tr!(lang, "assign.disconnect.too_few_works"),
                Disconnect::NotFound => tr!(lang, "assign.disconnect.not_found"),
            };
            tr!(lang, "assign.note.disconnected", groups = groups, why = why)
        }
    }
}

/// Why a manual `--add` / `--remove` edit was refused.
pub fn edit_error(e: &EditError, lang: Lang) -> String {
    let safe = |s: &str| safe_line(s).into_owned();
    match e {
        EditError::BadPair(p) => tr!(lang, "assign.edit.bad_pair", pair = safe(p)),
        EditError::UnknownWork(w) => tr!(lang, "assign.edit.unknown_work", work = safe(w)),
        EditError::UnknownJudge(j) => tr!(lang, "assign.edit.unknown_judge", judge = safe(j)),
        EditError::Conflict {
            work,
            judge,
            conflict: c,
        } => tr!(
            lang,
            "assign.edit.conflict",
            judge = safe(judge),
            work = safe(work),
            conflict = conflict(c, lang)
        ),
        EditError::AlreadyAssigned { work, judge } => tr!(
            lang,
            "assign.edit.already",
            judge = safe(judge),
            work = safe(work)
        ),
        EditError::NotAssigned { work, judge } => tr!(
            lang,
            "assign.edit.not_assigned",
            judge = safe(judge),
            work = safe(work)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jury_core::assign::Uncoverable;
    use std::path::Path;

    fn at(judge: Option<&str>) -> Origin {
        Origin {
            judge: judge.map(str::to_string),
            ..Origin::file(Path::new("/s/evil\n\u{1b}[31mRED.ballot"))
        }
    }

    #[test]
    fn english_words_equal_the_errors_own_text_and_chinese_differs() {
        let errors = [
            VerifyError::Io {
                at: at(None),
                source: std::io::Error::other("gone"),
            },
            VerifyError::TooLarge {
                at: at(None),
                bytes: 1 << 31,
            },
            VerifyError::NoKey { at: at(None) },
            VerifyError::Damaged {
                at: at(None),
                detail: "x".into(),
            },
            VerifyError::Schema {
                at: at(Some("J1")),
                detail: "x".into(),
            },
            VerifyError::Unreadable {
                at: at(Some("J1")),
                detail: "x".into(),
            },
            VerifyError::Format {
                at: at(Some("J1")),
                found: "9".into(),
                expected: "1".into(),
            },
            VerifyError::Chain {
                at: at(Some("J1")),
                seq: 3,
                why: ChainProblem::Link,
            },
            VerifyError::OtherContest {
                at: at(Some("J1")),
                found: "a".into(),
                expected: "b".into(),
            },
            VerifyError::Identity {
                at: at(Some("J1")),
                problem: Mismatch::BallotId {
                    found: "a".into(),
                    expected: "b".into(),
                },
            },
            VerifyError::Identity {
                at: at(Some("J1")),
                problem: Mismatch::Judge {
                    ballot: "a".into(),
                    judge: "J2".into(),
                },
            },
            VerifyError::Identity {
                at: at(Some("J1")),
                problem: Mismatch::OlderIssue {
                    ballot: "a".into(),
                    found: 1,
                    expected: 2,
                },
            },
            VerifyError::Identity {
                at: at(Some("J1")),
                problem: Mismatch::NewerIssue {
                    ballot: "a".into(),
                    found: 3,
                    expected: 2,
                },
            },
            VerifyError::Content {
                at: at(Some("J1")),
                problem: ContentProblem::Rubric,
            },
            VerifyError::Stale {
                at: at(Some("J1")),
                revision: 2,
                merged: 3,
            },
            VerifyError::Forked {
                at: at(Some("J1")),
                revision: 2,
                merged: 3,
                detail: "x".into(),
            },
            VerifyError::Round {
                at: at(Some("J1")),
                found: "初评".into(),
                open: "终评".into(),
            },
            VerifyError::Master {
                at: at(None),
                detail: "x".into(),
            },
        ];
        for e in &errors {
            let (en, zh) = (verify_error(e, Lang::En), verify_error(e, Lang::Zh));
            assert_eq!(en, e.to_string());
            assert_ne!(zh, en, "{e:?}");
            for line in [&en, &zh] {
                assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
                assert!(line.contains("evil\\n\\x1b[31mRED.ballot"), "{line}");
            }
        }
        assert!(verify_error(&errors[11], Lang::En).contains("an old copy"));
        assert!(verify_error(&errors[12], Lang::En).contains("a newer copy"));
        assert!(!verify_error(&errors[12], Lang::En).contains("old copy"));
        assert!(verify_error(&errors[12], Lang::Zh).contains("更新的副本"));
    }

    #[test]
    fn snapshot_errors_in_english_equal_their_own_text() {
        let dir = Path::new("/media/usb\u{1b}[2J");
        let errors = [
            SnapshotError::NoFolder { dir: dir.into() },
            SnapshotError::Full { dir: dir.into() },
            SnapshotError::SameFile { path: dir.into() },
            SnapshotError::Io {
                path: dir.into(),
                source: std::io::Error::other("x"),
            },
        ];
        for e in &errors {
            let en = snapshot_error(e, Lang::En);
            assert_eq!(en, e.to_string().replace('\u{1b}', "\\x1b"));
            assert!(inert(&en) && inert(&snapshot_error(e, Lang::Zh)));
            assert_ne!(snapshot_error(e, Lang::Zh), en);
        }
    }

    fn inert(s: &str) -> bool {
        !s.contains('\u{1b}')
    }

    #[test]
    fn every_chain_and_content_problem_has_both_languages() {
        let chain = [
            ChainProblem::Sequence(2),
            ChainProblem::Link,
            ChainProblem::Hash,
            ChainProblem::Unreadable("EOF at line 1".into()),
            ChainProblem::Kind,
            ChainProblem::CreationIdentity,
            ChainProblem::CreationWorks,
            ChainProblem::FirstNotCreation,
            ChainProblem::SecondCreation,
            ChainProblem::Head,
            ChainProblem::Revision {
                revision: 3,
                events: 4,
            },
            ChainProblem::Replay,
        ];
        for p in &chain {
            assert_eq!(chain_problem(p, Lang::En), p.to_string());
            assert_ne!(chain_problem(p, Lang::Zh), p.to_string(), "{p:?}");
        }
        let work = || "001".to_string();
        let content = [
            ContentProblem::MissingMeta("judge_id"),
            ContentProblem::VersionNotANumber,
            ContentProblem::StateRows(2),
            ContentProblem::SubmittedFlag(7),
            ContentProblem::ScoreMaximum { work: work() },
            ContentProblem::Rubric,
            ContentProblem::UnknownCriterion {
                criterion: "x".into(),
            },
            ContentProblem::AboveMaximum {
                work: work(),
                criterion: "theme".into(),
                steps: 31,
                max: 30,
            },
            ContentProblem::NotAssigned { work: work() },
            ContentProblem::Recused { work: work() },
            ContentProblem::NotOnBallot { work: work() },
            ContentProblem::RevisionWithoutReason {
                seq: 9,
                work: work(),
                criterion: "theme".into(),
            },
            ContentProblem::BadFingerprint { seq: 9 },
        ];
        for p in &content {
            assert_eq!(content_problem(p, Lang::En), p.to_string());
            assert_ne!(content_problem(p, Lang::Zh), p.to_string(), "{p:?}");
        }
    }

    #[test]
    fn summaries_keep_their_words() {
        assert_eq!(
            summary([3, 1, 0], 2, 0, Lang::En),
            "+3 new, 1 changed, 0 removed scores, 2 comments"
        );
        assert_eq!(
            summary([3, 1, 0], 0, 1, Lang::Zh),
            "新增 3、修改 1、删除 0 个分数，回避 1 项"
        );
        assert_eq!(outcome_word(Outcome::Refused, Lang::Zh), "已拒绝 ");
        assert_eq!(outcome_word(Outcome::Stale, Lang::En), "stale      ");
    }

    #[test]
    fn assignment_words_keep_their_texts() {
        let err = AssignError::Uncoverable(vec![Uncoverable {
            work: "012".into(),
            eligible: 1,
            same_unit_or_district: 2,
            declared: 1,
            needed: 2,
        }]);
        let text = assign_error(&err, Lang::En);
        assert!(text.contains("work 012: only 1 eligible judges"), "{text}");
        assert!(assign_error(&err, Lang::Zh).contains("作品 012"));
        let edit = EditError::Conflict {
            work: "001".into(),
            judge: "J1".into(),
            conflict: Conflict::SameUnit("A".into()),
        };
        assert!(edit_error(&edit, Lang::En).contains("same unit \"A\""));
        assert!(edit_error(&edit, Lang::Zh).contains("同属单位“A”"));
        let n = Note::Unbalanced {
            min: 1,
            max: 7,
            limited: vec![("J1".into(), 1), ("J2".into(), 2)],
        };
        assert!(note(&n, Lang::En).ends_with("(eligible): J1 (1), J2 (2)"));
        assert!(note(&n, Lang::Zh).ends_with("J1 (1)、J2 (2)"));
        // A unit name from a form cannot act on the terminal.
        let hostile = conflict(&Conflict::SameUnit("A\u{1b}]0;x\u{7}".into()), Lang::En);
        assert_eq!(hostile, "same unit \"A\\x1b]0;x\\x07\"");
    }
}
