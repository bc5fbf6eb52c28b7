//! Goals: one durable score commit ≤ 2× a raw fsync on the same disk (both measured here);
//! open-to-first-frame excluding key derivation ≤ 100 ms.

use criterion::{criterion_group, Criterion};
use jury::i18n::Lang;
use jury::tui::{view, App, Keymap};
use jury_store::{Ballot, BallotKey};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::Write;
use std::os::unix::fs::FileExt;

fn ballot_with(works: usize, dir: &std::path::Path) -> (Ballot, BallotKey) {
    let init = jury_core::sample::sample_init(works, "bench");
    let key = BallotKey::generate();
    (
        Ballot::create(&dir.join("bench.ballot"), &key, &init).unwrap(),
        key,
    )
}

fn durable_commit(c: &mut Criterion) {
    // Same filesystem as the ballot: the target dir, not a tmpfs /tmp.
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut group = c.benchmark_group("durability");
    let raw_path = dir.path().join("raw.bin");
    let mut file = std::fs::File::create(&raw_path).unwrap();
    file.write_all(&[0u8; 4096]).unwrap();
    file.sync_all().unwrap();
    // The cheapest durable write: overwrite one page in place and fdatasync it.
    group.bench_function("raw_overwrite_4k_fdatasync", |b| {
        b.iter(|| {
            file.write_at(&[7u8; 4096], 0).unwrap();
            file.sync_data().unwrap();
        })
    });
    let (mut ballot, _) = ballot_with(200, dir.path());
    let mut steps = 0u32;
    group.bench_function("score_commit_wal_full", |b| {
        b.iter(|| {
            steps = (steps + 1) % 31;
            ballot.set_score("001", "theme", Some(steps)).unwrap()
        })
    });
    group.finish();
}

fn open_to_first_frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (ballot, _) = ballot_with(2000, dir.path());
    // Key derivation happens once in Ballot::create/open; what follows is the rest of the
    // path from an unlocked file to the first frame.
    c.bench_function("open_to_first_frame_2000_works_excluding_kdf", |b| {
        b.iter(|| {
            let data = ballot.load().unwrap();
            let app = App::new(data, Keymap::default_keymap(), Lang::Zh);
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = durable_commit, open_to_first_frame
}
