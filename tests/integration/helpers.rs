//! What many test modules need: the jury binary with a clean, English environment.

use std::process::Command;

/// The release-under-test `jury` binary with no inherited locale or key: English messages
/// (`LANG=en_US.UTF-8`), no `JURY_KEY`, no `LC_ALL`/`LC_MESSAGES`. Callers add what their
/// case needs (`.env("JURY_KEY", …)`, `--lang zh`, a config dir).
pub fn jury() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jury"));
    c.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("JURY_KEY");
    c
}
