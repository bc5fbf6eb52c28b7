//! Import of 5,000 works from a generated CSV into a fresh master database: reading and
//! parsing the form, planning against the (empty) master, one transaction, media lookup and
//! the quota check — everything `jury import works` does but printing.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use jury::commands::import::import_works_into;
use jury::i18n::Lang;
use jury_store::master::{Master, MASTER_FILE};
use jury_store::table::import_works;
use jury_store::BallotKey;
use std::fmt::Write;
use std::path::Path;

const WORKS: usize = 5_000;

fn form(dir: &Path) -> std::path::PathBuf {
    let districts = [
        "渝中区",
        "江北区",
        "南岸区",
        "沙坪坝区",
        "九龙坡区",
        "北碚区",
    ];
    let mut csv = String::from("2023 年短视频大赛作品推荐表\n序号,作品名称,创作单位,推荐单位（区县）,联系地址,联系方式,视频文件\n");
    for i in 1..=WORKS {
        let _ = writeln!(
            csv,
            "{i},科学家精神短视频作品第{i}号,重庆第{}研究院,{},重庆市某路{i}号,1380000{i:04},videos/{i:04}.mp4",
            i / 2,
            districts[i % districts.len()]
        );
    }
    let path = dir.join("works.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn import_5000(c: &mut Criterion) {
    // Same filesystem as a contest folder would be on: not a tmpfs /tmp.
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
    let path = form(dir.path());
    let quotas = jury_core::data::contest_template("cq-micro-lecture")
        .unwrap()
        .quotas;
    let key = BallotKey::generate();
    let media = dir.path().join("media");
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("parse_5000_works_csv", |b| {
        b.iter(|| import_works(&path).unwrap().reports[0].rows.len())
    });
    let mut n = 0;
    group.bench_function("import_5000_works_into_fresh_master", |b| {
        b.iter_batched(
            || {
                n += 1;
                let sub = dir.path().join(format!("m{n}"));
                std::fs::create_dir_all(&sub).unwrap();
                Master::create(&sub.join(MASTER_FILE), &key, "bench").unwrap()
            },
            |mut master| {
                let outcome = import_works_into(
                    &mut master,
                    &media,
                    &quotas,
                    std::slice::from_ref(&path),
                    false,
                    Lang::En,
                )
                .unwrap();
                assert_eq!(outcome.counts.new, WORKS);
                master
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, import_5000);
criterion_main!(benches);
