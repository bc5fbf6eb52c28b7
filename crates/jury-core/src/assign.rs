//! The assignment engine: which judges judge which works. Pure and deterministic (no I/O, no
//! clock, no global RNG), so the same master data and seed always give the same assignment and
//! the rules can be tested exhaustively.
//!
//! The rules, in order of importance:
//! 1. every work gets exactly `per_work` distinct judges;
//! 2. never a judge of the work's unit or district, nor one who declared a conflict with the
//!    work's unit or the work's number;
//! 3. judge loads are balanced within one (max − min ≤ 1); where eligibility makes that
//!    impossible, loads are kept as even as eligibility allows and the result says why;
//! 4. the judge-by-work design is connected, so per-judge normalisation (z-scores) compares
//!    every judge with every other through shared works; where that is impossible the result
//!    says why.
//!
//! Rules 1–3 are one feasibility question, answered exactly by a max-flow with lower bounds
//! (works → judges → sink, each judge's load bounded below and above). Rule 2 alone decides
//! whether any assignment exists (judges' loads unbounded, each work just needs `per_work`
//! eligible judges), so an infeasible request is explained work by work. The seed shuffles the
//! order in which the flow meets works and judges; rule 4 is then repaired by load-preserving
//! swaps between components (and, failing those, by moves within the load bounds).

use std::collections::{BTreeMap, BTreeSet};

/// A work as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignWork {
    pub id: String,
    pub unit: String,
    pub district: String,
}

/// A judge as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignJudge {
    pub id: String,
    pub unit: String,
    pub district: String,
    /// Declared conflicts with units (besides the judge's own).
    pub conflict_units: Vec<String>,
    /// Declared conflicts with work numbers.
    pub conflict_works: Vec<String>,
}

impl From<&crate::records::WorkRecord> for AssignWork {
    fn from(w: &crate::records::WorkRecord) -> AssignWork {
        AssignWork {
            id: w.id.clone(),
            unit: w.unit.clone(),
            district: w.district.clone(),
        }
    }
}

impl From<&crate::records::JudgeRecord> for AssignJudge {
    fn from(j: &crate::records::JudgeRecord) -> AssignJudge {
        AssignJudge {
            id: j.id.clone(),
            unit: j.unit.clone(),
            district: j.district.clone(),
            conflict_units: j.conflict_units.clone(),
            conflict_works: j.conflict_works.clone(),
        }
    }
}

/// Why a judge may not judge a work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    SameUnit(String),
    SameDistrict(String),
    DeclaredUnit(String),
    DeclaredWork(String),
}

/// Unit and district names as forms spell them: surrounding and repeated spaces (including
/// the full-width U+3000) and ASCII case do not make two names different.
fn norm(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Work numbers as declared on a judge's form: "12" and "012" are the same work.
fn same_work_number(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(a) && digits(b) && a.trim_start_matches('0') == b.trim_start_matches('0')
}

/// The first rule that keeps `judge` from judging `work`, if any. Empty units or districts
/// never match: a missing district is not a shared one.
pub fn conflict(work: &AssignWork, judge: &AssignJudge) -> Option<Conflict> {
    let (wu, wd) = (norm(&work.unit), norm(&work.district));
    if !wu.is_empty() && wu == norm(&judge.unit) {
        return Some(Conflict::SameUnit(work.unit.trim().to_string()));
    }
    if !wd.is_empty() && wd == norm(&judge.district) {
        return Some(Conflict::SameDistrict(work.district.trim().to_string()));
    }
    if !wu.is_empty() && judge.conflict_units.iter().any(|u| norm(u) == wu) {
        return Some(Conflict::DeclaredUnit(work.unit.trim().to_string()));
    }
    if judge
        .conflict_works
        .iter()
        .any(|w| same_work_number(w, &work.id))
    {
        return Some(Conflict::DeclaredWork(work.id.clone()));
    }
    None
}

/// A work that cannot get enough judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncoverable {
    pub work: String,
    pub eligible: usize,
    /// Judges sharing the work's unit or district.
    pub same_unit_or_district: usize,
    /// Judges who declared a conflict with the work or its unit.
    pub declared: usize,
    pub needed: usize,
}

/// Why no assignment was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignError {
    NoWorks,
    NoJudges,
    ZeroPerWork,
    /// Fewer judges in all than judges per work.
    TooFewJudges {
        judges: usize,
        per_work: usize,
    },
    /// These works have fewer eligible judges than needed.
    Uncoverable(Vec<Uncoverable>),
    /// Duplicate ids would make the pairs ambiguous.
    DuplicateId {
        kind: &'static str,
        id: String,
    },
}

/// Something the organizer should know about an assignment that was nevertheless made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Loads could not be balanced within one; `limited` are judges eligible for fewer works
    /// than an even share (id, eligible works).
    Unbalanced {
        min: usize,
        max: usize,
        limited: Vec<(String, usize)>,
    },
    /// The design falls apart into this many groups of judges that share no work.
    Disconnected { groups: usize, reason: Disconnect },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disconnect {
    /// One judge per work: no two judges ever share a work.
    OneJudgePerWork,
    /// Eligibility itself splits works and judges into separate groups.
    Eligibility,
    /// Too few works for this many judges: a connected design needs works × (N − 1) + 1 ≥
    /// judges with work, and balanced loads spread the works over more judges than that.
    TooFewWorks,
    /// No connected design was found within the load bounds.
    NotFound,
}

/// A finished assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// (work, judge), in the input works' order, then the input judges' order.
    pub pairs: Vec<(String, String)>,
    /// Load of every judge, in the input judges' order.
    pub loads: Vec<(String, usize)>,
    pub notes: Vec<Note>,
}

/// A small, fixed PRNG (SplitMix64). The assignment must come out the same for a seed on every
/// platform and every future build, so an organizer can re-derive it later; `rand`'s `StdRng`
/// explicitly makes no such promise across versions.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by rejection so no value is favoured.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.next_u64();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Eligibility as index lists, computed once.
struct Eligibility {
    /// For each work, its eligible judges (indices).
    by_work: Vec<Vec<usize>>,
    /// For each judge, how many works it may judge.
    per_judge: Vec<usize>,
    /// Dense matrix work × judge.
    ok: Vec<bool>,
    judges: usize,
}

impl Eligibility {
    fn new(works: &[AssignWork], judges: &[AssignJudge]) -> Eligibility {
        // Names normalised once, not once per pair: this is most of the time on big contests.
        struct NormJudge {
            unit: String,
            district: String,
            units: Vec<String>,
        }
        let norm_judges: Vec<NormJudge> = judges
            .iter()
            .map(|j| NormJudge {
                unit: norm(&j.unit),
                district: norm(&j.district),
                units: j.conflict_units.iter().map(|u| norm(u)).collect(),
            })
            .collect();
        let j = judges.len();
        let mut ok = vec![false; works.len() * j];
        let mut by_work = Vec::with_capacity(works.len());
        let mut per_judge = vec![0; j];
        for (wi, w) in works.iter().enumerate() {
            let (wu, wd) = (norm(&w.unit), norm(&w.district));
            let mut list = Vec::new();
            for (ji, (judge, nj)) in judges.iter().zip(&norm_judges).enumerate() {
                let blocked = (!wu.is_empty() && (wu == nj.unit || nj.units.contains(&wu)))
                    || (!wd.is_empty() && wd == nj.district)
                    || judge
                        .conflict_works
                        .iter()
                        .any(|cw| same_work_number(cw, &w.id));
                if !blocked {
                    ok[wi * j + ji] = true;
                    list.push(ji);
                    per_judge[ji] += 1;
                }
            }
            by_work.push(list);
        }
        Eligibility {
            by_work,
            per_judge,
            ok,
            judges: j,
        }
    }

    fn ok(&self, w: usize, j: usize) -> bool {
        self.ok[w * self.judges + j]
    }
}

/// Checks ids, per-work count and coverage; the errors name every work that cannot be covered.
fn check_feasible(
    works: &[AssignWork],
    judges: &[AssignJudge],
    per_work: usize,
    elig: &Eligibility,
) -> Result<(), AssignError> {
    if works.is_empty() {
        return Err(AssignError::NoWorks);
    }
    if judges.is_empty() {
        return Err(AssignError::NoJudges);
    }
    if per_work == 0 {
        return Err(AssignError::ZeroPerWork);
    }
    let mut seen = BTreeSet::new();
    for w in works {
        if !seen.insert(w.id.as_str()) {
            return Err(AssignError::DuplicateId {
                kind: "work",
                id: w.id.clone(),
            });
        }
    }
    let mut seen = BTreeSet::new();
    for j in judges {
        if !seen.insert(j.id.as_str()) {
            return Err(AssignError::DuplicateId {
                kind: "judge",
                id: j.id.clone(),
            });
        }
    }
    if per_work > judges.len() {
        return Err(AssignError::TooFewJudges {
            judges: judges.len(),
            per_work,
        });
    }
    let mut short = Vec::new();
    for (wi, w) in works.iter().enumerate() {
        if elig.by_work[wi].len() < per_work {
            let (mut same, mut declared) = (0, 0);
            for judge in judges {
                match conflict(w, judge) {
                    Some(Conflict::SameUnit(_) | Conflict::SameDistrict(_)) => same += 1,
                    Some(_) => declared += 1,
                    None => {}
                }
            }
            short.push(Uncoverable {
                work: w.id.clone(),
                eligible: elig.by_work[wi].len(),
                same_unit_or_district: same,
                declared,
                needed: per_work,
            });
        }
    }
    if short.is_empty() {
        Ok(())
    } else {
        Err(AssignError::Uncoverable(short))
    }
}

/// Dinic's max-flow on a small graph; capacities are loads, so `u32` is plenty.
struct Flow {
    head: Vec<usize>,
    next: Vec<usize>,
    to: Vec<usize>,
    cap: Vec<u32>,
    level: Vec<u32>,
    cursor: Vec<usize>,
}

const NONE: usize = usize::MAX;

impl Flow {
    fn new(nodes: usize) -> Flow {
        Flow {
            head: vec![NONE; nodes],
            next: Vec::new(),
            to: Vec::new(),
            cap: Vec::new(),
            level: vec![0; nodes],
            cursor: vec![NONE; nodes],
        }
    }

    /// Adds u → v and its residual twin; returns the forward edge's index (even).
    fn edge(&mut self, u: usize, v: usize, cap: u32) -> usize {
        let e = self.to.len();
        for (from, dest, c) in [(u, v, cap), (v, u, 0)] {
            self.to.push(dest);
            self.cap.push(c);
            self.next.push(self.head[from]);
            self.head[from] = self.to.len() - 1;
        }
        e
    }

    fn bfs(&mut self, s: usize, t: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = u32::MAX);
        self.level[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            let mut e = self.head[u];
            while e != NONE {
                let v = self.to[e];
                if self.cap[e] > 0 && self.level[v] == u32::MAX {
                    self.level[v] = self.level[u] + 1;
                    queue.push_back(v);
                }
                e = self.next[e];
            }
        }
        self.level[t] != u32::MAX
    }

    fn dfs(&mut self, u: usize, t: usize, pushed: u32) -> u32 {
        if u == t {
            return pushed;
        }
        while self.cursor[u] != NONE {
            let e = self.cursor[u];
            let v = self.to[e];
            if self.cap[e] > 0 && self.level[v] == self.level[u] + 1 {
                let got = self.dfs(v, t, pushed.min(self.cap[e]));
                if got > 0 {
                    self.cap[e] -= got;
                    self.cap[e ^ 1] += got;
                    return got;
                }
            }
            self.cursor[u] = self.next[e];
        }
        0
    }

    fn max_flow(&mut self, s: usize, t: usize) -> u64 {
        let mut total = 0u64;
        while self.bfs(s, t) {
            self.cursor.clone_from(&self.head);
            loop {
                let got = self.dfs(s, t, u32::MAX);
                if got == 0 {
                    break;
                }
                total += u64::from(got);
            }
        }
        total
    }
}

/// Above this many work–judge arcs the flow is first tried on a sparse graph.
const SPARSE_ABOVE_PAIRS: usize = 200_000;

/// Candidates per judge slot in the sparse graph: with four random eligible judges for every
/// slot a balanced flow exists in all but pathological cases (a random bipartite graph of
/// that degree expands), and the graph of a national contest shrinks ~15-fold.
const SPARSE_CANDIDATES_PER_SLOT: usize = 4;

/// Each work's first few judges of its (seeded, shuffled) eligible list, when the full graph is
/// large enough for the flow's cost to matter; `None` for contests where it does not.
fn sparse_candidates(judge_order: &[Vec<usize>], per_work: usize) -> Option<Vec<Vec<usize>>> {
    let pairs: usize = judge_order.iter().map(Vec::len).sum();
    let keep = (per_work * SPARSE_CANDIDATES_PER_SLOT).max(16);
    if pairs <= SPARSE_ABOVE_PAIRS || judge_order.iter().all(|l| l.len() <= keep) {
        return None;
    }
    Some(
        judge_order
            .iter()
            .map(|list| list[..list.len().min(keep)].to_vec())
            .collect(),
    )
}

/// One flow attempt: every work gets `per_work` judges and judge `j`'s load lies in
/// `lo[j]..=hi[j]`. Returns the judges of each work, or None when these bounds are infeasible.
fn try_bounds(
    elig: &Eligibility,
    work_order: &[usize],
    judge_order: &[Vec<usize>],
    per_work: usize,
    lo: &[usize],
    hi: &[usize],
) -> Option<Vec<Vec<usize>>> {
    let works = elig.by_work.len();
    let judges = elig.judges;
    // Nodes: X (source and sink merged, joined by the classic t→s edge), works, judges, and
    // the super source/sink of the lower-bound reduction.
    let x = 0;
    let work_node = |w: usize| 1 + w;
    let judge_node = |j: usize| 1 + works + j;
    let s2 = 1 + works + judges;
    let t2 = s2 + 1;
    let mut flow = Flow::new(t2 + 1);
    let need_total = (works * per_work) as u32;
    let lo_total: u32 = lo.iter().map(|&l| l as u32).sum();
    // Edges are added in reverse of the order they should be tried (adjacency is a stack).
    flow.edge(s2, x, lo_total);
    for j in (0..judges).rev() {
        let j_node = judge_node(j);
        if hi[j] > lo[j] {
            flow.edge(j_node, x, (hi[j] - lo[j]) as u32);
        }
        if lo[j] > 0 {
            flow.edge(j_node, t2, lo[j] as u32);
        }
    }
    flow.edge(x, t2, need_total);
    let mut pair_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); works];
    for &w in work_order.iter().rev() {
        flow.edge(s2, work_node(w), per_work as u32);
        for &j in judge_order[w].iter().rev() {
            let e = flow.edge(work_node(w), judge_node(j), 1);
            pair_edges[w].push((j, e));
        }
    }
    let want = u64::from(need_total) + u64::from(lo_total);
    if flow.max_flow(s2, t2) != want {
        return None;
    }
    Some(
        pair_edges
            .into_iter()
            .map(|edges| {
                let mut chosen: Vec<usize> = edges
                    .into_iter()
                    .filter(|&(_, e)| flow.cap[e] == 0)
                    .map(|(j, _)| j)
                    .collect();
                chosen.sort_unstable();
                chosen
            })
            .collect(),
    )
}

/// Union-find over judges, joined through the works they share.
fn judge_groups(judges: usize, per_work_judges: &[Vec<usize>]) -> Vec<usize> {
    fn find(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    let mut parent: Vec<usize> = (0..judges).collect();
    for list in per_work_judges {
        if let Some((&first, rest)) = list.split_first() {
            for &other in rest {
                let (a, b) = (find(&mut parent, first), find(&mut parent, other));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    (0..judges).map(|j| find(&mut parent, j)).collect()
}

/// Number of groups among judges with at least one work.
fn count_groups(judges: usize, per_work_judges: &[Vec<usize>]) -> usize {
    let roots = judge_groups(judges, per_work_judges);
    let mut active = vec![false; judges];
    for list in per_work_judges {
        for &j in list {
            active[j] = true;
        }
    }
    (0..judges)
        .filter(|&j| active[j])
        .map(|j| roots[j])
        .collect::<BTreeSet<_>>()
        .len()
}

/// How many swaps and moves the repair may try before giving up (keeps pathological inputs
/// from taking minutes; real contests connect with the first few swaps).
const MOVE_TRIALS: usize = 20_000;

/// Joins the design's groups by swapping judges between works (loads unchanged), then by
/// moving one judge's work to a judge of another group within the load bounds. Each accepted
/// change strictly lowers the number of groups, so the repair ends.
fn connect(
    elig: &Eligibility,
    assigned: &mut [Vec<usize>],
    lo: &[usize],
    hi: &[usize],
    rng: &mut SplitMix64,
) -> usize {
    let judges = elig.judges;
    let mut groups = count_groups(judges, assigned);
    let mut order: Vec<usize> = (0..assigned.len()).collect();
    rng.shuffle(&mut order);
    let mut trials = 0;
    'outer: while groups > 1 {
        let root = judge_groups(judges, assigned);
        let mut works_of: Vec<Vec<usize>> = vec![Vec::new(); judges];
        for (w, list) in assigned.iter().enumerate() {
            for &j in list {
                works_of[j].push(w);
            }
        }
        // Swaps: w1 gives a to w2, w2 gives b to w1 (a, b in different groups). A swap joins
        // the two groups unless both removed pairs were bridges, so each one is checked.
        for &w1 in &order {
            for ai in 0..assigned[w1].len() {
                let a = assigned[w1][ai];
                for &b in &elig.by_work[w1] {
                    if root[b] == root[a] || assigned[w1].contains(&b) {
                        continue;
                    }
                    for &w2 in &works_of[b] {
                        if !elig.ok(w2, a) || assigned[w2].contains(&a) {
                            continue;
                        }
                        let Some(slot) = assigned[w2].iter().position(|&j| j == b) else {
                            continue;
                        };
                        trials += 1;
                        if trials > MOVE_TRIALS {
                            break 'outer;
                        }
                        assigned[w1][ai] = b;
                        assigned[w2][slot] = a;
                        let after = count_groups(judges, assigned);
                        if after < groups {
                            assigned[w1].sort_unstable();
                            assigned[w2].sort_unstable();
                            groups = after;
                            continue 'outer;
                        }
                        assigned[w1][ai] = a;
                        assigned[w2][slot] = b;
                    }
                }
            }
        }
        // Moves: w1 drops a (which can spare one) for b of another group (which can take one).
        let mut load = vec![0usize; judges];
        for list in assigned.iter() {
            for &j in list {
                load[j] += 1;
            }
        }
        for &w1 in &order {
            for ai in 0..assigned[w1].len() {
                let a = assigned[w1][ai];
                if load[a] <= lo[a] {
                    continue;
                }
                for &b in &elig.by_work[w1] {
                    if root[b] == root[a] || load[b] >= hi[b] || assigned[w1].contains(&b) {
                        continue;
                    }
                    trials += 1;
                    if trials > MOVE_TRIALS {
                        break 'outer;
                    }
                    assigned[w1][ai] = b;
                    let after = count_groups(judges, assigned);
                    if after < groups {
                        assigned[w1].sort_unstable();
                        groups = after;
                        continue 'outer;
                    }
                    assigned[w1][ai] = a;
                }
            }
        }
        break;
    }
    groups
}

/// A feasible flow: each work's judges, and the load bounds (low, high) it was found within.
type Bounded = (Vec<Vec<usize>>, Vec<usize>, Vec<usize>);

/// Assigns `per_work` judges to every work. Deterministic for `seed`.
pub fn assign(
    works: &[AssignWork],
    judges: &[AssignJudge],
    per_work: usize,
    seed: u64,
) -> Result<Assignment, AssignError> {
    let elig = Eligibility::new(works, judges);
    check_feasible(works, judges, per_work, &elig)?;
    let mut rng = SplitMix64::new(seed);
    let mut work_order: Vec<usize> = (0..works.len()).collect();
    rng.shuffle(&mut work_order);
    let judge_order: Vec<Vec<usize>> = elig
        .by_work
        .iter()
        .map(|list| {
            let mut list = list.clone();
            rng.shuffle(&mut list);
            list
        })
        .collect();

    let sparse_order = sparse_candidates(&judge_order, per_work);
    let j = judges.len();
    let total = works.len() * per_work;
    let even_lo = total / j;
    let even_hi = total.div_ceil(j);
    // Widen the load window step by step until the flow is feasible: first within one, then
    // by `spread` more, trying a few splits between lowering the floor and raising the cap.
    // Coverage is feasible (checked above), so the window [0, works] always succeeds.
    let attempt = |spread: usize| -> Option<Bounded> {
        let splits: Vec<usize> = if spread <= 8 {
            (0..=spread).collect()
        } else {
            (0..=8).map(|i| spread * i / 8).collect()
        };
        for down in splits {
            let floor = even_lo.saturating_sub(down);
            let cap = (even_hi + (spread - down)).min(works.len());
            let lo: Vec<usize> = elig.per_judge.iter().map(|&e| floor.min(e)).collect();
            let hi: Vec<usize> = vec![cap; j];
            // The sparse graph first (a random handful of candidates per work); the full one
            // decides when that is infeasible, so feasibility — and balance — never depend on
            // the shortcut.
            let found = sparse_order
                .as_ref()
                .and_then(|order| try_bounds(&elig, &work_order, order, per_work, &lo, &hi))
                .or_else(|| try_bounds(&elig, &work_order, &judge_order, per_work, &lo, &hi));
            if let Some(a) = found {
                return Some((a, lo, hi));
            }
        }
        None
    };
    let max_spread = works.len() + even_lo;
    let (mut assigned, lo, hi) = match (0..=4).find_map(&attempt) {
        Some(found) => found,
        None => {
            // Exponential then binary search: feasibility only grows with the spread.
            let mut bad = 4;
            let mut good = 8;
            let mut found = loop {
                if let Some(f) = attempt(good.min(max_spread)) {
                    break f;
                }
                bad = good;
                if good >= max_spread {
                    // Unreachable for a feasible coverage; fall back to the widest window.
                    let lo = vec![0; j];
                    let hi = vec![works.len(); j];
                    let a = try_bounds(&elig, &work_order, &judge_order, per_work, &lo, &hi)
                        .ok_or(AssignError::NoJudges)?;
                    break (a, lo, hi);
                }
                good *= 2;
            };
            while good - bad > 1 {
                let mid = (good + bad) / 2;
                match attempt(mid) {
                    Some(f) => {
                        found = f;
                        good = mid;
                    }
                    None => bad = mid,
                }
            }
            found
        }
    };

    let mut notes = Vec::new();
    let groups = if per_work >= 2 {
        connect(&elig, &mut assigned, &lo, &hi, &mut rng)
    } else {
        count_groups(j, &assigned)
    };
    let mut load = vec![0usize; j];
    for list in &assigned {
        for &ji in list {
            load[ji] += 1;
        }
    }
    let (min, max) = (
        load.iter().copied().min().unwrap_or(0),
        load.iter().copied().max().unwrap_or(0),
    );
    if max - min > 1 {
        let limited = judges
            .iter()
            .zip(&elig.per_judge)
            .filter(|(_, &e)| e < even_lo)
            .map(|(judge, &e)| (judge.id.clone(), e))
            .collect();
        notes.push(Note::Unbalanced { min, max, limited });
    }
    if groups > 1 {
        let active = load.iter().filter(|&&n| n > 0).count();
        let reason = if per_work < 2 {
            Disconnect::OneJudgePerWork
        } else if works.len() * (per_work - 1) + 1 < active {
            Disconnect::TooFewWorks
        } else if count_groups(j, &elig.by_work) > 1 {
            Disconnect::Eligibility
        } else {
            Disconnect::NotFound
        };
        notes.push(Note::Disconnected { groups, reason });
    }
    let pairs = assigned
        .iter()
        .enumerate()
        .flat_map(|(w, list)| {
            list.iter()
                .map(move |&ji| (works[w].id.clone(), judges[ji].id.clone()))
        })
        .collect();
    let loads = judges
        .iter()
        .zip(&load)
        .map(|(judge, &n)| (judge.id.clone(), n))
        .collect();
    Ok(Assignment {
        pairs,
        loads,
        notes,
    })
}

/// What an assignment (generated or edited by hand) looks like against the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignCheck {
    /// Load of every judge, in the input order.
    pub loads: Vec<(String, usize)>,
    /// Works with a different number of judges than wanted: (work, judges).
    pub miscounted: Vec<(String, usize)>,
    /// Pairs that break a rule (e.g. a conflict declared after the assignment was made).
    pub conflicts: Vec<(String, String, Conflict)>,
    /// Pairs naming an unknown work or judge.
    pub unknown: Vec<(String, String)>,
    /// Groups of judges sharing no work (1 = connected).
    pub groups: usize,
}

/// Checks `pairs` against the rules; used after manual edits and by tests.
pub fn check_design(
    works: &[AssignWork],
    judges: &[AssignJudge],
    pairs: &[(String, String)],
    per_work: usize,
) -> DesignCheck {
    let work_index: BTreeMap<&str, usize> = works
        .iter()
        .enumerate()
        .map(|(i, w)| (w.id.as_str(), i))
        .collect();
    let judge_index: BTreeMap<&str, usize> = judges
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id.as_str(), i))
        .collect();
    let mut per_work_judges: Vec<Vec<usize>> = vec![Vec::new(); works.len()];
    let mut conflicts = Vec::new();
    let mut unknown = Vec::new();
    for (w, j) in pairs {
        match (work_index.get(w.as_str()), judge_index.get(j.as_str())) {
            (Some(&wi), Some(&ji)) => {
                if !per_work_judges[wi].contains(&ji) {
                    per_work_judges[wi].push(ji);
                }
                if let Some(c) = conflict(&works[wi], &judges[ji]) {
                    conflicts.push((w.clone(), j.clone(), c));
                }
            }
            _ => unknown.push((w.clone(), j.clone())),
        }
    }
    let mut load = vec![0usize; judges.len()];
    for list in &per_work_judges {
        for &j in list {
            load[j] += 1;
        }
    }
    DesignCheck {
        loads: judges
            .iter()
            .zip(&load)
            .map(|(j, &n)| (j.id.clone(), n))
            .collect(),
        miscounted: works
            .iter()
            .zip(&per_work_judges)
            .filter(|(_, l)| l.len() != per_work)
            .map(|(w, l)| (w.id.clone(), l.len()))
            .collect(),
        conflicts,
        unknown,
        groups: count_groups(judges.len(), &per_work_judges),
    }
}

/// Why a manual edit was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    BadPair(String),
    UnknownWork(String),
    UnknownJudge(String),
    Conflict {
        work: String,
        judge: String,
        conflict: Conflict,
    },
    AlreadyAssigned {
        work: String,
        judge: String,
    },
    NotAssigned {
        work: String,
        judge: String,
    },
}

/// Parses `WORK:JUDGE` (the last colon splits, so work numbers may not hold one but judge ids
/// may not either; both are trimmed).
pub fn parse_pair(text: &str) -> Result<(String, String), EditError> {
    match text.split_once(':') {
        Some((w, j)) if !w.trim().is_empty() && !j.trim().is_empty() => {
            Ok((w.trim().to_string(), j.trim().to_string()))
        }
        _ => Err(EditError::BadPair(text.to_string())),
    }
}

/// Applies manual removals, then additions, to `pairs` (work, judge, manual), checking each
/// addition against the same rules as the engine. All or nothing: the first refusal returns
/// and `pairs` is left as it was.
pub fn edit(
    works: &[AssignWork],
    judges: &[AssignJudge],
    pairs: &[(String, String, bool)],
    remove: &[(String, String)],
    add: &[(String, String)],
) -> Result<Vec<(String, String, bool)>, EditError> {
    let mut out: Vec<(String, String, bool)> = pairs.to_vec();
    for (w, j) in remove {
        let w = resolve_work(works, w)?;
        let j = resolve_judge(judges, j)?;
        let before = out.len();
        out.retain(|(pw, pj, _)| !(pw == &w.id && pj == &j.id));
        if out.len() == before {
            return Err(EditError::NotAssigned {
                work: w.id.clone(),
                judge: j.id.clone(),
            });
        }
    }
    for (w, j) in add {
        let w = resolve_work(works, w)?;
        let j = resolve_judge(judges, j)?;
        if let Some(c) = conflict(w, j) {
            return Err(EditError::Conflict {
                work: w.id.clone(),
                judge: j.id.clone(),
                conflict: c,
            });
        }
        if out.iter().any(|(pw, pj, _)| pw == &w.id && pj == &j.id) {
            return Err(EditError::AlreadyAssigned {
                work: w.id.clone(),
                judge: j.id.clone(),
            });
        }
        out.push((w.id.clone(), j.id.clone(), true));
    }
    Ok(out)
}

fn resolve_work<'a>(works: &'a [AssignWork], id: &str) -> Result<&'a AssignWork, EditError> {
    works
        .iter()
        .find(|w| w.id == id)
        .or_else(|| works.iter().find(|w| same_work_number(&w.id, id)))
        .ok_or_else(|| EditError::UnknownWork(id.to_string()))
}

fn resolve_judge<'a>(judges: &'a [AssignJudge], id: &str) -> Result<&'a AssignJudge, EditError> {
    judges
        .iter()
        .find(|j| j.id == id)
        .or_else(|| judges.iter().find(|j| j.id.eq_ignore_ascii_case(id)))
        .ok_or_else(|| EditError::UnknownJudge(id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(id: &str, unit: &str, district: &str) -> AssignWork {
        AssignWork {
            id: id.into(),
            unit: unit.into(),
            district: district.into(),
        }
    }

    fn judge(id: &str, unit: &str, district: &str) -> AssignJudge {
        AssignJudge {
            id: id.into(),
            unit: unit.into(),
            district: district.into(),
            ..Default::default()
        }
    }

    fn sample(works: usize, judges: usize) -> (Vec<AssignWork>, Vec<AssignJudge>) {
        let w = (0..works)
            .map(|i| {
                work(
                    &format!("{:03}", i + 1),
                    &format!("unit{}", i % 7),
                    &format!("d{}", i % 5),
                )
            })
            .collect();
        let j = (0..judges)
            .map(|i| {
                judge(
                    &format!("J{:02}", i + 1),
                    &format!("unit{}", i % 11),
                    &format!("d{}", (i + 2) % 9),
                )
            })
            .collect();
        (w, j)
    }

    #[test]
    fn conflicts_are_found_with_forgiving_spelling() {
        let w = work("012", "重庆大学", "沙坪坝区");
        assert_eq!(
            conflict(&w, &judge("a", "重庆大学\u{3000}", "")),
            Some(Conflict::SameUnit("重庆大学".into()))
        );
        assert_eq!(
            conflict(&w, &judge("a", "x", " 沙坪坝区")),
            Some(Conflict::SameDistrict("沙坪坝区".into()))
        );
        let mut j = judge("a", "x", "");
        assert_eq!(conflict(&w, &j), None);
        j.conflict_works = vec!["12".into()];
        assert!(matches!(conflict(&w, &j), Some(Conflict::DeclaredWork(_))));
        j.conflict_works.clear();
        j.conflict_units = vec!["重庆大学".into()];
        assert!(matches!(conflict(&w, &j), Some(Conflict::DeclaredUnit(_))));
        // Empty districts on both sides are not a shared district.
        assert_eq!(conflict(&work("1", "u", ""), &judge("a", "v", "")), None);
    }

    #[test]
    fn a_simple_contest_is_covered_balanced_and_connected() {
        let (works, judges) = sample(40, 9);
        let a = assign(&works, &judges, 3, 7).unwrap();
        let check = check_design(&works, &judges, &a.pairs, 3);
        assert!(check.miscounted.is_empty());
        assert!(check.conflicts.is_empty());
        assert_eq!(check.groups, 1);
        let loads: Vec<usize> = a.loads.iter().map(|l| l.1).collect();
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1);
        assert!(a.notes.is_empty(), "{:?}", a.notes);
        assert_eq!(a, assign(&works, &judges, 3, 7).unwrap());
        assert_ne!(a.pairs, assign(&works, &judges, 3, 8).unwrap().pairs);
    }

    #[test]
    fn a_large_contest_takes_the_sparse_graph_and_keeps_every_guarantee() {
        let (works, judges) = sample(3_000, 200);
        let (_, order) = {
            let elig = Eligibility::new(&works, &judges);
            let order: Vec<Vec<usize>> = elig.by_work.clone();
            (elig, order)
        };
        let sparse = sparse_candidates(&order, 5).expect("large enough for the sparse graph");
        assert!(sparse.iter().all(|l| l.len() == 20));
        let a = assign(&works, &judges, 5, 11).unwrap();
        let check = check_design(&works, &judges, &a.pairs, 5);
        assert!(check.miscounted.is_empty());
        assert!(check.conflicts.is_empty());
        assert_eq!(check.groups, 1);
        let loads: Vec<usize> = a.loads.iter().map(|l| l.1).collect();
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1);
        assert_eq!(a, assign(&works, &judges, 5, 11).unwrap());
        // Small contests never take it.
        let (w, j) = sample(40, 9);
        assert!(sparse_candidates(&Eligibility::new(&w, &j).by_work, 3).is_none());
    }

    #[test]
    fn infeasible_works_are_named_with_reasons() {
        let works = vec![work("001", "A", "d1"), work("012", "B", "d2")];
        let mut judges = vec![
            judge("J1", "A", "x"),
            judge("J2", "B", "y"),
            judge("J3", "C", "d2"),
            judge("J4", "D", "z"),
        ];
        judges[3].conflict_works = vec!["12".into()];
        let err = assign(&works, &judges, 2, 1).unwrap_err();
        match &err {
            AssignError::Uncoverable(list) => {
                assert_eq!(list.len(), 1);
                assert_eq!(list[0].work, "012");
                assert_eq!(list[0].eligible, 1);
                assert_eq!(list[0].same_unit_or_district, 2);
                assert_eq!(list[0].declared, 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            assign(&works, &judges, 5, 1),
            Err(AssignError::TooFewJudges { .. })
        ));
    }

    #[test]
    fn a_judge_with_few_eligible_works_is_explained() {
        // J1 shares the unit of 9 of 10 works.
        let mut works: Vec<AssignWork> = (0..10)
            .map(|i| work(&format!("{i}"), "A", &format!("d{i}")))
            .collect();
        works[0].unit = "B".into();
        let judges = vec![
            judge("J1", "A", ""),
            judge("J2", "X", ""),
            judge("J3", "Y", ""),
            judge("J4", "Z", ""),
        ];
        let a = assign(&works, &judges, 2, 3).unwrap();
        let check = check_design(&works, &judges, &a.pairs, 2);
        assert!(check.miscounted.is_empty() && check.conflicts.is_empty());
        match &a.notes[..] {
            [Note::Unbalanced { min, max, limited }] => {
                assert_eq!((*min, *max), (1, 7));
                assert_eq!(limited, &vec![("J1".to_string(), 1)]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_judge_per_work_is_reported_as_disconnected() {
        let (works, judges) = sample(12, 4);
        let a = assign(&works, &judges, 1, 0).unwrap();
        assert!(a.notes.iter().any(|n| matches!(
            n,
            Note::Disconnected {
                reason: Disconnect::OneJudgePerWork,
                ..
            }
        )));
    }

    #[test]
    fn manual_edits_follow_the_rules() {
        let works = vec![work("001", "A", "d1"), work("002", "B", "d2")];
        let judges = vec![judge("J1", "A", "x"), judge("J2", "C", "y")];
        let pairs = vec![("002".to_string(), "J1".to_string(), false)];
        let err = edit(&works, &judges, &pairs, &[], &[parse_pair("1:J1").unwrap()]).unwrap_err();
        assert!(matches!(
            &err,
            EditError::Conflict { conflict: Conflict::SameUnit(u), .. } if u == "A"
        ));
        let out = edit(
            &works,
            &judges,
            &pairs,
            &[("002".into(), "J1".into())],
            &[("001".into(), "J2".into())],
        )
        .unwrap();
        assert_eq!(out, vec![("001".to_string(), "J2".to_string(), true)]);
        assert!(matches!(
            edit(&works, &judges, &pairs, &[("001".into(), "J2".into())], &[]),
            Err(EditError::NotAssigned { .. })
        ));
        assert!(matches!(parse_pair("nope"), Err(EditError::BadPair(_))));
    }

    #[test]
    fn the_fast_eligibility_agrees_with_the_explained_rules() {
        let (works, mut judges) = sample(30, 12);
        judges[0].conflict_units = vec!["UNIT3".into()];
        judges[1].conflict_works = vec!["7".into(), "012".into()];
        judges[2].district = String::new();
        let elig = Eligibility::new(&works, &judges);
        for (wi, w) in works.iter().enumerate() {
            for (ji, j) in judges.iter().enumerate() {
                assert_eq!(
                    elig.ok(wi, ji),
                    conflict(w, j).is_none(),
                    "{} {}",
                    w.id,
                    j.id
                );
            }
        }
    }

    #[test]
    fn the_rng_is_fixed_forever() {
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
