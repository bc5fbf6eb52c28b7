//! Planning an import: which incoming works and judges are new, which change an existing
//! record (and which fields), and which clash with a work from another form. Pure; the
//! master applies a plan in one transaction.
//!
//! Work numbers (decisions):
//! - A district form's 序号 is a row counter, not a contest-wide number: it is kept as the
//!   work's origin (with the form's file and sheet), and the work gets a contest-wide number.
//! - A work without an explicit contest-wide number (作品编号) is identified by its title and
//!   unit, normalised (width, case, spaces, book-title marks and quotes do not count): a work
//!   the master already holds keeps its number; a new one gets the next free number. New works
//!   are numbered in the order (form file, sheet, row), so the numbers do not depend on the
//!   order the forms were named in, and importing the same forms again changes nothing.
//! - A corrected form (same file, sheet and 序号) whose row changed its title or its unit, but
//!   not both, updates that work rather than adding one.
//! - An explicit number is honoured as before: it identifies the work.
//! - The same work (title and unit) on two rows of the import is a bad row naming the other.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::forms::{Field, JudgeRow, WorkRow};
use crate::records::{JudgeRecord, WorkRecord};

/// A parsed work row as the master stores it; `id` is empty (to be numbered by
/// [`plan_works`]) unless the form gave a contest-wide number. `sheet` is the worksheet the
/// row came from, if any.
pub fn work_record(row: &WorkRow, source: &str, sheet: Option<&str>) -> WorkRecord {
    WorkRecord {
        id: row.id.clone(),
        origin_no: row.origin_no.clone(),
        origin_sheet: sheet.unwrap_or_default().to_string(),
        creators: row.creators.clone(),
        email: row.email.clone(),
        credit_code: row.credit_code.clone(),
        title: row.title.clone(),
        unit: row.unit.clone(),
        district: row.district.clone(),
        address: row.address.clone(),
        contact: row.contact.clone(),
        contact_person: row.contact_person.clone(),
        summary: row.summary.clone(),
        media_file: row.media_file.clone(),
        source: source.to_string(),
        source_row: row.row,
    }
}

/// The fields of a work that differ between two records (source_row is bookkeeping, not a
/// change the organizer needs to hear about).
fn work_changes(old: &WorkRecord, new: &WorkRecord) -> Vec<Field> {
    let mut fields = Vec::new();
    let pairs: [(Field, bool); 11] = [
        (Field::Title, old.title != new.title),
        (Field::Unit, old.unit != new.unit),
        (Field::District, old.district != new.district),
        (Field::Address, old.address != new.address),
        (Field::Contact, old.contact != new.contact),
        (
            Field::ContactPerson,
            old.contact_person != new.contact_person,
        ),
        (Field::Summary, old.summary != new.summary),
        (Field::Creators, old.creators != new.creators),
        (Field::Email, old.email != new.email),
        (Field::CreditCode, old.credit_code != new.credit_code),
        (
            Field::MediaFile,
            old.media_file != new.media_file || old.source != new.source,
        ),
    ];
    for (field, differs) in pairs {
        if differs {
            fields.push(field);
        }
    }
    fields
}

/// How a works file lands in the master.
#[derive(Debug, Default)]
pub struct WorkPlan {
    pub new: Vec<WorkRecord>,
    /// Changed works with the fields that changed (empty: only the row moved).
    pub changed: Vec<(WorkRecord, Vec<Field>)>,
    pub unchanged: usize,
    /// Rows whose work number belongs to another form's, different work: (incoming, existing).
    pub clashes: Vec<(WorkRecord, WorkRecord)>,
    /// Rows that repeat a work (same title and unit) already on an earlier row of this import:
    /// (the repeat, the earlier one).
    pub repeats: Vec<(WorkRecord, WorkRecord)>,
    /// Every incoming work that lands (new, changed or unchanged), with its final number.
    pub placed: Vec<WorkRecord>,
}

/// What identifies a work without a contest-wide number: its title and unit, compared
/// without width, case, spaces, book-title marks or quotes.
pub fn work_key(title: &str, unit: &str) -> String {
    let fold = |s: &str| -> String {
        s.nfkc()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(
                        c,
                        '《' | '》'
                            | '〈'
                            | '〉'
                            | '“'
                            | '”'
                            | '‘'
                            | '’'
                            | '"'
                            | '\''
                            | '「'
                            | '」'
                    )
            })
            .flat_map(char::to_lowercase)
            .collect()
    };
    format!("{}\u{1F}{}", fold(title), fold(unit))
}

/// Where a row comes from, for ordering new works: file, sheet, row.
fn origin_order(w: &WorkRecord) -> (&str, &str, usize) {
    (w.source.as_str(), w.origin_sheet.as_str(), w.source_row)
}

/// Fills the fields `work` leaves empty from `from`: an empty cell never erases what
/// another form (a unit's annex 3) or an accepted video match gave. Title, unit, number and
/// where the row is are `work`'s own.
pub fn fill_empty(work: &mut WorkRecord, from: &WorkRecord) {
    for (to, from) in [
        (&mut work.district, &from.district),
        (&mut work.address, &from.address),
        (&mut work.contact, &from.contact),
        (&mut work.contact_person, &from.contact_person),
        (&mut work.summary, &from.summary),
        (&mut work.creators, &from.creators),
        (&mut work.email, &from.email),
        (&mut work.credit_code, &from.credit_code),
    ] {
        if to.is_empty() {
            to.clone_from(from);
        }
    }
    if work.media_file.is_none() {
        work.media_file.clone_from(&from.media_file);
    }
}

/// Plans an import of list forms (`incoming`) and key–value unit forms (`supplements`,
/// annex 3: one work each). A supplement attaches its fields to the work with its title and
/// unit — a row of this import, else a work of the master — filling only what that work
/// leaves empty; a supplement that describes no known work creates it. Then as
/// [`plan_works`]. Pure.
pub fn plan_intake(
    existing: &[WorkRecord],
    mut incoming: Vec<WorkRecord>,
    mut supplements: Vec<WorkRecord>,
) -> WorkPlan {
    supplements.sort_by(|a, b| origin_order(a).cmp(&origin_order(b)));
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, w) in incoming.iter().enumerate() {
        at.entry(work_key(&w.title, &w.unit)).or_insert(i);
    }
    let known: HashMap<String, &WorkRecord> = existing
        .iter()
        .map(|w| (work_key(&w.title, &w.unit), w))
        .collect();
    for s in supplements {
        let key = work_key(&s.title, &s.unit);
        if let Some(&i) = at.get(&key) {
            fill_empty(&mut incoming[i], &s);
            continue;
        }
        let work = match known.get(&key) {
            Some(old) => {
                let mut w = (*old).clone();
                fill_empty(&mut w, &s);
                w
            }
            None => s,
        };
        at.insert(key, incoming.len());
        incoming.push(work);
    }
    plan_works(existing, incoming)
}

/// Compares incoming works with the master's and numbers the new ones (see the module's
/// decisions). Pure: no I/O.
pub fn plan_works(existing: &[WorkRecord], mut incoming: Vec<WorkRecord>) -> WorkPlan {
    let by_id: HashMap<&str, &WorkRecord> = existing.iter().map(|w| (w.id.as_str(), w)).collect();
    let mut by_key: HashMap<String, &WorkRecord> = HashMap::new();
    let mut by_origin: HashMap<(&str, &str, &str), &WorkRecord> = HashMap::new();
    for w in existing {
        by_key.entry(work_key(&w.title, &w.unit)).or_insert(w);
        // Masters from before origins were kept numbered works by their 序号.
        let no = if w.origin_no.is_empty() {
            &w.id
        } else {
            &w.origin_no
        };
        by_origin
            .entry((w.source.as_str(), w.origin_sheet.as_str(), no.as_str()))
            .or_insert(w);
    }
    let same_origin = |w: &WorkRecord| -> Option<String> {
        if w.origin_no.is_empty() {
            return None;
        }
        let old = by_origin.get(&(
            w.source.as_str(),
            w.origin_sheet.as_str(),
            w.origin_no.as_str(),
        ))?;
        let same = |a: &str, b: &str| work_key(a, "") == work_key(b, "");
        (same(&old.title, &w.title) || same(&old.unit, &w.unit)).then(|| old.id.clone())
    };
    // The order of the forms on the command line must not matter.
    incoming.sort_by(|a, b| origin_order(a).cmp(&origin_order(b)));
    let mut plan = WorkPlan::default();
    let mut seen: HashMap<String, WorkRecord> = HashMap::new();
    let mut unnumbered = Vec::new();
    for mut work in incoming {
        let key = work_key(&work.title, &work.unit);
        if let Some(earlier) = seen.get(&key) {
            plan.repeats.push((work, earlier.clone()));
            continue;
        }
        seen.insert(key.clone(), work.clone());
        if work.id.is_empty() {
            match by_key
                .get(&key)
                .map(|old| old.id.clone())
                .or_else(|| same_origin(&work))
            {
                Some(id) => work.id = id,
                None => {
                    unnumbered.push(work);
                    continue;
                }
            }
        }
        match by_id.get(work.id.as_str()) {
            None => {
                plan.placed.push(work.clone());
                plan.new.push(work);
            }
            Some(old) => {
                let other_form = !old.source.is_empty() && old.source != work.source;
                if other_form && old.title != work.title && old.unit != work.unit {
                    plan.clashes.push((work, (*old).clone()));
                    continue;
                }
                fill_empty(&mut work, old);
                if **old == work {
                    plan.unchanged += 1;
                    plan.placed.push(work);
                    continue;
                }
                let fields = work_changes(old, &work);
                if fields.is_empty() {
                    // Only the row number moved: written, but not reported as a change.
                    plan.unchanged += 1;
                }
                plan.placed.push(work.clone());
                plan.changed.push((work, fields));
            }
        }
    }
    // New works without a number: the next free ones, in (file, sheet, row) order.
    let mut taken: HashSet<String> = existing.iter().map(|w| w.id.clone()).collect();
    taken.extend(plan.new.iter().map(|w| w.id.clone()));
    let mut next = taken
        .iter()
        .filter_map(|id| id.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    for mut work in unnumbered {
        while taken.contains(&next.to_string()) {
            next += 1;
        }
        work.id = next.to_string();
        taken.insert(work.id.clone());
        plan.placed.push(work.clone());
        plan.new.push(work);
    }
    plan
}

fn person_key(name: &str, unit: &str) -> String {
    let fold = |s: &str| -> String {
        s.nfkc()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    format!("{}\u{1F}{}", fold(name), fold(unit))
}

/// The number in a `J<digits>` id.
fn judge_number(id: &str) -> Option<u64> {
    id.strip_prefix('J')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// How a judges file lands in the master.
#[derive(Debug, Default)]
pub struct JudgePlan {
    /// New judges with their freshly assigned ids.
    pub new: Vec<JudgeRecord>,
    /// Changed judges (existing ids) with what changed, as short labels.
    pub changed: Vec<(JudgeRecord, Vec<&'static str>)>,
    pub unchanged: usize,
}

/// Matches incoming judges with the master's, keeping existing ids and numbering new ones
/// `J01`, `J02`, … after the highest existing number. Pure: no I/O.
pub fn plan_judges(existing: &[JudgeRecord], incoming: Vec<JudgeRecord>) -> JudgePlan {
    let by_key: HashMap<String, &JudgeRecord> = existing
        .iter()
        .map(|j| (person_key(&j.name, &j.unit), j))
        .collect();
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut plan = JudgePlan::default();
    let mut fresh = Vec::new();
    for mut judge in incoming {
        judge.conflict_units.sort();
        judge.conflict_units.dedup();
        judge.conflict_works.sort();
        judge.conflict_works.dedup();
        let old = by_key
            .get(&person_key(&judge.name, &judge.unit))
            .filter(|old| claimed.insert(old.id.as_str()));
        let Some(old) = old else {
            fresh.push(judge);
            continue;
        };
        judge.id = old.id.clone();
        let mut old_units = old.conflict_units.clone();
        old_units.sort();
        let mut old_works = old.conflict_works.clone();
        old_works.sort();
        let mut what = Vec::new();
        if old.name != judge.name {
            what.push("name");
        }
        if old.unit != judge.unit {
            what.push("unit");
        }
        if old.district != judge.district {
            what.push("district");
        }
        if old.contact != judge.contact {
            what.push("contact");
        }
        if old_units != judge.conflict_units || old_works != judge.conflict_works {
            what.push("conflicts");
        }
        let moved = old.source != judge.source || old.source_row != judge.source_row;
        if what.is_empty() {
            plan.unchanged += 1;
            if moved {
                plan.changed.push((judge, what));
            }
        } else {
            plan.changed.push((judge, what));
        }
    }
    let total = existing.len() + fresh.len();
    let width = total.to_string().len().max(2);
    let mut next = existing
        .iter()
        .filter_map(|j| judge_number(&j.id))
        .max()
        .unwrap_or(0)
        + 1;
    let taken: HashSet<&str> = existing.iter().map(|j| j.id.as_str()).collect();
    for mut judge in fresh {
        let mut id = format!("J{next:0width$}");
        while taken.contains(id.as_str()) {
            next += 1;
            id = format!("J{next:0width$}");
        }
        next += 1;
        judge.id = id;
        plan.new.push(judge);
    }
    plan
}

/// A parsed judge row as the master stores it (id assigned later).
pub fn judge_record(row: &JudgeRow, source: &str) -> JudgeRecord {
    JudgeRecord {
        id: String::new(),
        name: row.name.clone(),
        unit: row.unit.clone(),
        district: row.district.clone(),
        contact: row.contact.clone(),
        conflict_units: row.conflict_units.clone(),
        conflict_works: row.conflict_works.clone(),
        source: source.to_string(),
        source_row: row.row,
    }
}

// ---------------------------------------------------------------------------------------
// Media paths

/// Where a work's video may be, in order: an absolute path as given; else the path relative
/// to the form's own folder, then to the contest's media folder, then its bare file name in
/// the media folder (a form naming `D:\作品\1.mp4` on another computer). Pure: no I/O.
pub fn media_candidates(work: &WorkRecord, media_dir: &Path) -> Vec<PathBuf> {
    let Some(named) = work.media_file.as_deref().map(str::trim) else {
        return Vec::new();
    };
    if named.is_empty() {
        return Vec::new();
    }
    let given = Path::new(named);
    if given.is_absolute() {
        return vec![given.to_path_buf()];
    }
    let mut out = Vec::new();
    if let Some(form_dir) = Path::new(&work.source).parent() {
        if !work.source.is_empty() {
            out.push(form_dir.join(given));
        }
    }
    out.push(media_dir.join(given));
    // `/` separators only (the parser turns `\` into `/`); drive prefixes fall away here.
    if let Some(base) = named.rsplit('/').next().filter(|b| !b.is_empty()) {
        let bare = media_dir.join(base);
        if !out.contains(&bare) {
            out.push(bare);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Quotas over the contest

/// Which quota of the call a group of works breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    /// More works from one unit than the call allows (`max_works_per_unit`).
    UnitOver,
    /// More works recommended by one district than its quota.
    DistrictOver,
    /// Fewer works from one district than its quota asks for.
    DistrictUnder,
}

/// A broken quota over every work of the contest, whichever form each came from: the unit
/// or district (as the quota names it), how many works it has, the limit, and the works'
/// numbers. Typed data; the app words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaWarning {
    pub kind: QuotaKind,
    pub name: String,
    pub count: usize,
    pub limit: u32,
    pub works: Vec<String>,
}

/// Checks the call's quotas over the contest's works (all forms together), per unit and per
/// district, with the rules of [`crate::forms::check_quotas`]. Pure.
pub fn quota_warnings(
    works: &[WorkRecord],
    quotas: &crate::model::contest::Quotas,
) -> Vec<QuotaWarning> {
    use crate::forms::{check_quotas, QuotaIssue};
    // The checker counts rows; here each work's row is its place in `works` (1-based).
    let rows: Vec<WorkRow> = works
        .iter()
        .enumerate()
        .map(|(i, w)| WorkRow {
            id: w.id.clone(),
            origin_no: w.origin_no.clone(),
            title: w.title.clone(),
            unit: w.unit.clone(),
            district: w.district.clone(),
            row: i + 1,
            ..WorkRow::default()
        })
        .collect();
    let ids = |rows: &[usize]| -> Vec<String> {
        rows.iter()
            .filter_map(|r| works.get(r.wrapping_sub(1)).map(|w| w.id.clone()))
            .collect()
    };
    check_quotas(&rows, quotas)
        .into_iter()
        .map(|issue| match issue {
            QuotaIssue::UnitOver {
                unit,
                count,
                max,
                rows,
            } => QuotaWarning {
                kind: QuotaKind::UnitOver,
                name: unit,
                count,
                limit: max,
                works: ids(&rows),
            },
            QuotaIssue::DistrictOver {
                district,
                count,
                max,
                rows,
            } => QuotaWarning {
                kind: QuotaKind::DistrictOver,
                name: district,
                count,
                limit: max,
                works: ids(&rows),
            },
            QuotaIssue::DistrictUnder {
                district,
                count,
                min,
                rows,
            } => QuotaWarning {
                kind: QuotaKind::DistrictUnder,
                name: district,
                count,
                limit: min,
                works: ids(&rows),
            },
        })
        .collect()
}

#[cfg(test)]
mod quota_tests {
    use super::*;
    use crate::model::contest::{DistrictQuota, Quotas};

    fn work(id: &str, unit: &str, district: &str, source: &str) -> WorkRecord {
        WorkRecord {
            id: id.into(),
            title: format!("作品{id}"),
            unit: unit.into(),
            district: district.into(),
            source: source.into(),
            ..Default::default()
        }
    }

    #[test]
    fn quotas_count_every_form_together_and_name_the_works() {
        // Two forms of one unit: three works together, two allowed.
        let works = vec![
            work("1", "重庆大学", "渝中区", "a.csv"),
            work("2", "重庆大学", "渝中区", "a.csv"),
            work("3", "重庆 大学", "渝中区", "b.docx"),
            work("4", "西南大学", "北碚区", "c.csv"),
        ];
        let quotas = Quotas {
            max_works_per_unit: Some(2),
            districts: vec![
                DistrictQuota {
                    names: vec!["渝中区".into()],
                    min: 3,
                    max: 5,
                },
                DistrictQuota {
                    names: vec!["*".into()],
                    min: 2,
                    max: 2,
                },
            ],
        };
        let w = quota_warnings(&works, &quotas);
        assert_eq!(
            w,
            [
                QuotaWarning {
                    kind: QuotaKind::UnitOver,
                    name: "重庆大学".into(),
                    count: 3,
                    limit: 2,
                    works: vec!["1".into(), "2".into(), "3".into()],
                },
                QuotaWarning {
                    kind: QuotaKind::DistrictUnder,
                    name: "北碚区".into(),
                    count: 1,
                    limit: 2,
                    works: vec!["4".into()],
                },
            ]
        );
    }
}
