//! jury's benchmarks, one binary (each bench target links SQLCipher, libmpv and the whole app:
//! one link instead of nine keeps `cargo test --all-targets` lean in time and disk).
//!
//! `cargo bench --bench jury` runs them all; `JURY_BENCH=scale,room cargo bench --bench jury`
//! runs the named modules only (criterion's own filter still works after `--`). Under
//! `cargo test --benches` each runs once, small, to check the path works.

mod assign;
mod import;
#[cfg(feature = "mpv")]
mod media;
mod merge;
mod room;
mod scale;
mod store;
mod tally;
mod tui;

/// `cargo bench` passes `--bench`; `cargo test --benches` does not: then the benches build
/// small contests, so the test suite checks each stage without building a national one.
pub(crate) fn full_size() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Whether `JURY_BENCH` (a comma-separated list of module names) selects `module`; all when unset.
fn selected(module: &str) -> bool {
    match std::env::var("JURY_BENCH") {
        Ok(list) if !list.trim().is_empty() => list.split(',').any(|m| m.trim() == module),
        _ => true,
    }
}

fn main() {
    let groups: &[(&str, fn())] = &[
        ("assign", assign::benches),
        ("import", import::benches),
        #[cfg(feature = "mpv")]
        ("media", media::benches),
        ("merge", merge::benches),
        ("scale", scale::benches),
        ("store", store::benches),
        ("tally", tally::benches),
        ("tui", tui::benches),
        ("room", room::run),
    ];
    for (name, group) in groups {
        if selected(name) {
            group();
        }
    }
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
