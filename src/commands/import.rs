//! `jury import works|judges FILE`: the parsed form rows (see [`super::import`]) written into
//! the master database in one transaction.
//!
//! Decisions:
//! - All or nothing: one bad row refuses the whole file unless `--skip-bad` is given, and a
//!   refused or failed import leaves the master exactly as it was (nothing is written before
//!   every row has been checked).
//! - A work is identified by its work number. A row whose number exists updates that work;
//!   works missing from the file are kept (forms arrive one district at a time).
//! - A work number already used by a *different* form for a work with another title and
//!   another unit is a bad row, not an update: district forms each numbering from 1 would
//!   otherwise silently overwrite each other.
//! - `source` is the form's canonical path, so a relative video path can be resolved
//!   against the form's folder later, whatever the current directory.
//! - A changed video name or form invalidates the work's stored probe (its SHA-256 would be
//!   of another file).
//! - Judges are identified by name and unit (compared without spaces, case or width). New
//!   judges get `J01`, `J02`, … (zero-padded to the number of judges); existing ids never
//!   change. Declared conflicts are replaced by the ones in the file.
//! - Every import that writes (including one that finds nothing to change) appends one audit
//!   row, action `import`; the works, judges and conflicts tables stay untouched when nothing
//!   changed.
//! - Quotas are checked over every work of the contest after the import and reported; they
//!   do not block the import (the organizer decides what to do about them).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::i18n::Lang;
use jury_core::forms::{BadRow, Field, FormKind, ImportError, ImportReport, Problem, QuotaIssue};
use jury_core::intake::{judge_record, media_candidates, plan_intake, plan_judges, work_record};
use jury_store::master::{now_secs, AuditEntry, JudgeRecord, Master, WorkRecord};
use jury_store::table::{import_judges, import_works, Forms};
use jury_store::StoreError;

/// Errors of `jury import` and `jury probe` over a contest, one line each.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file as a whole cannot be imported (unreadable, empty, junk, no header, …).
    #[error("{lead}{error}")]
    Form {
        lead: &'static str,
        error: ImportError,
    },
    /// Bad rows and no `--skip-bad`, or nothing to import; `message` says what to do, `report`
    /// is what was understood of the file (printed before the error line).
    #[error("{message}")]
    Refused { report: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which form `jury import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportWhat {
    Works,
    Judges,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Bad rows left out under `--skip-bad`.
    pub skipped_bad: usize,
}

/// The report printed to the organizer and the counts behind it.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub report: String,
    pub counts: ImportCounts,
}

/// A bad row as shown: the parser's reasons, or a clash with a work from another form.
#[derive(Debug, Clone)]
struct ShownBad {
    /// The form (file name, and sheet) the row is in.
    form: String,
    row: usize,
    reason: String,
}

// ---------------------------------------------------------------------------------------
// Works

/// The first candidate (see [`media_candidates`]) that is a file.
pub fn resolve_media(work: &WorkRecord, media_dir: &Path) -> Option<PathBuf> {
    media_candidates(work, media_dir)
        .into_iter()
        .find(|p| p.is_file())
}

// ---------------------------------------------------------------------------------------
// The command

/// The form's path as stored in `source`: canonical when possible, so it means the same
/// from any current directory.
fn source_of(file: &Path) -> String {
    std::fs::canonicalize(file)
        .or_else(|_| std::path::absolute(file))
        .unwrap_or_else(|_| file.to_path_buf())
        .display()
        .to_string()
}

fn form_error(lang: Lang) -> impl Fn(ImportError) -> IngestError {
    move |error| IngestError::Form {
        lead: crate::tr!(lang, "intake.nothing_imported_lead"),
        error,
    }
}

/// Header part of the report: how the file was read and which columns were used.
fn describe_form<T>(
    out: &mut String,
    file: &Path,
    kind: FormKind,
    r: &ImportReport<T>,
    lang: Lang,
) {
    let how = match &r.sheet {
        Some(sheet) => format!("{}, {}", r.encoding, sheet),
        None => r.encoding.clone(),
    };
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(
            lang,
            "intake.read_form",
            file = file.display(),
            how = how,
            row = r.header_row
        )
    );
    let columns: Vec<String> = r
        .columns
        .iter()
        .map(|(field, header)| {
            let label = field_label(kind, *field, lang);
            if header == label {
                header.clone()
            } else {
                format!("{header} → {label}")
            }
        })
        .collect();
    let sep = crate::tr!(lang, "intake.list_sep");
    let list = columns.join(sep);
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(lang, "intake.columns_used", list = list)
    );
    if !r.ignored_columns.is_empty() {
        let list = r.ignored_columns.join(sep);
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(lang, "intake.columns_ignored", list = list)
        );
    }
    if let Some(d) = &r.default_district {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(lang, "intake.district_from_titles", value = d)
        );
    }
    if let Some(u) = &r.default_unit {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(lang, "intake.unit_from_titles", value = u)
        );
    }
    for (row, columns) in &r.stripped {
        let columns = columns.join(crate::tr!(lang, "intake.list_sep"));
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                lang,
                "intake.stripped_controls",
                row = row,
                columns = columns
            )
        );
    }
    for s in &r.skipped {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(lang, "intake.skipped_row", row = s.row, text = s.text)
        );
    }
}

/// Lists bad rows (naming their form when the import read more than one); returns the
/// refusal when they block the import.
fn report_bad(
    out: &mut String,
    bad: &mut [ShownBad],
    skip_bad: bool,
    many_forms: bool,
    lang: Lang,
) -> Option<String> {
    if bad.is_empty() {
        return None;
    }
    bad.sort_by(|a, b| (&a.form, a.row).cmp(&(&b.form, b.row)));
    let n = bad.len();
    let head = if skip_bad {
        crate::tr!(lang, "intake.bad_rows_left_out", n = n)
    } else {
        crate::tr!(lang, "intake.bad_rows", n = n)
    };
    let _ = writeln!(out, "{head}");
    for b in bad.iter() {
        let line = if many_forms {
            crate::tr!(
                lang,
                "intake.bad_row_in",
                form = b.form,
                row = b.row,
                reason = b.reason
            )
        } else {
            crate::tr!(lang, "intake.bad_row", row = b.row, reason = b.reason)
        };
        let _ = writeln!(out, "{line}");
    }
    (!skip_bad).then(|| crate::tr!(lang, "intake.bad_rows_refused", n = n))
}

impl<T> Gathered<T> {
    /// Lists the bad rows, and refuses (keeping the report so far) when they block the import
    /// or nothing is left to write (`empty`); else how many bad rows `--skip-bad` leaves out.
    fn refuse_bad_or_empty(
        &mut self,
        skip_bad: bool,
        empty: bool,
        noun: &str,
        lang: Lang,
    ) -> Result<usize, IngestError> {
        let skipped_bad = self.bad.len();
        let many_forms = self.forms > 1;
        if let Some(refusal) = report_bad(&mut self.out, &mut self.bad, skip_bad, many_forms, lang)
        {
            return Err(refused_with(std::mem::take(&mut self.out), refusal));
        }
        if empty {
            let message = nothing_to_import(&files_shown(&self.files), skipped_bad, noun, lang);
            return Err(refused_with(std::mem::take(&mut self.out), message));
        }
        Ok(skipped_bad)
    }
}

impl ImportCounts {
    /// The counts of a plan: changed records are those with at least one changed field.
    fn of_plan<T, F>(
        new: usize,
        changed: &[(T, Vec<F>)],
        unchanged: usize,
        skipped_bad: usize,
    ) -> Self {
        ImportCounts {
            new,
            changed: changed.iter().filter(|(_, f)| !f.is_empty()).count(),
            unchanged,
            skipped_bad,
        }
    }
}

/// One audit row per form file read.
fn audits_of(files: &[(PathBuf, String)], kind: &str, counts: &ImportCounts) -> Vec<AuditEntry> {
    files
        .iter()
        .map(|(file, source)| audit_entry(file, source, kind, counts))
        .collect()
}

fn counts_line(out: &mut String, counts: &ImportCounts, noun: &str, lang: Lang) {
    let ImportCounts {
        new,
        changed,
        unchanged,
        ..
    } = counts;
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(
            lang,
            "intake.counts",
            noun = noun,
            new = new,
            changed = changed,
            unchanged = unchanged
        )
    );
}

/// Work numbers as a short list: `1, 2, 5 … (+12)`.
fn short_list(ids: &[String], max: usize) -> String {
    let mut s = ids.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > max {
        let _ = write!(s, " … (+{})", ids.len() - max);
    }
    s
}

fn audit_entry(file: &Path, source: &str, kind: &str, counts: &ImportCounts) -> AuditEntry {
    let changed = counts.new + counts.changed > 0;
    AuditEntry {
        seq: 0,
        at: now_secs(),
        action: "import".into(),
        file: source.to_string(),
        file_sha256: jury_media::sha256_file(file).unwrap_or_default(),
        ballot_id: None,
        judge_id: None,
        revision: None,
        chain_head: None,
        outcome: if changed { "imported" } else { "unchanged" }.into(),
        detail: format!(
            "{kind}: {} new, {} changed, {} unchanged, {} bad rows left out",
            counts.new, counts.changed, counts.unchanged, counts.skipped_bad
        ),
    }
}

/// Form file extensions read from a folder.
const FORM_EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "docx"];

/// The form files named: files as given, a folder's form files (by extension, in name order;
/// hidden files and Office lock files `~$…` left out); each file once.
pub fn form_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |p: PathBuf, out: &mut Vec<PathBuf>| {
        let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if seen.insert(key) {
            out.push(p);
        }
    };
    for path in paths {
        if !path.is_dir() {
            push(path.clone(), &mut out);
            continue;
        }
        let io = |e: std::io::Error| {
            ImportError::new(
                jury_core::forms::ImportErrorKind::Io,
                path,
                format!("cannot list the folder {}: {e}", path.display()),
            )
        };
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                !name.starts_with('.')
                    && !name.starts_with("~$")
                    && FORM_EXTENSIONS.contains(&ext.as_str())
            })
            .collect();
        if found.is_empty() {
            return Err(ImportError::new(
                jury_core::forms::ImportErrorKind::Empty,
                path,
                format!(
                    "the folder {} holds no form files ({}); name the forms or the right folder",
                    path.display(),
                    FORM_EXTENSIONS.join(", ")
                ),
            ));
        }
        found.sort();
        for p in found {
            push(p, &mut out);
        }
    }
    Ok(out)
}

/// A form's name in messages: its file name, and the sheet for workbooks.
fn form_label(source: &str, sheet: &str) -> String {
    let file = Path::new(source)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    if sheet.is_empty() {
        file
    } else {
        format!("{file} [{sheet}]")
    }
}

/// Everything read from the files of one command, before planning.
struct Gathered<T> {
    out: String,
    /// (row, form's stored source, sheet, from a key–value unit form)
    rows: Vec<(T, String, Option<String>, bool)>,
    bad: Vec<ShownBad>,
    /// The files read, with their stored source.
    files: Vec<(PathBuf, String)>,
    /// Forms (sheets) read.
    forms: usize,
}

/// Reads every file; a file that cannot be read at all refuses the import (one file: its
/// own error line), unless `skip_bad` is given and another file was read.
fn gather<T>(
    paths: &[PathBuf],
    kind: FormKind,
    read: fn(&Path) -> Result<Forms<T>, ImportError>,
    skip_bad: bool,
    lang: Lang,
) -> Result<Gathered<T>, IngestError> {
    let files = form_files(paths).map_err(form_error(lang))?;
    let mut g = Gathered {
        out: String::new(),
        rows: Vec::new(),
        bad: Vec::new(),
        files: Vec::new(),
        forms: 0,
    };
    let mut failed = 0;
    for file in &files {
        let forms = match read(file) {
            Ok(f) => f,
            Err(e) if files.len() == 1 => return Err(form_error(lang)(e)),
            Err(e) => {
                failed += 1;
                let _ = writeln!(
                    g.out,
                    "{}",
                    crate::tr!(lang, "intake.file_refused", error = e)
                );
                continue;
            }
        };
        let source = source_of(file);
        for report in forms.reports {
            g.forms += 1;
            describe_form(&mut g.out, file, kind, &report, lang);
            let form = form_label(&source, report.sheet.as_deref().unwrap_or(""));
            g.bad.extend(report.bad.iter().map(|b| ShownBad {
                form: form.clone(),
                row: b.row,
                reason: bad_row_reason(b, lang),
            }));
            if report.key_value {
                let _ = writeln!(g.out, "{}", crate::tr!(lang, "intake.key_value_form"));
            }
            for row in report.rows {
                g.rows
                    .push((row, source.clone(), report.sheet.clone(), report.key_value));
            }
        }
        for sheet in &forms.skipped_sheets {
            let line = match &sheet.error {
                None => crate::tr!(lang, "intake.sheet_skipped", sheet = sheet.name),
                Some(e) => crate::tr!(lang, "intake.sheet_unusable", sheet = sheet.name, error = e),
            };
            let _ = writeln!(g.out, "{line}");
        }
        g.files.push((file.clone(), source));
    }
    if failed > 0 && (!skip_bad || g.files.is_empty()) {
        let message = crate::tr!(lang, "intake.files_refused", n = failed);
        return Err(refused_with(g.out, message));
    }
    Ok(g)
}

fn files_shown(files: &[(PathBuf, String)]) -> String {
    files
        .iter()
        .map(|(f, _)| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `jury import works FILE_OR_DIR...`: reads every form, checks every row, numbers the new
/// works and writes them in one transaction (or nothing, see the module's decisions).
pub fn import_works_into(
    master: &mut Master,
    media_dir: &Path,
    quotas: &jury_core::model::contest::Quotas,
    files: &[PathBuf],
    skip_bad: bool,
    lang: Lang,
) -> Result<ImportOutcome, IngestError> {
    let mut g = gather(files, FormKind::Works, import_works, skip_bad, lang)?;
    let existing = master.works()?;
    let (mut incoming, mut supplements) = (Vec::new(), Vec::new());
    for (r, source, sheet, key_value) in &g.rows {
        let record = work_record(r, source, sheet.as_deref());
        if *key_value {
            supplements.push(record);
        } else {
            incoming.push(record);
        }
    }
    let plan = plan_intake(&existing, incoming, supplements);
    for (work, other) in &plan.clashes {
        g.bad.push(ShownBad {
            form: form_label(&work.source, &work.origin_sheet),
            row: work.source_row,
            reason: crate::tr!(
                lang,
                "intake.number_clash",
                id = other.id,
                title = jury_core::text::bare_title(&other.title),
                unit = other.unit,
                form = form_label(&other.source, &other.origin_sheet),
                row = other.source_row
            ),
        });
    }
    for (work, earlier) in &plan.repeats {
        g.bad.push(ShownBad {
            form: form_label(&work.source, &work.origin_sheet),
            row: work.source_row,
            reason: crate::tr!(
                lang,
                "intake.repeated_work",
                title = jury_core::text::bare_title(&earlier.title),
                unit = earlier.unit,
                form = form_label(&earlier.source, &earlier.origin_sheet),
                row = earlier.source_row
            ),
        });
    }
    let noun = crate::tr!(lang, "intake.noun_works");
    let skipped_bad = g.refuse_bad_or_empty(skip_bad, plan.placed.is_empty(), noun, lang)?;
    let Gathered { mut out, files, .. } = g;
    let counts = ImportCounts::of_plan(plan.new.len(), &plan.changed, plan.unchanged, skipped_bad);
    master.apply_work_plan(&plan, &audits_of(&files, "works", &counts))?;
    counts_line(&mut out, &counts, noun, lang);
    for w in &plan.new {
        let form = form_label(&w.source, &w.origin_sheet);
        let line = if w.origin_no.is_empty() {
            crate::tr!(
                lang,
                "intake.new_work",
                id = w.id,
                title = jury_core::text::bare_title(&w.title),
                form = form,
                row = w.source_row
            )
        } else {
            crate::tr!(
                lang,
                "intake.new_work_numbered",
                id = w.id,
                title = jury_core::text::bare_title(&w.title),
                form = form,
                no = w.origin_no
            )
        };
        let _ = writeln!(out, "{line}");
    }
    for (w, fields) in plan.changed.iter().filter(|(_, f)| !f.is_empty()) {
        let labels: Vec<&str> = fields
            .iter()
            .map(|f| field_label(FormKind::Works, *f, lang))
            .collect();
        let fields = labels.join(crate::tr!(lang, "intake.list_sep"));
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                lang,
                "intake.changed_work",
                id = w.id,
                title = jury_core::text::bare_title(&w.title),
                fields = fields
            )
        );
    }

    // Videos: flagged, never dropped.
    let mut no_name = Vec::new();
    let mut not_found = Vec::new();
    for w in &plan.placed {
        if w.media_file.is_none() {
            no_name.push(w.id.clone());
        } else if resolve_media(w, media_dir).is_none() {
            not_found.push(w.id.clone());
        }
    }
    no_name.sort_by(|a, b| jury_core::model::work_number_order(a, b));
    not_found.sort_by(|a, b| jury_core::model::work_number_order(a, b));
    if !not_found.is_empty() {
        let text = crate::tr!(
            lang,
            "intake.video_not_found",
            n = not_found.len(),
            list = short_list(&not_found, 20),
            dir = media_dir.display()
        );
        let _ = writeln!(out, "{text}");
    }
    if !no_name.is_empty() {
        let text = crate::tr!(
            lang,
            "intake.video_not_named",
            n = no_name.len(),
            list = short_list(&no_name, 20)
        );
        let _ = writeln!(out, "{text}");
    }

    // Quotas over the whole contest as it now stands (every form together).
    let lines = quota_lines(&master.works()?, quotas, lang);
    if !lines.is_empty() {
        let _ = writeln!(out, "{}", crate::tr!(lang, "intake.quota_check"));
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
    }
    Ok(ImportOutcome {
        report: out,
        counts,
    })
}

/// The call's quotas over every work of the contest (all forms together), one line per unit
/// or district that breaks one, in `lang`, each naming its works (a long list summarised).
/// `jury import`, `jury probe` and the organizer TUI show these warnings; nothing is refused
/// for them.
pub fn quota_lines(
    works: &[WorkRecord],
    quotas: &jury_core::model::contest::Quotas,
    lang: Lang,
) -> Vec<String> {
    jury_core::intake::quota_warnings(works, quotas)
        .iter()
        .map(|w| quota_line(w, lang))
        .collect()
}

/// One quota warning in words (also shown on the organizer TUI's works tab).
pub fn quota_line(w: &jury_core::intake::QuotaWarning, lang: Lang) -> String {
    use jury_core::intake::QuotaKind;
    let list = super::media::summarised(&w.works, lang);
    let name = jury_core::text::safe_line(&w.name);
    // One shape for the three: the unit or district, its count, the limit, the works.
    let key = match w.kind {
        QuotaKind::UnitOver => "intake.quota.unit_over_works",
        QuotaKind::DistrictOver => "intake.quota.district_over_works",
        QuotaKind::DistrictUnder => "intake.quota.district_under_works",
    };
    crate::i18n::fill(
        crate::i18n::text(lang, key),
        &[
            ("name", &name),
            ("count", &w.count),
            ("limit", &w.limit),
            ("works", &list),
        ],
    )
}

/// Why a form that parsed gave nothing to write.
fn nothing_to_import(file: &str, bad: usize, noun: &str, lang: Lang) -> String {
    match bad {
        0 => crate::tr!(lang, "intake.nothing_to_import", file = file, noun = noun),
        n => crate::tr!(lang, "intake.all_rows_bad", file = file, n = n),
    }
}

/// A refusal that keeps the report so far (the bad rows) for the organizer to read.
fn refused_with(report: String, message: String) -> IngestError {
    IngestError::Refused { report, message }
}

impl IngestError {
    /// What was read of the form before the import was refused, if anything.
    pub fn report(&self) -> Option<&str> {
        match self {
            IngestError::Refused { report, .. } if !report.is_empty() => Some(report),
            _ => None,
        }
    }
}

/// `jury import judges FILE_OR_DIR...`: same rules as works; ids stable across imports.
pub fn import_judges_into(
    master: &mut Master,
    files: &[PathBuf],
    skip_bad: bool,
    lang: Lang,
) -> Result<ImportOutcome, IngestError> {
    let mut g = gather(files, FormKind::Judges, import_judges, skip_bad, lang)?;
    let noun = crate::tr!(lang, "intake.noun_judges");
    let skipped_bad = g.refuse_bad_or_empty(skip_bad, g.rows.is_empty(), noun, lang)?;
    let Gathered {
        mut out,
        rows,
        files,
        ..
    } = g;
    let existing = master.judges()?;
    let incoming: Vec<JudgeRecord> = rows
        .iter()
        .map(|(r, source, ..)| judge_record(r, source))
        .collect();
    let plan = plan_judges(&existing, incoming);
    let counts = ImportCounts::of_plan(plan.new.len(), &plan.changed, plan.unchanged, skipped_bad);
    master.apply_judge_plan(&plan, &audits_of(&files, "judges", &counts))?;
    counts_line(&mut out, &counts, noun, lang);
    for j in &plan.new {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                lang,
                "intake.new_judge",
                id = j.id,
                name = j.name,
                unit = j.unit
            )
        );
    }
    for (j, what) in plan.changed.iter().filter(|(_, w)| !w.is_empty()) {
        let fields = what
            .iter()
            .map(|w| judge_field(w, lang))
            .collect::<Vec<_>>()
            .join(crate::tr!(lang, "intake.list_sep"));
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                lang,
                "intake.changed_judge",
                id = j.id,
                name = j.name,
                fields = fields
            )
        );
    }
    // Declared conflicts with works the master does not (yet) hold: kept, but worth a look.
    let work_ids: HashSet<String> = master.works()?.into_iter().map(|w| w.id).collect();
    let mut unknown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for j in plan.new.iter().chain(plan.changed.iter().map(|(j, _)| j)) {
        for w in j.conflict_works.iter().filter(|w| !work_ids.contains(*w)) {
            unknown.entry(j.id.clone()).or_default().push(w.clone());
        }
    }
    if !work_ids.is_empty() {
        for (judge, works) in unknown {
            let works = works.join(crate::tr!(lang, "intake.list_sep"));
            let _ = writeln!(
                out,
                "{}",
                crate::tr!(
                    lang,
                    "intake.conflict_unknown",
                    judge = judge,
                    works = works
                )
            );
        }
    }
    Ok(ImportOutcome {
        report: out,
        counts,
    })
}

fn judge_field(what: &str, lang: Lang) -> &'static str {
    match what {
        "name" => crate::tr!(lang, "intake.judge_field.name"),
        "unit" => crate::tr!(lang, "intake.judge_field.unit"),
        "district" => crate::tr!(lang, "intake.judge_field.district"),
        "contact" => crate::tr!(lang, "intake.judge_field.contact"),
        _ => crate::tr!(lang, "intake.judge_field.conflicts"),
    }
}

// ---------------------------------------------------------------------------------------
// Words for the parser's typed findings

/// A column's usual header in `kind`'s form (创作单位 for a work's unit), in `lang`.
pub fn field_label(kind: FormKind, field: Field, lang: Lang) -> &'static str {
    match (kind, field) {
        (FormKind::Works, Field::Unit) => crate::tr!(lang, "intake.field.work_unit"),
        (FormKind::Works, Field::District) => crate::tr!(lang, "intake.field.work_district"),
        (_, Field::Id) => crate::tr!(lang, "intake.field.work_id"),
        (_, Field::RowNo) => crate::tr!(lang, "intake.field.id"),
        (_, Field::Creators) => crate::tr!(lang, "intake.field.creators"),
        (_, Field::Email) => crate::tr!(lang, "intake.field.email"),
        (_, Field::CreditCode) => crate::tr!(lang, "intake.field.credit_code"),
        (_, Field::Title) => crate::tr!(lang, "intake.field.title"),
        (_, Field::Unit) => crate::tr!(lang, "intake.field.unit"),
        (_, Field::District) => crate::tr!(lang, "intake.field.district"),
        (_, Field::Address) => crate::tr!(lang, "intake.field.address"),
        (_, Field::Contact) => crate::tr!(lang, "intake.field.contact"),
        (_, Field::ContactPerson) => crate::tr!(lang, "intake.field.contact_person"),
        (_, Field::MediaFile) => crate::tr!(lang, "intake.field.media_file"),
        (_, Field::Summary) => crate::tr!(lang, "intake.field.summary"),
        (_, Field::Name) => crate::tr!(lang, "intake.field.name"),
        (_, Field::ConflictUnits) => crate::tr!(lang, "intake.field.conflict_units"),
        (_, Field::ConflictWorks) => crate::tr!(lang, "intake.field.conflict_works"),
    }
}

/// Row numbers, a long list summarised (the first ten, then "… and N more").
fn row_list(rows: &[usize]) -> String {
    let mut s = rows
        .iter()
        .take(super::media::LIST_HEAD)
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if rows.len() > super::media::LIST_HEAD {
        let _ = write!(s, " … (+{})", rows.len() - super::media::LIST_HEAD);
    }
    s
}

/// One problem of a row, in `lang`.
pub fn problem_text(p: &Problem, lang: Lang) -> String {
    match p {
        Problem::Missing { column } => crate::tr!(lang, "intake.problem.missing", column = column),
        Problem::TooLong { column, chars, max } => crate::tr!(
            lang,
            "intake.problem.too_long",
            column = column,
            chars = chars,
            max = max
        ),
        Problem::Garbled { column } => crate::tr!(lang, "intake.problem.garbled", column = column),
        Problem::ExcelError { column, value } => crate::tr!(
            lang,
            "intake.problem.excel_error",
            column = column,
            value = value
        ),
        Problem::BadId { column, value } => {
            crate::tr!(
                lang,
                "intake.problem.bad_id",
                column = column,
                value = value
            )
        }
        Problem::BadPath { column } => crate::tr!(lang, "intake.problem.bad_path", column = column),
        Problem::DuplicateId { id, rows } => crate::tr!(
            lang,
            "intake.problem.duplicate_id",
            id = id,
            rows = row_list(rows)
        ),
        Problem::DuplicateJudge { name, rows } => crate::tr!(
            lang,
            "intake.problem.duplicate_judge",
            name = name,
            rows = row_list(rows)
        ),
    }
}

/// Every reason a row is bad, in `lang`.
pub fn bad_row_reason(b: &BadRow, lang: Lang) -> String {
    b.problems
        .iter()
        .map(|p| problem_text(p, lang))
        .collect::<Vec<_>>()
        .join(crate::tr!(lang, "intake.reason_sep"))
}

/// A broken quota, in `lang`.
pub fn quota_text(issue: &QuotaIssue, lang: Lang) -> String {
    let (key, name, count, limit, rows) = match issue {
        QuotaIssue::UnitOver {
            unit,
            count,
            max,
            rows,
        } => ("intake.quota.unit_over", unit, count, max, rows),
        QuotaIssue::DistrictOver {
            district,
            count,
            max,
            rows,
        } => ("intake.quota.district_over", district, count, max, rows),
        QuotaIssue::DistrictUnder {
            district,
            count,
            min,
            rows,
        } => ("intake.quota.district_under", district, count, min, rows),
    };
    crate::i18n::fill(
        crate::i18n::text(lang, key),
        &[
            ("name", name),
            ("count", count),
            ("limit", limit),
            ("rows", &row_list(rows)),
        ],
    )
}

/// The accepted column headers, from the one alias table of `jury_core::forms`, for
/// `jury import --help`.
pub fn headers_help() -> String {
    let mut out = String::from(
        "Accepted column headers (compared without spaces, case, width, * marks or colons; \
         a header such as 推荐单位（区县） also matches by its base or by what is in brackets):\n",
    );
    for (kind, title) in [
        (FormKind::Works, "works (作品推荐表)"),
        (FormKind::Judges, "judges (专家名单)"),
    ] {
        let _ = writeln!(out, "\n{title}:");
        for (field, names) in jury_core::forms::aliases(kind) {
            let (zh, en) = kind.headers(*field);
            let _ = writeln!(out, "  {zh} / {en}: {}", names.join(", "));
        }
    }
    out.push_str(
        "\nA 序号 column is the form's own row counter: works get contest-wide numbers (kept \
         when the same forms are imported again); a 作品编号 column is used as the number.\n\
         Word documents (.docx) are read from their tables: an annex-2 table like a sheet, an \
         annex-3 unit form (作品名称, 联系人姓名, 电子邮箱, … one per row) as one work whose \
         fields fill in the work with that title and unit (or create it); an empty cell never \
         blanks a stored value. Videos: `jury media match DIR... --accept`.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jury_core::intake::plan_works;

    fn work(id: &str, title: &str, unit: &str, source: &str) -> WorkRecord {
        WorkRecord {
            id: id.into(),
            title: title.into(),
            unit: unit.into(),
            district: "渝中区".into(),
            media_file: Some(format!("{id}.mp4")),
            source: source.into(),
            source_row: id.parse().unwrap_or(0) + 2,
            ..Default::default()
        }
    }

    fn judge(name: &str, unit: &str) -> JudgeRecord {
        JudgeRecord {
            name: name.into(),
            unit: unit.into(),
            source: "/f/judges.csv".into(),
            source_row: 2,
            ..Default::default()
        }
    }

    #[test]
    fn same_rows_plan_nothing_and_a_changed_title_is_named() {
        let old = vec![
            work("1", "山城", "重大", "/f/a.csv"),
            work("2", "江城", "西大", "/f/a.csv"),
        ];
        let same = plan_works(&old, old.clone());
        assert_eq!(
            (same.new.len(), same.changed.len(), same.unchanged),
            (0, 0, 2)
        );
        let mut edited = old.clone();
        edited[1].title = "江城新".into();
        edited.push(work("3", "雾都", "理工", "/f/a.csv"));
        let plan = plan_works(&old, edited);
        assert_eq!(plan.new.len(), 1);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.changed.len(), 1);
        assert_eq!(plan.changed[0].1, vec![Field::Title]);
    }

    #[test]
    fn another_forms_different_work_with_the_same_number_clashes() {
        let old = vec![work("1", "山城", "重大", "/f/yuzhong.csv")];
        let plan = plan_works(&old, vec![work("1", "江城", "西大", "/f/jiangbei.csv")]);
        assert_eq!(plan.clashes.len(), 1);
        assert!(plan.changed.is_empty());
        // A corrected copy of the form under a new name is an update, not a clash.
        let plan = plan_works(
            &old,
            vec![work("1", "山城（修订）", "重大", "/f/yuzhong-v2.csv")],
        );
        assert!(plan.clashes.is_empty());
        assert_eq!(plan.changed[0].1, vec![Field::Title, Field::MediaFile]);
    }

    #[test]
    fn a_moved_row_is_rewritten_but_not_reported_as_changed() {
        let old = vec![work("1", "山城", "重大", "/f/a.csv")];
        let mut moved = old.clone();
        moved[0].source_row += 1;
        let plan = plan_works(&old, moved);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.changed.len(), 1);
        assert!(plan.changed[0].1.is_empty());
    }

    #[test]
    fn judge_ids_are_padded_to_the_count_and_stable() {
        let incoming: Vec<JudgeRecord> = (0..12)
            .map(|i| judge(&format!("专家{i}"), "重大"))
            .collect();
        let plan = plan_judges(&[], incoming.clone());
        assert_eq!(plan.new[0].id, "J01");
        assert_eq!(plan.new[11].id, "J12");
        let existing = plan.new.clone();
        // Re-import, with spacing and width variants and one newcomer.
        let mut again = incoming;
        again[0].name = "专家 0".into();
        again.push(judge("新专家", "西大"));
        let plan = plan_judges(&existing, again);
        assert_eq!(plan.new.len(), 1);
        assert_eq!(plan.new[0].id, "J13");
        assert_eq!(plan.unchanged, 11);
        assert_eq!(plan.changed.len(), 1);
        assert_eq!(plan.changed[0].0.id, "J01");
        assert_eq!(plan.changed[0].1, vec!["name"]);
    }

    #[test]
    fn a_hundredth_judge_widens_the_padding_for_new_ids_only() {
        let incoming: Vec<JudgeRecord> = (0..100).map(|i| judge(&format!("n{i}"), "u")).collect();
        let plan = plan_judges(&[], incoming);
        assert_eq!(plan.new[0].id, "J001");
        assert_eq!(plan.new[99].id, "J100");
    }

    #[test]
    fn conflicts_in_another_order_are_no_change() {
        let mut old = judge("张明", "重庆大学");
        old.id = "J01".into();
        old.conflict_units = vec!["西南大学".into(), "重庆大学".into()];
        let mut new = judge("张明", "重庆大学");
        new.conflict_units = vec!["重庆大学".into(), "西南大学".into()];
        let plan = plan_judges(&[old], vec![new]);
        assert_eq!(plan.unchanged, 1);
        assert!(plan.changed.is_empty());
    }

    #[test]
    fn media_candidates_follow_form_folder_then_media_folder() {
        let mut w = work("1", "t", "u", "/forms/yuzhong/推荐表.csv");
        w.media_file = Some("videos/1.mp4".into());
        let media = Path::new("/contest/media");
        assert_eq!(
            media_candidates(&w, media),
            vec![
                PathBuf::from("/forms/yuzhong/videos/1.mp4"),
                PathBuf::from("/contest/media/videos/1.mp4"),
                PathBuf::from("/contest/media/1.mp4"),
            ]
        );
        w.media_file = Some("D:/作品/1.mp4".into());
        assert_eq!(
            media_candidates(&w, media).last(),
            Some(&PathBuf::from("/contest/media/1.mp4"))
        );
        w.media_file = Some("/abs/1.mp4".into());
        assert_eq!(
            media_candidates(&w, media),
            vec![PathBuf::from("/abs/1.mp4")]
        );
        w.media_file = None;
        assert!(media_candidates(&w, media).is_empty());
    }

    #[test]
    fn resolve_media_prefers_the_forms_folder() {
        let dir = tempfile::tempdir().unwrap();
        let forms = dir.path().join("forms");
        let media = dir.path().join("media");
        std::fs::create_dir_all(&forms).unwrap();
        std::fs::create_dir_all(&media).unwrap();
        let mut w = work("1", "t", "u", &forms.join("a.csv").display().to_string());
        assert_eq!(resolve_media(&w, &media), None);
        std::fs::write(media.join("1.mp4"), b"m").unwrap();
        assert_eq!(resolve_media(&w, &media), Some(media.join("1.mp4")));
        std::fs::write(forms.join("1.mp4"), b"f").unwrap();
        assert_eq!(resolve_media(&w, &media), Some(forms.join("1.mp4")));
        // A folder of that name is not the video.
        w.media_file = Some("sub".into());
        std::fs::create_dir_all(forms.join("sub")).unwrap();
        assert_eq!(resolve_media(&w, &media), None);
    }
}
