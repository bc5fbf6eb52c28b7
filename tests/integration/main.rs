//! jury's one integration-test binary: the real binary, real SQLCipher files, real libmpv
//! (headless), real CSV/XLSX files, tmux for the TUIs. One module per area; `helpers` holds
//! the shared runner.

mod assign_props;
mod ballot_store;
mod cipher_concurrency;
mod cli_errors;
mod deliberation;
mod e2e_tmux;
mod fuzz_smoke;
mod helpers;
mod import_docx;
mod import_rows;
mod import_table;
mod intake_forms;
mod intake_quotas;
mod media_match;
#[cfg(feature = "mpv")]
mod media_player;
#[cfg(feature = "mpv")]
mod media_probe;
mod merge_hostile;
mod merge_names;
mod merge_watch;
mod organizer_ingest;
mod organizer_issue;
mod organizer_live;
mod organizer_tui;
mod paperwork;
mod pipeline_e2e;
mod results_report;
mod room;
mod room_console;
mod rounds;
mod signoff;
mod sync_crash;
mod tally_fixtures;
mod tally_props;
mod tui_snapshots;
