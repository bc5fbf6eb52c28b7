//! Property tests of the assignment engine on generated contests: every rule holds, loads are
//! within one when eligibility allows, the design is connected, the same seed gives the same
//! assignment, and infeasible requests name exactly the works that cannot be covered.

use jury_core::assign::{
    assign, check_design, conflict, AssignError, AssignJudge, AssignWork, Disconnect, Note,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Instance {
    works: Vec<AssignWork>,
    judges: Vec<AssignJudge>,
    per_work: usize,
    seed: u64,
}

/// Units u0..u{units}, districts d0..d{districts} (or none); each judge may declare a unit and
/// a work as conflicts.
fn instance(
    max_works: usize,
    max_judges: usize,
    conflicts: bool,
) -> impl Strategy<Value = Instance> {
    (
        1..=max_works,
        1..=max_judges,
        1usize..=10,
        0usize..=6,
        1usize..=5,
        any::<u64>(),
    )
        .prop_flat_map(move |(w, j, units, districts, per_work, seed)| {
            let work = (0..units, 0..=districts).prop_map(move |(u, d)| (u, d));
            let judge = (
                0..units + 3,
                0..=districts + 2,
                0..units + 3,
                0..w + 5,
                any::<bool>(),
            );
            (
                proptest::collection::vec(work, w),
                proptest::collection::vec(judge, j),
            )
                .prop_map(move |(ws, js)| {
                    let name = |prefix: &str, i: usize, limit: usize| {
                        if prefix == "d" && i >= limit {
                            String::new()
                        } else {
                            format!("{prefix}{i}")
                        }
                    };
                    Instance {
                        works: ws
                            .iter()
                            .enumerate()
                            .map(|(i, &(u, d))| AssignWork {
                                id: format!("{:03}", i + 1),
                                unit: name("u", u, units),
                                district: name("d", d, districts),
                            })
                            .collect(),
                        judges: js
                            .iter()
                            .enumerate()
                            .map(|(i, &(u, d, cu, cw, declare))| AssignJudge {
                                id: format!("J{i}"),
                                unit: name("u", u, units + 3),
                                district: name("d", d, districts),
                                conflict_units: if declare && conflicts {
                                    vec![format!("u{cu}")]
                                } else {
                                    vec![]
                                },
                                conflict_works: if declare && conflicts {
                                    vec![format!("{}", cw + 1)]
                                } else {
                                    vec![]
                                },
                            })
                            .collect(),
                        per_work,
                        seed,
                    }
                })
        })
}

fn eligible(inst: &Instance, w: &AssignWork) -> usize {
    inst.judges
        .iter()
        .filter(|j| conflict(w, j).is_none())
        .count()
}

/// An independent oracle (Edmonds–Karp on a capacity matrix): can every work get `per_work`
/// eligible judges with every judge's load in `lo..=hi`?
fn balanced_feasible(inst: &Instance, lo: usize, hi: usize) -> bool {
    let (w, j) = (inst.works.len(), inst.judges.len());
    // 0 = merged source/sink X, works, judges, S', T'.
    let n = w + j + 3;
    let (s2, t2) = (n - 2, n - 1);
    let mut cap = vec![vec![0i64; n]; n];
    cap[s2][0] = (lo * j) as i64;
    cap[0][t2] = (w * inst.per_work) as i64;
    for (wi, work) in inst.works.iter().enumerate() {
        cap[s2][1 + wi] = inst.per_work as i64;
        for (ji, judge) in inst.judges.iter().enumerate() {
            if conflict(work, judge).is_none() {
                cap[1 + wi][1 + w + ji] = 1;
            }
        }
    }
    for ji in 0..j {
        cap[1 + w + ji][t2] = lo as i64;
        cap[1 + w + ji][0] = (hi - lo) as i64;
    }
    let want = (w * inst.per_work + lo * j) as i64;
    let mut total = 0;
    loop {
        let mut prev = vec![usize::MAX; n];
        prev[s2] = s2;
        let mut queue = std::collections::VecDeque::from([s2]);
        while let Some(u) = queue.pop_front() {
            for v in 0..n {
                if prev[v] == usize::MAX && cap[u][v] > 0 {
                    prev[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if prev[t2] == usize::MAX {
            return total == want;
        }
        let mut push = i64::MAX;
        let mut v = t2;
        while v != s2 {
            push = push.min(cap[prev[v]][v]);
            v = prev[v];
        }
        let mut v = t2;
        while v != s2 {
            cap[prev[v]][v] -= push;
            cap[v][prev[v]] += push;
            v = prev[v];
        }
        total += push;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_rule_holds_or_the_refusal_names_the_right_works(inst in instance(40, 12, true)) {
        let result = assign(&inst.works, &inst.judges, inst.per_work, inst.seed);
        let short: Vec<(String, usize)> = inst
            .works
            .iter()
            .map(|w| (w.id.clone(), eligible(&inst, w)))
            .filter(|(_, e)| *e < inst.per_work)
            .collect();
        match result {
            Err(AssignError::TooFewJudges { judges, per_work }) => {
                prop_assert!(per_work > judges);
                prop_assert_eq!(judges, inst.judges.len());
            }
            Err(AssignError::Uncoverable(list)) => {
                prop_assert!(inst.per_work <= inst.judges.len());
                let named: Vec<(String, usize)> =
                    list.iter().map(|u| (u.work.clone(), u.eligible)).collect();
                prop_assert_eq!(named, short);
                for u in &list {
                    prop_assert_eq!(
                        u.eligible + u.same_unit_or_district + u.declared,
                        inst.judges.len()
                    );
                }
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
            Ok(a) => {
                prop_assert!(short.is_empty());
                prop_assert!(inst.per_work <= inst.judges.len());
                let check = check_design(&inst.works, &inst.judges, &a.pairs, inst.per_work);
                prop_assert!(check.miscounted.is_empty(), "{:?}", check.miscounted);
                prop_assert!(check.conflicts.is_empty(), "{:?}", check.conflicts);
                prop_assert!(check.unknown.is_empty());
                prop_assert_eq!(&check.loads, &a.loads);
                let mut pairs = a.pairs.clone();
                pairs.sort();
                pairs.dedup();
                prop_assert_eq!(pairs.len(), a.pairs.len(), "no pair twice");
                let loads: Vec<usize> = a.loads.iter().map(|l| l.1).collect();
                let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
                let unbalanced = a.notes.iter().any(|n| matches!(n, Note::Unbalanced { .. }));
                prop_assert_eq!(spread > 1, unbalanced, "loads {:?} notes {:?}", loads, a.notes);
                // Within one exactly when the oracle says loads L..=U are possible at all.
                let total = inst.works.len() * inst.per_work;
                let (lo, hi) = (total / inst.judges.len(), total.div_ceil(inst.judges.len()));
                prop_assert_eq!(spread <= 1, balanced_feasible(&inst, lo, hi), "loads {:?}", loads);
                let disconnected = a.notes.iter().find_map(|n| match n {
                    Note::Disconnected { groups, reason } => Some((*groups, *reason)),
                    _ => None,
                });
                match disconnected {
                    None => prop_assert_eq!(check.groups, 1),
                    Some((groups, reason)) => {
                        prop_assert_eq!(groups, check.groups);
                        prop_assert!(groups > 1);
                        if inst.per_work >= 2 {
                            prop_assert_ne!(reason, Disconnect::OneJudgePerWork);
                        }
                    }
                }
                // The same seed gives the same assignment.
                let again = assign(&inst.works, &inst.judges, inst.per_work, inst.seed).unwrap();
                prop_assert_eq!(again, a);
            }
        }
    }

    /// Without declared conflicts and with units and districts no judge shares, every judge can
    /// judge every work: loads must be within one and the design connected (N ≥ 2).
    #[test]
    fn free_eligibility_is_balanced_and_connected(
        works in 1usize..60,
        judges in 2usize..15,
        per_work in 2usize..6,
        seed in any::<u64>(),
    ) {
        prop_assume!(per_work <= judges);
        let ws: Vec<AssignWork> = (0..works)
            .map(|i| AssignWork { id: format!("{i}"), unit: format!("w{}", i % 4), district: String::new() })
            .collect();
        let js: Vec<AssignJudge> = (0..judges)
            .map(|i| AssignJudge { id: format!("J{i}"), unit: format!("j{i}"), ..Default::default() })
            .collect();
        let a = assign(&ws, &js, per_work, seed).unwrap();
        let check = check_design(&ws, &js, &a.pairs, per_work);
        let active = a.loads.iter().filter(|l| l.1 > 0).count();
        if works * (per_work - 1) + 1 >= active {
            prop_assert!(a.notes.is_empty(), "{:?}", a.notes);
            prop_assert_eq!(check.groups, 1);
        } else {
            prop_assert_eq!(
                &a.notes,
                &vec![Note::Disconnected { groups: check.groups, reason: Disconnect::TooFewWorks }]
            );
        }
        let loads: Vec<usize> = a.loads.iter().map(|l| l.1).collect();
        prop_assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1);
    }

    /// Connected whenever N ≥ 2, or the reason given is the true one: eligibility splits the
    /// contest, too few works to link all judges, or no connected design within the balance
    /// bounds (balance comes first).
    #[test]
    fn a_disconnected_design_names_the_true_reason(inst in instance(40, 12, true)) {
        prop_assume!(inst.per_work >= 2);
        if let Ok(a) = assign(&inst.works, &inst.judges, inst.per_work, inst.seed) {
            let check = check_design(&inst.works, &inst.judges, &a.pairs, inst.per_work);
            if check.groups > 1 {
                let reason = a.notes.iter().find_map(|n| match n {
                    Note::Disconnected { reason, .. } => Some(*reason),
                    _ => None,
                });
                let active = a.loads.iter().filter(|l| l.1 > 0).count();
                let too_few = inst.works.len() * (inst.per_work - 1) + 1 < active;
                let all_eligible: Vec<(String, String)> = inst
                    .works
                    .iter()
                    .flat_map(|w| {
                        inst.judges
                            .iter()
                            .filter(|j| conflict(w, j).is_none())
                            .map(|j| (w.id.clone(), j.id.clone()))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let split = check_design(&inst.works, &inst.judges, &all_eligible, 0).groups > 1;
                match reason {
                    Some(Disconnect::TooFewWorks) => prop_assert!(too_few),
                    Some(Disconnect::Eligibility) => prop_assert!(!too_few && split),
                    // Connecting would need a load outside the balance bounds (balance comes
                    // first, e.g. the only judge bridging two unit groups is already full).
                    Some(Disconnect::NotFound) => prop_assert!(!too_few && !split),
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }
}
