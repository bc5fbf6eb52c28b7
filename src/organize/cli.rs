//! Organizer subcommands, flattened into the top-level `jury` command line.

use clap::Subcommand;
use std::path::PathBuf;

use crate::cli::Globals;

#[derive(Debug, Subcommand)]
pub enum OrganizerCmd {
    /// Check video files against a contest's media rules.
    Probe {
        /// Files to check (none: every work of the contest).
        files: Vec<PathBuf>,
        /// Contest template whose rules apply to loose files.
        #[arg(long, default_value = "cq-2023-short-video")]
        template: String,
    },
}

/// Errors of organizer commands, one line each for the terminal.
#[derive(Debug, thiserror::Error)]
pub enum OrganizeError {
    #[error("{0}")]
    Data(#[from] crate::model::DataError),
    #[error("{0}")]
    Other(String),
}

/// Runs an organizer command. `Ok(false)` means "done, but report failure" (exit 1 without an
/// error line), e.g. `jury probe` finding rule violations.
pub fn run(cmd: OrganizerCmd, globals: &Globals) -> Result<bool, OrganizeError> {
    match cmd {
        OrganizerCmd::Probe { files, template } => {
            if files.is_empty() {
                return Err(OrganizeError::Other(
                    "name the video files to check, e.g. `jury probe media/*.mp4`".into(),
                ));
            }
            let contest = crate::data::contest_template(&template)?;
            let lang = crate::i18n::Lang::choose(globals.lang, contest.language);
            let (report, all_ok) = crate::media::probe_files(&files, &contest.media, lang);
            print!("{report}");
            Ok(all_ok)
        }
    }
}
