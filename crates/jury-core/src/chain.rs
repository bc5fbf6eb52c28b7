//! The ballot's append-only event log. Each event's hash covers the previous hash, so the
//! newest hash (the chain head) fingerprints the whole history; replaying the events must
//! give exactly the ballot's current state.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use crate::key::base32_code;

/// One change to a ballot, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Created {
        ballot_id: String,
        contest_id: String,
        judge_id: String,
        works: Vec<String>,
    },
    Score {
        work: String,
        criterion: String,
        steps: Option<u32>,
    },
    Comment {
        work: String,
        text: String,
    },
    Recuse {
        work: String,
        reason: String,
    },
    Unrecuse {
        work: String,
    },
    Progress {
        work: String,
        furthest_ms: u64,
        watched_ms: u64,
        last_ms: u64,
    },
    Submit,
    Reopen,
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Created { .. } => "created",
            Event::Score { .. } => "score",
            Event::Comment { .. } => "comment",
            Event::Recuse { .. } => "recuse",
            Event::Unrecuse { .. } => "unrecuse",
            Event::Progress { .. } => "progress",
            Event::Submit => "submit",
            Event::Reopen => "reopen",
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The "previous hash" of the first event, bound to the ballot id so two ballots never
/// share a chain.
pub fn genesis(ballot_id: &str) -> String {
    sha256_hex(format!("jury-ballot-v1\n{ballot_id}").as_bytes())
}

pub fn event_hash(prev: &str, seq: i64, at: i64, payload: &str) -> String {
    sha256_hex(format!("{prev}\n{seq}\n{at}\n{payload}").as_bytes())
}

/// Short code a judge notes on submit: "K7QM-2XDA", 40 bits of the chain head.
pub fn receipt(chain_head: &str) -> String {
    let bytes = hex::decode(chain_head).unwrap_or_default();
    let code = base32_code(&bytes, 8);
    format!(
        "{}-{}",
        &code[..code.len().min(4)],
        &code[code.len().min(4)..]
    )
}

/// The state that events imply; compared against the ballot's tables when verifying.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    pub scores: BTreeMap<(String, String), u32>,
    pub comments: BTreeMap<String, String>,
    pub recusals: BTreeMap<String, String>,
    pub submitted: bool,
}

impl Replay {
    pub fn apply(&mut self, event: &Event) {
        apply_event(
            &mut self.scores,
            &mut self.comments,
            &mut self.recusals,
            &mut self.submitted,
            event,
        );
    }
}

/// The one definition of what an event does to a ballot's state; the store's replay and the
/// TUI's copy of the ballot both go through it.
pub fn apply_event(
    scores: &mut BTreeMap<(String, String), u32>,
    comments: &mut BTreeMap<String, String>,
    recusals: &mut BTreeMap<String, String>,
    submitted: &mut bool,
    event: &Event,
) {
    match event {
        Event::Created { .. } | Event::Progress { .. } => {}
        Event::Score {
            work,
            criterion,
            steps,
        } => {
            let key = (work.clone(), criterion.clone());
            match steps {
                Some(s) => scores.insert(key, *s),
                None => scores.remove(&key),
            };
        }
        Event::Comment { work, text } => {
            if text.is_empty() {
                comments.remove(work);
            } else {
                comments.insert(work.clone(), text.clone());
            }
        }
        Event::Recuse { work, reason } => {
            scores.retain(|(w, _), _| w != work);
            recusals.insert(work.clone(), reason.clone());
        }
        Event::Unrecuse { work } => {
            recusals.remove(work);
        }
        Event::Submit => *submitted = true,
        Event::Reopen => *submitted = false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_depend_on_every_input() {
        let g = genesis("b1");
        assert_ne!(g, genesis("b2"));
        let h = event_hash(&g, 1, 10, "{}");
        assert_ne!(h, event_hash(&g, 2, 10, "{}"));
        assert_ne!(h, event_hash(&g, 1, 11, "{}"));
        assert_ne!(h, event_hash(&g, 1, 10, "{ }"));
        assert_ne!(h, event_hash(&genesis("b2"), 1, 10, "{}"));
    }

    #[test]
    fn receipts_are_short_and_stable() {
        let r = receipt(&genesis("b1"));
        assert_eq!(r.len(), 9);
        assert_eq!(r, receipt(&genesis("b1")));
        assert_ne!(r, receipt(&genesis("b2")));
    }

    #[test]
    fn replay_recusal_clears_scores() {
        let mut r = Replay::default();
        r.apply(&Event::Score {
            work: "1".into(),
            criterion: "a".into(),
            steps: Some(3),
        });
        r.apply(&Event::Score {
            work: "2".into(),
            criterion: "a".into(),
            steps: Some(4),
        });
        r.apply(&Event::Recuse {
            work: "1".into(),
            reason: "same unit".into(),
        });
        assert_eq!(r.scores.len(), 1);
        assert!(r.recusals.contains_key("1"));
        r.apply(&Event::Score {
            work: "2".into(),
            criterion: "a".into(),
            steps: None,
        });
        assert!(r.scores.is_empty());
    }
}
