//! Organizer subcommands, flattened into the top-level `jury` command line.

use clap::Subcommand;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{Globals, KeyError};
use crate::i18n::Lang;
use jury_store::folder::{ContestFolder, FolderError, CONTEST_FILE, MEDIA_DIR};
use jury_store::master::Master;
use jury_store::BallotKey;

#[derive(Debug, Subcommand)]
pub enum OrganizerCmd {
    /// Create a contest folder: contest.toml, its rubric, a media folder and the master database.
    Init {
        /// The new contest folder (created if missing; must not hold a contest yet).
        dir: PathBuf,
        /// Contest template to start from.
        #[arg(long, default_value = "cq-2023-short-video", value_parser = clap::builder::PossibleValuesParser::new(jury_core::data::TEMPLATES))]
        template: String,
        /// The contest's id, carried by ballots and key cards (default: from the folder's name).
        #[arg(long)]
        id: Option<String>,
        /// The contest's Chinese title (default: the template's).
        #[arg(long)]
        title_zh: Option<String>,
        /// The contest's English title (default: the template's).
        #[arg(long)]
        title_en: Option<String>,
    },
    /// Check video files against a contest's media rules.
    Probe {
        /// Files to check (none: every work of the contest).
        files: Vec<PathBuf>,
        /// Contest template whose rules apply to loose files.
        #[arg(long, default_value = "cq-2023-short-video")]
        template: String,
        /// Videos probed at once (default: one per core).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: Option<u16>,
    },
    /// Import works or judges from recommendation forms (CSV in UTF-8 or GBK, XLSX, XLS, DOCX).
    #[command(after_help = super::import::headers_help())]
    Import {
        /// What the forms list.
        what: super::import::ImportWhat,
        /// The forms: files, or folders whose form files are all read (in one transaction).
        #[arg(required = true, value_name = "FILE_OR_DIR")]
        files: Vec<PathBuf>,
        /// Import the good rows and leave out the bad ones (default: any bad row refuses the file).
        #[arg(long)]
        skip_bad: bool,
    },
    /// Ranked results with award tiers and statistics (table on screen, or a CSV/XLSX/HTML file).
    Results {
        /// Output format; csv, xlsx and html go to --out (default: results.EXT in the contest folder).
        #[arg(long, value_enum, default_value = "table")]
        format: super::results::ResultsFormat,
        /// File to write (the table is printed when this is not given).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Rank on this method instead of the contest's (for comparison).
        #[arg(long, value_enum)]
        method: Option<super::results::MethodArg>,
        /// Results of this round (default: the open one, with earlier rounds' works listed).
        #[arg(long, value_name = "ID")]
        round: Option<String>,
        /// Who the file is for: public (award list, nothing about judges), panel (ranked
        /// table, cut-offs, signature page) or internal (everything, marked 内部资料).
        #[arg(long, value_enum, default_value = "internal")]
        audience: crate::report::audience::Audience,
        /// Write the judges' comments per work as CSV instead (judges as 评委 A/B/C; default
        /// comments.csv in the contest folder).
        #[arg(long)]
        comments: bool,
    },
    /// One A4 landscape 获奖证书 per awarded work (HTML, one per page, plus a combined file)
    /// and a mail-merge CSV.
    Certificates {
        /// Folder to write into (default: certificates/ in the contest folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only these award tiers (ids from contest.toml, `rest` for the rest label).
        #[arg(long, value_name = "ID", num_args = 1..)]
        tier: Vec<String>,
    },
    /// 专家评分表: one printable page per judge (HTML) and an XLSX with a sheet per judge.
    Sheets {
        /// Folder to write into (default: sheets/ in the contest folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Assign judges to works: N per work, conflict-free, balanced loads, connected design.
    Assign {
        /// Judges per work (default: the contest's judges_per_work).
        #[arg(long)]
        per_work: Option<u32>,
        /// Seed of the tie-breaks; the same data and seed give the same assignment.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add WORK:JUDGE to the stored assignment (checked against the conflict rules).
        #[arg(long, value_name = "WORK:JUDGE")]
        add: Vec<String>,
        /// Remove WORK:JUDGE from the stored assignment.
        #[arg(long, value_name = "WORK:JUDGE")]
        remove: Vec<String>,
        /// The round to assign (must be the open one; default: the open one).
        #[arg(long, value_name = "ID")]
        round: Option<String>,
    },
    /// Write one encrypted ballot per judge and a key card per judge.
    Issue {
        /// Folder for the ballot files.
        #[arg(long)]
        out: PathBuf,
        /// Sync folder recorded in each ballot (shared folder or USB stick).
        #[arg(long)]
        sync_dir: Option<String>,
        /// Folder for the key cards (default: keycards/ in the contest folder).
        #[arg(long)]
        cards: Option<PathBuf>,
        /// Re-issue even if entries for removed works would be dropped.
        #[arg(long)]
        force: bool,
        /// Issue although assigned works have no video or break the media rules (the
        /// decision is recorded in the audit log).
        #[arg(long)]
        allow_noncompliant: bool,
        /// Also write one folder per judge into DIR: the ballot, exactly that judge's videos
        /// (SHA-256 checked after copying) and a README; never the key card.
        #[arg(long, value_name = "DIR")]
        package: Option<PathBuf>,
        /// The round to issue (must be the open one; default: the open one).
        #[arg(long, value_name = "ID")]
        round: Option<String>,
    },
    /// Verify returned ballots and merge them into the master database.
    Merge {
        /// Ballot files, or folders holding *.ballot files.
        paths: Vec<PathBuf>,
        /// The round merged into (must be the open one; default: the open one).
        #[arg(long, value_name = "ID")]
        round: Option<String>,
    },
    /// Merge ballots live as they appear or change in a sync folder (Ctrl-C stops).
    Watch {
        /// The sync folder.
        dir: PathBuf,
        /// The round merged into (must be the open one; default: the open one).
        #[arg(long, value_name = "ID")]
        round: Option<String>,
    },
    /// List the contest's rounds, which one is open and its progress.
    Rounds,
    /// Close the open round, compute who advances and open the next round.
    Advance {
        /// Close it although results are provisional or a flagged tie sits at the cut (recorded
        /// in the audit log).
        #[arg(long)]
        force: bool,
    },
    /// Rulings: disqualify a work, deduct points, or revoke them (with reasons).
    Rule {
        #[command(subcommand)]
        action: super::rule::RuleCmd,
    },
    /// Videos: propose a video file for every work from folders of videos.
    Media {
        #[command(subcommand)]
        cmd: MediaCmd,
    },
    /// The meeting room: without a subcommand the room console (show works on the projector,
    /// follow the panel's scores live); `show WORK`, `clear` and `status` for scripts.
    Room {
        #[command(subcommand)]
        action: Option<super::room::RoomCmd>,
        /// The sync folder the judges follow.
        #[arg(long, global = true)]
        sync_dir: Option<PathBuf>,
        #[command(flatten)]
        console: super::room::ConsoleArgs,
    },
    /// The calibration round: each judge's offset from the panel median per criterion group
    /// (or who has not scored the calibration works yet); `--publish` sends the offsets to
    /// the judges through the sync folder.
    Calibration {
        /// Write the offsets into the sync folder, where every judge's TUI shows them theirs.
        #[arg(long, requires = "sync_dir")]
        publish: bool,
        /// The sync folder the judges follow.
        #[arg(long)]
        sync_dir: Option<PathBuf>,
    },
    /// Sign-off: publish the final results' fingerprint into the sync folder, for every
    /// judge's TUI to show the award list and confirm it.
    Signoff {
        /// The sync folder the judges follow.
        #[arg(long)]
        sync_dir: Option<PathBuf>,
    },
    /// The deliberation list: works near an award cut-off, then the widest disagreement,
    /// with the judges' totals side by side.
    Deliberate {
        /// Near a cut-off: within this many points of a tier boundary (default: contest.toml
        /// [deliberation] near_cutoff, else 2).
        #[arg(long, value_name = "N")]
        near: Option<f64>,
        /// Show only the first K works.
        #[arg(long, value_name = "K")]
        top: Option<usize>,
        /// Show the judges' names beside their ids.
        #[arg(long)]
        names: bool,
    },
    /// Show the audit log of merges.
    Log {
        /// Only the files that were refused (or stale): name, SHA-256, size and reason.
        #[arg(long)]
        refused: bool,
    },
    /// Write a consistent snapshot of a ballot into a folder (e.g. a USB stick), for a judge.
    Export {
        /// The ballot file.
        ballot: PathBuf,
        /// Target folder.
        dir: PathBuf,
    },
}

/// `jury media …`.
#[derive(Debug, Subcommand)]
pub enum MediaCmd {
    /// Propose a video for every work: the form's video column, then the work number or the
    /// form's (district, 序号), then the title; `--accept` records the proposals.
    Match {
        /// Folders of videos (walked recursively, e.g. one folder per district or unit).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Record the proposed videos in the master (default: only show them).
        #[arg(long)]
        accept: bool,
    },
}

/// Errors of organizer commands, one line each for the terminal.
#[derive(Debug, thiserror::Error)]
pub enum OrganizeError {
    #[error(transparent)]
    Data(#[from] jury_core::model::DataError),
    #[error(transparent)]
    Folder(#[from] FolderError),
    #[error(transparent)]
    Store(#[from] jury_store::StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("{0}")]
    Report(#[from] crate::report::ReportError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ingest(#[from] super::import::IngestError),
    #[error("{0}")]
    Other(String),
}

pub(crate) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> OrganizeError + '_ {
    move |source| OrganizeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` and its parents; a file standing where a folder must go is named as such
/// (the OS only says "File exists" or "Not a directory").
pub(crate) fn create_folder(dir: &Path) -> Result<(), OrganizeError> {
    std::fs::create_dir_all(dir).map_err(|source| match dir.ancestors().find(|a| a.is_file()) {
        Some(file) if file == dir => OrganizeError::Other(format!(
            "{}: this is a file; name a folder instead",
            dir.display()
        )),
        Some(file) => OrganizeError::Other(format!(
            "{}: {} is a file, not a folder; choose another folder",
            dir.display(),
            file.display()
        )),
        None => OrganizeError::Io {
            path: dir.to_path_buf(),
            source,
        },
    })
}

/// Shortest organizer passphrase accepted when one is typed.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// How many times a typed organizer passphrase may be wrong before the command gives up.
pub const PASSPHRASE_TRIES: usize = 3;

fn ask_passphrase(prompt: &str) -> Result<String, OrganizeError> {
    rpassword::prompt_password(prompt).map_err(|e| OrganizeError::Other(format!("{e}")))
}

/// The organizer's key: --key-file, JURY_KEY, or a masked prompt (asked twice when `confirm`,
/// i.e. when a contest is created: then it also warns, once, that a lost passphrase cannot
/// be recovered, and offers --key-file for a backup).
pub fn organizer_key(
    globals: &Globals,
    confirm: bool,
    lang: Lang,
) -> Result<BallotKey, OrganizeError> {
    if let Some(key) = globals.key()? {
        return Ok(key);
    }
    if !std::io::stdin().is_terminal() {
        return Err(OrganizeError::Other(
            crate::tr!(lang, "passphrase.none").to_string(),
        ));
    }
    if confirm {
        eprintln!("{}", crate::tr!(lang, "passphrase.unrecoverable"));
    }
    let first = ask_passphrase(crate::tr!(lang, "passphrase.prompt"))?;
    if confirm {
        if first.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(OrganizeError::Other(crate::tr!(
                lang,
                "passphrase.too_short",
                n = MIN_PASSPHRASE_CHARS
            )));
        }
        let second = ask_passphrase(crate::tr!(lang, "passphrase.again"))?;
        if first != second {
            return Err(OrganizeError::Other(
                crate::tr!(lang, "passphrase.differ").to_string(),
            ));
        }
    }
    BallotKey::parse(&first)
        .ok_or_else(|| OrganizeError::Other(crate::tr!(lang, "passphrase.empty").to_string()))
}

fn is_wrong_key(e: &OrganizeError) -> bool {
    matches!(
        e,
        OrganizeError::Folder(FolderError::Store(jury_store::StoreError::WrongKey { .. }))
            | OrganizeError::Store(jury_store::StoreError::WrongKey { .. })
    )
}

/// Asks for the organizer passphrase and opens with it, asking again after a wrong one, up to
/// [`PASSPHRASE_TRIES`] times. `say` prints the "try again" line.
pub fn open_with_retries<T>(
    lang: Lang,
    mut ask: impl FnMut(&str) -> Result<String, OrganizeError>,
    mut open: impl FnMut(&BallotKey) -> Result<T, OrganizeError>,
    mut say: impl FnMut(&str),
) -> Result<T, OrganizeError> {
    for attempt in 1..=PASSPHRASE_TRIES {
        let typed = ask(crate::tr!(lang, "passphrase.prompt"))?;
        let left = PASSPHRASE_TRIES - attempt;
        let Some(key) = BallotKey::parse(&typed) else {
            if left > 0 {
                say(&crate::tr!(lang, "passphrase.empty_again", left = left));
            }
            continue;
        };
        match open(&key) {
            Err(e) if is_wrong_key(&e) => {
                if left > 0 {
                    say(&crate::tr!(lang, "passphrase.wrong_again", left = left));
                }
            }
            other => return other,
        }
    }
    Err(OrganizeError::Other(crate::tr!(
        lang,
        "passphrase.wrong_final",
        n = PASSPHRASE_TRIES
    )))
}

/// The contest folder of this command and its master database, opened with the organizer key
/// (a typed passphrase is asked again when wrong; a wrong key file or JURY_KEY is said in
/// organizer words, without the judges' key cards).
pub fn open_contest(globals: &Globals) -> Result<(ContestFolder, Master), OrganizeError> {
    let cwd = std::env::current_dir().map_err(io_err(Path::new(".")))?;
    let folder = ContestFolder::find(globals.contest.as_deref(), &cwd)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let open = |key: &BallotKey| folder.open_master(key).map_err(OrganizeError::from);
    if let Some(key) = globals.key()? {
        let master = open(&key).map_err(|e| {
            if is_wrong_key(&e) {
                OrganizeError::Other(crate::tr!(
                    lang,
                    "passphrase.wrong_key_file",
                    path = folder.master_path().display()
                ))
            } else {
                e
            }
        })?;
        return Ok((folder, master));
    }
    if !std::io::stdin().is_terminal() {
        return Err(OrganizeError::Other(
            crate::tr!(lang, "passphrase.none").to_string(),
        ));
    }
    let master = open_with_retries(lang, ask_passphrase, open, |line| eprintln!("{line}"))?;
    Ok((folder, master))
}

/// `jury init`: writes the folder, then the master database last, so a refused passphrase
/// leaves no master behind.
/// What `jury init` writes into the new contest.toml besides the template.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The contest id; `None`: derived from the folder's name.
    pub id: Option<String>,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
}

/// A contest id from a folder name: spaces and characters file systems refuse become `-`;
/// `None` when nothing usable is left.
pub fn id_from_folder(dir: &Path) -> Option<String> {
    let name = std::path::absolute(dir)
        .ok()?
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let id: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || "/\\:*?\"<>|".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    let id = id.trim_matches(['-', '.']).to_string();
    (!id.is_empty()).then_some(id)
}

/// `key = "…"` lines of a template set to new values (TOML-quoted); other lines unchanged.
fn set_top_keys(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_table = false;
    for line in text.lines() {
        in_table |= line.trim_start().starts_with('[');
        let key = line.split_once('=').map(|(k, _)| k.trim());
        match values.iter().find(|(k, _)| !in_table && key == Some(*k)) {
            Some((k, v)) => out.push_str(&format!("{k} = {}", toml::Value::String(v.to_string()))),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

pub fn init(
    dir: &Path,
    template: &str,
    opts: &InitOptions,
    globals: &Globals,
) -> Result<String, OrganizeError> {
    let contest_path = dir.join(CONTEST_FILE);
    if contest_path.exists() {
        return Err(OrganizeError::Other(format!(
            "{}: a contest already exists here; choose a new folder",
            contest_path.display()
        )));
    }
    let contest_text = jury_core::data::contest_text(template)
        .ok_or_else(|| OrganizeError::Other(format!("no template `{template}`")))?;
    let rubric_text = jury_core::data::rubric_text(template)
        .ok_or_else(|| OrganizeError::Other(format!("no rubric for template `{template}`")))?;
    let id = match &opts.id {
        Some(id) if id.trim().is_empty() => {
            return Err(OrganizeError::Other(
                "--id is empty; give the contest an id such as cq-2025-short-video".into(),
            ))
        }
        Some(id) => id.trim().to_string(),
        None => id_from_folder(dir).unwrap_or_else(|| template.to_string()),
    };
    let mut values = vec![("id", id.as_str())];
    if let Some(t) = &opts.title_zh {
        values.push(("title_zh", t.as_str()));
    }
    if let Some(t) = &opts.title_en {
        values.push(("title_en", t.as_str()));
    }
    let contest_text = set_top_keys(contest_text, &values);
    let prompt_lang = globals.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
    let key = organizer_key(globals, true, prompt_lang)?;
    create_folder(dir)?;
    create_folder(&dir.join(MEDIA_DIR))?;
    let local_rubric = contest_text.replace(
        &format!("rubric = \"{template}\""),
        "rubric = \"rubric.toml\"",
    );
    std::fs::write(dir.join("rubric.toml"), rubric_text).map_err(io_err(dir))?;
    std::fs::write(&contest_path, local_rubric).map_err(io_err(&contest_path))?;
    let folder = ContestFolder::load(dir)?;
    Master::create(&folder.master_path(), &key, &folder.contest.id)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let shown = dir.display();
    Ok(crate::tr!(
        lang,
        "intake.init.done",
        dir = shown,
        title = folder.contest.title(lang),
        per_work = folder.contest.judges_per_work
    ))
}

/// Runs an organizer command. `Ok(false)` means "done, but report failure" (exit 1 without an
/// error line), e.g. `jury probe` finding rule violations.
pub fn run(cmd: OrganizerCmd, globals: &Globals) -> Result<bool, OrganizeError> {
    match cmd {
        OrganizerCmd::Init {
            dir,
            template,
            id,
            title_zh,
            title_en,
        } => {
            let opts = InitOptions {
                id,
                title_zh,
                title_en,
            };
            print!("{}", init(&dir, &template, &opts, globals)?);
            Ok(true)
        }
        OrganizerCmd::Probe {
            files,
            template,
            jobs,
        } => {
            if files.is_empty() {
                let (folder, mut master) = open_contest(globals)?;
                let lang = Lang::choose(globals.lang, folder.contest.language);
                let jobs = jobs.map_or_else(super::compliance::default_jobs, usize::from);
                let (table, all_ok) = super::compliance::probe_contest(
                    &mut master,
                    &folder.media_dir(),
                    &folder.contest.media,
                    jobs,
                    lang,
                )?;
                print!("{table}");
                let quotas =
                    super::import::quota_lines(&master.works()?, &folder.contest.quotas, lang);
                if !quotas.is_empty() {
                    println!("{}", crate::tr!(lang, "intake.quota_check"));
                    for line in quotas {
                        println!("  {line}");
                    }
                }
                return Ok(all_ok);
            }
            let contest = jury_core::data::contest_template(&template)?;
            let lang = crate::i18n::Lang::choose(globals.lang, contest.language);
            let (report, all_ok) = super::compliance::probe_files(&files, &contest.media, lang);
            print!("{report}");
            Ok(all_ok)
        }
        OrganizerCmd::Import {
            what,
            files,
            skip_bad,
        } => {
            let (folder, mut master) = open_contest(globals)?;
            let lang = Lang::choose(globals.lang, folder.contest.language);
            let outcome = match what {
                super::import::ImportWhat::Works => super::import::import_works_into(
                    &mut master,
                    &folder.media_dir(),
                    &folder.contest.quotas,
                    &files,
                    skip_bad,
                    lang,
                ),
                super::import::ImportWhat::Judges => {
                    super::import::import_judges_into(&mut master, &files, skip_bad, lang)
                }
            }
            .inspect_err(|e| print!("{}", e.report().unwrap_or_default()))?;
            print!("{}", outcome.report);
            Ok(true)
        }
        OrganizerCmd::Results {
            format,
            out,
            method,
            round,
            audience,
            comments,
        } => {
            print!(
                "{}",
                super::results::run(globals, format, out, method, round, audience, comments)?
            );
            Ok(true)
        }
        OrganizerCmd::Certificates { out, tier } => {
            print!("{}", super::certificates::run(globals, out, &tier)?);
            Ok(true)
        }
        OrganizerCmd::Sheets { out } => {
            print!("{}", super::sheets::run(globals, out)?);
            Ok(true)
        }
        OrganizerCmd::Assign {
            per_work,
            seed,
            add,
            remove,
            round,
        } => {
            let (folder, mut master) = open_contest(globals)?;
            let lang = Lang::choose(globals.lang, folder.contest.language);
            super::rounds::require_open(&folder.contest, &master, round.as_deref(), lang)?;
            let opts = super::assign::AssignOptions {
                per_work,
                seed,
                add,
                remove,
            };
            print!(
                "{}",
                super::assign::run_assign(&folder, &mut master, &opts, lang)?.text
            );
            Ok(true)
        }
        OrganizerCmd::Issue {
            out,
            sync_dir,
            cards,
            force,
            allow_noncompliant,
            package,
            round,
        } => {
            let (folder, mut master) = open_contest(globals)?;
            let lang = Lang::choose(globals.lang, folder.contest.language);
            super::rounds::require_open(&folder.contest, &master, round.as_deref(), lang)?;
            let opts = super::issue::IssueOptions {
                out,
                sync_dir,
                cards,
                force,
                allow_noncompliant,
            };
            let outcome = super::issue::run_issue(&folder, &mut master, &opts, lang)?;
            print!("{}", outcome.text);
            if let Some(dir) = package {
                print!(
                    "{}",
                    super::issue::write_packages(&folder, &master, &outcome, &dir, lang)?
                );
            }
            Ok(true)
        }
        OrganizerCmd::Merge { paths, round } => {
            super::sync_cmd::run_merge(&paths, round.as_deref(), globals)
        }
        OrganizerCmd::Watch { dir, round } => {
            super::sync_cmd::run_watch(&dir, round.as_deref(), globals)
        }
        OrganizerCmd::Rounds => {
            print!("{}", super::rounds::run_rounds(globals)?);
            Ok(true)
        }
        OrganizerCmd::Advance { force } => {
            print!("{}", super::rounds::run_advance(globals, force)?);
            Ok(true)
        }
        OrganizerCmd::Rule { action } => {
            print!("{}", super::rule::run_rule(action, globals)?);
            Ok(true)
        }
        OrganizerCmd::Media {
            cmd: MediaCmd::Match { dirs, accept },
        } => {
            let (folder, mut master) = open_contest(globals)?;
            let lang = Lang::choose(globals.lang, folder.contest.language);
            let outcome = super::media::run_match(&folder, &mut master, &dirs, accept, lang)?;
            print!("{}", outcome.text);
            Ok(true)
        }
        OrganizerCmd::Room {
            action,
            sync_dir,
            console,
        } => super::room::run_room(action, sync_dir, &console, globals),
        OrganizerCmd::Calibration { publish, sync_dir } => {
            super::calibration::run(publish, sync_dir, globals)
        }
        OrganizerCmd::Deliberate { near, top, names } => {
            super::deliberate::run(near, top, names, globals)
        }
        OrganizerCmd::Signoff { sync_dir } => super::signoff::run_signoff(sync_dir, globals),
        OrganizerCmd::Log { refused } => super::sync_cmd::run_log(refused, globals),
        OrganizerCmd::Export { ballot, dir } => super::sync_cmd::run_export(&ballot, &dir, globals),
    }
}

#[cfg(test)]
mod passphrase_tests {
    use super::*;

    fn wrong() -> OrganizeError {
        OrganizeError::Folder(FolderError::Store(jury_store::StoreError::WrongKey {
            path: "master.db".into(),
        }))
    }

    #[test]
    fn a_wrong_passphrase_is_asked_again_up_to_three_times() {
        let typed = ["nope", "still wrong", "the right one"];
        let mut asked = 0;
        let mut said = Vec::new();
        let got = open_with_retries(
            Lang::Zh,
            |prompt| {
                assert_eq!(prompt, "组织者口令：");
                asked += 1;
                Ok(typed[asked - 1].to_string())
            },
            |key| {
                if *key == BallotKey::parse("the right one").unwrap() {
                    Ok(42)
                } else {
                    Err(wrong())
                }
            },
            |line| said.push(line.to_string()),
        )
        .unwrap();
        assert_eq!((got, asked), (42, 3));
        assert_eq!(said.len(), 2);
        assert!(said[0].contains("还可试 2 次"), "{said:?}");
        assert!(said.iter().all(|s| !s.contains("密钥卡")), "{said:?}");
    }

    #[test]
    fn three_wrong_passphrases_end_in_one_line_without_a_key_card() {
        let mut asked = 0;
        let err = open_with_retries::<()>(
            Lang::En,
            |_| {
                asked += 1;
                Ok("wrong".into())
            },
            |_| Err(wrong()),
            |_| {},
        )
        .unwrap_err()
        .to_string();
        assert_eq!(asked, PASSPHRASE_TRIES);
        assert!(
            err.contains("3 times") && !err.contains("key card"),
            "{err}"
        );
    }

    #[test]
    fn other_errors_are_not_retried() {
        let mut asked = 0;
        let err = open_with_retries::<()>(
            Lang::En,
            |_| {
                asked += 1;
                Ok("any".into())
            },
            |_| Err(OrganizeError::Other("disk on fire".into())),
            |_| {},
        )
        .unwrap_err();
        assert_eq!(asked, 1);
        assert_eq!(err.to_string(), "disk on fire");
    }
}
