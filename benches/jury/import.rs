//! Import of 5,000 works from a generated CSV into a fresh master database: reading and
//! parsing the form, planning against the (empty) master, one transaction, media lookup and
//! the quota check — everything `jury import works` does but printing.
//!
//! Intake as districts send it: 38 forms × 5 works (20 GBK CSV, 10 XLSX, 8 DOCX annex-2
//! tables) in one import into a fresh master; and `jury media match` over 200 videos in
//! per-district folders (walk, match by title, SHA-256 of every proposed file, no
//! `--accept`). The videos are 4 KiB files of distinct bytes, not real clips: what is
//! measured is the walk, the matching and the hashing of small files — hashing real videos
//! costs their size at the disk's and SHA-256's speed on top.

use criterion::{criterion_group, BatchSize, Criterion};
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

/// Times `import_works_into` of `forms` into a fresh master per iteration (created in the
/// setup, not timed), checking every run makes `expect_new` works.
fn bench_fresh_imports(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    dir: &Path,
    template: &str,
    forms: &[std::path::PathBuf],
    expect_new: usize,
) {
    let quotas = jury_core::data::contest_template(template).unwrap().quotas;
    let key = BallotKey::generate();
    let media = dir.join("media");
    let mut n = 0;
    group.bench_function(name, |b| {
        b.iter_batched(
            || {
                n += 1;
                let sub = dir.join(format!("m{n}"));
                std::fs::create_dir_all(&sub).unwrap();
                Master::create(&sub.join(MASTER_FILE), &key, "bench").unwrap()
            },
            |mut master| {
                let outcome =
                    import_works_into(&mut master, &media, &quotas, forms, false, Lang::En)
                        .unwrap();
                assert_eq!(outcome.counts.new, expect_new);
                master
            },
            BatchSize::PerIteration,
        )
    });
}

fn import_5000(c: &mut Criterion) {
    // Same filesystem as a contest folder would be on: not a tmpfs /tmp.
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
    let path = form(dir.path());
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("parse_5000_works_csv", |b| {
        b.iter(|| import_works(&path).unwrap().reports[0].rows.len())
    });
    bench_fresh_imports(
        &mut group,
        "import_5000_works_into_fresh_master",
        dir.path(),
        "cq-micro-lecture",
        std::slice::from_ref(&path),
        WORKS,
    );
    group.finish();
}

criterion_group!(benches, import_5000, intake_38_forms, match_200_videos);

/// 38 district forms of 5 works each, numbered from 1: CSV (GBK), XLSX and DOCX.
fn district_forms(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for (d, district) in jury_testkit::CHONGQING_DISTRICTS.iter().enumerate() {
        let rows: Vec<(String, String)> = (1..=5)
            .map(|i| (format!("{district}作品{i}"), format!("{district}第{i}中学")))
            .collect();
        let path = match d % 19 {
            0..=9 => {
                let mut csv = format!(
                    "推荐单位：{district}科学技术局\r\n序号,作品名称,创作单位,联系地址\r\n"
                );
                for (i, (t, u)) in rows.iter().enumerate() {
                    let _ = write!(csv, "{},{t},{u},{district}某路{i}号\r\n", i + 1);
                }
                let path = dir.join(format!("{d:02}-{district}.csv"));
                std::fs::write(&path, encoding_rs::GBK.encode(&csv).0).unwrap();
                path
            }
            10..=14 => {
                let path = dir.join(format!("{d:02}-{district}.xlsx"));
                let mut wb = rust_xlsxwriter::Workbook::new();
                let ws = wb.add_worksheet();
                for (c, h) in ["序号", "作品名称", "创作单位", "推荐单位"]
                    .iter()
                    .enumerate()
                {
                    ws.write_string(0, c as u16, *h).unwrap();
                }
                for (i, (t, u)) in rows.iter().enumerate() {
                    let r = i as u32 + 1;
                    ws.write_number(r, 0, r as f64).unwrap();
                    ws.write_string(r, 1, t).unwrap();
                    ws.write_string(r, 2, u).unwrap();
                    ws.write_string(r, 3, *district).unwrap();
                }
                wb.save(&path).unwrap();
                path
            }
            _ => {
                let path = dir.join(format!("{d:02}-{district}.docx"));
                let mut table: Vec<Vec<String>> =
                    vec![vec!["序号".into(), "作品名称".into(), "创作单位".into()]];
                for (i, (t, u)) in rows.iter().enumerate() {
                    table.push(vec![(i + 1).to_string(), t.clone(), u.clone()]);
                }
                jury_testkit::docx::Docx::new()
                    .para(&format!("推荐单位（盖章）：{district}科学技术局"))
                    .table(&table)
                    .write(&path)
                    .unwrap();
                path
            }
        };
        out.push(path);
    }
    out
}

fn intake_38_forms(c: &mut Criterion) {
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
    let forms = district_forms(dir.path());
    let mut group = c.benchmark_group("intake");
    group.sample_size(10);
    bench_fresh_imports(
        &mut group,
        "import_38_forms_x_5_works_csv_xlsx_docx",
        dir.path(),
        "cq-2023-short-video",
        &forms,
        190,
    );
    group.finish();
}

fn match_200_videos(c: &mut Criterion) {
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
    let key_file = dir.path().join("key.txt");
    std::fs::write(&key_file, "bench organizer passphrase").unwrap();
    let globals = jury::cli::Globals {
        key_file: Some(key_file),
        ..Default::default()
    };
    let contest = dir.path().join("contest");
    jury::commands::cli::init(
        &contest,
        "cq-2023-short-video",
        &Default::default(),
        &globals,
    )
    .unwrap();
    let folder = jury_store::folder::ContestFolder::load(&contest).unwrap();
    let key = globals.key().unwrap().unwrap();
    let mut master = folder.open_master(&key).unwrap();
    // 40 districts × 5 works = 200 works, and one video each named by its title.
    let forms_dir = dir.path().join("forms");
    std::fs::create_dir_all(&forms_dir).unwrap();
    let videos = dir.path().join("videos");
    let mut forms = Vec::new();
    for d in 0..40 {
        let district = format!("第{d}区");
        let mut csv = String::from("序号,作品名称,创作单位,推荐单位\n");
        for i in 1..=5 {
            let title = format!("《{district}的科学故事之{i}》");
            let _ = writeln!(csv, "{i},{title},{district}第{i}中学,{district}");
            let file = videos.join(&district).join(format!("{i:02} {title}.mp4"));
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            let mut bytes = vec![0u8; 4096];
            bytes[..8].copy_from_slice(&((d * 10 + i) as u64).to_le_bytes());
            std::fs::write(&file, bytes).unwrap();
        }
        let path = forms_dir.join(format!("{d:02}.csv"));
        std::fs::write(&path, csv).unwrap();
        forms.push(path);
    }
    let outcome = import_works_into(
        &mut master,
        &folder.media_dir(),
        &folder.contest.quotas,
        &forms,
        false,
        Lang::En,
    )
    .unwrap();
    assert_eq!(outcome.counts.new, 200);
    let mut group = c.benchmark_group("intake");
    group.sample_size(10);
    group.bench_function("media_match_200_videos_walk_match_hash", |b| {
        b.iter(|| {
            let m = jury::commands::media::run_match(
                &folder,
                &mut master,
                std::slice::from_ref(&videos),
                false,
                Lang::En,
            )
            .unwrap();
            assert_eq!(m.proposed, 200);
        })
    });
    group.finish();
}
