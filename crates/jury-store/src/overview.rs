//! The organizer's overview (issue 17): what the works, judges, matrix and sync tabs need of
//! the assignment, read as one row per assigned or recused pair with its scored criteria
//! counted by SQLite, so the first screen of a national contest (10,000 works × 300 judges ×
//! 5 per work: 50,000 pairs, 350,000 score rows) never brings a score row into memory. The
//! scores themselves are read afterwards, for the results tabs only.

use crate::cipher::sqlite_err;
use crate::master::Master;
use crate::StoreError;

/// One (work, judge) pair of a round that is assigned, recused, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairState {
    pub work: String,
    pub judge: String,
    pub assigned: bool,
    /// Score rows (criteria) this judge's merged ballot holds for this work.
    pub scored: usize,
    pub recused: bool,
}

impl Master {
    /// Every assigned or recused pair of the open round (`None`) or of closed round `round`,
    /// in no particular order.
    pub fn pair_states(&self, round: Option<&str>) -> Result<Vec<PairState>, StoreError> {
        // Live tables, or the round's archive with every row filtered on the round.
        let (p, a_in, r_in, s_on, r_on, a_on) = match round {
            None => ("", "", "", "", "", ""),
            Some(_) => (
                "round_",
                "WHERE a.round_id = ?1",
                "r.round_id = ?1 AND",
                "AND s.round_id = a.round_id",
                "AND r.round_id = a.round_id",
                "AND a.round_id = r.round_id",
            ),
        };
        let sql = format!(
            "SELECT a.work_id, a.judge_id, 1,
                    (SELECT count(*) FROM {p}scores s
                      WHERE s.judge_id = a.judge_id AND s.work_id = a.work_id {s_on}),
                    EXISTS (SELECT 1 FROM {p}recusals r
                      WHERE r.judge_id = a.judge_id AND r.work_id = a.work_id {r_on})
             FROM {p}assignments a {a_in}
             UNION ALL
             SELECT r.work_id, r.judge_id, 0, 0, 1 FROM {p}recusals r
             WHERE {r_in} NOT EXISTS (SELECT 1 FROM {p}assignments a
                      WHERE a.work_id = r.work_id AND a.judge_id = r.judge_id {a_on})"
        );
        let err = sqlite_err(&self.path);
        let mut stmt = self.conn.prepare(&sql).map_err(&err)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(round), |r| {
                Ok(PairState {
                    work: r.get(0)?,
                    judge: r.get(1)?,
                    assigned: r.get::<_, i64>(2)? != 0,
                    scored: r.get::<_, i64>(3)?.max(0) as usize,
                    recused: r.get::<_, i64>(4)? != 0,
                })
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(&err)
    }
}
