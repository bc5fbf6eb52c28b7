//! The organizer's overview (issue 17): what the works, judges, matrix and sync tabs need of
//! the assignment — which pairs are assigned, how many criteria each pair's merged ballot
//! scores, which are recused — read as three sequential scans, the scores counted by SQLite
//! over its own index in index order, so the first screen of a national contest (10,000
//! works × 300 judges × 5 per work: 50,000 pairs, 350,000 score rows) brings no score row
//! into memory and allocates nothing per row. The scores themselves are read afterwards, for
//! the results tabs only.

use crate::master::{archive, round_param, Master};
use crate::StoreError;

/// What one row of [`Master::pair_facts`] says about a (work, judge) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairFact {
    Assigned,
    /// The pair's merged ballot holds this many score rows (criteria).
    Scored(usize),
    Recused,
}

impl Master {
    /// Calls `f(work, judge, fact)` for every assigned pair of the open round (`None`) or of
    /// closed round `round`, then for every pair with merged scores, then for every recusal.
    pub fn pair_facts(
        &self,
        round: Option<&str>,
        mut f: impl FnMut(&str, &str, PairFact),
    ) -> Result<(), StoreError> {
        let err = self.err();
        for table in ["assignments", "scores", "recusals"] {
            let (name, filter) = archive(round, table);
            let sql = match table {
                // The primary key's index, scanned in its (judge, work, criterion) order.
                "scores" => format!(
                    "SELECT work_id, judge_id, count(*) FROM {name} {filter}
                     GROUP BY judge_id, work_id"
                ),
                _ => format!("SELECT work_id, judge_id, 0 FROM {name} {filter}"),
            };
            let mut stmt = self.conn.prepare(&sql).map_err(&err)?;
            let mut rows = stmt.query(round_param(round)).map_err(&err)?;
            while let Some(r) = rows.next().map_err(&err)? {
                let text = |i: usize| -> Result<&str, StoreError> {
                    r.get_ref(i)
                        .and_then(|v| {
                            v.as_str().map_err(|e| {
                                rusqlite::Error::FromSqlConversionFailure(
                                    i,
                                    rusqlite::types::Type::Text,
                                    e.into(),
                                )
                            })
                        })
                        .map_err(&err)
                };
                let fact = match table {
                    "assignments" => PairFact::Assigned,
                    "scores" => PairFact::Scored(r.get::<_, i64>(2).map_err(&err)?.max(0) as usize),
                    _ => PairFact::Recused,
                };
                f(text(0)?, text(1)?, fact);
            }
        }
        Ok(())
    }
}
