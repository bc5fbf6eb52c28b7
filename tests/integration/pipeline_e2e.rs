//! The whole contest through the real binary, as organizers and judges run it:
//! init → import works (GBK CSV with a title row) and judges → probe (a missing video fails,
//! then passes once the file arrives) → assign → issue → every judge scores their ballot,
//! one recuses → export / merge → log → results (table, CSV, HTML) → the organizer TUI in tmux.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use jury::report::keycard::key_from_text;
use jury_media::testclip::Clip;
use jury_store::Ballot;

const PASS: &str = "pipeline organizer passphrase";
const WORKS: usize = 8;

fn jury(dir: &Path, args: &[&str], key: &str) -> Output {
    crate::helpers::jury()
        .current_dir(dir)
        .env("JURY_KEY", key)
        .env("LANG", "C.UTF-8")
        .args(args)
        .output()
        .expect("run jury")
}

fn ok(out: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A compliant clip: 1280x720, 16:9, a little over three minutes (one frame a second keeps it
/// small and quick to encode).
fn clip(path: &Path) {
    Clip {
        fps: 1,
        ..Clip::sized(1280, 720, 185)
    }
    .make(path)
    .unwrap();
}

/// The works form as districts send it: a title row, GBK encoding, 推荐单位 per row.
fn works_form(path: &Path) {
    let units = ["重庆大学", "西南大学", "重庆医科大学", "市农科院"];
    let districts = ["沙坪坝区", "北碚区", "渝中区", "九龙坡区"];
    let mut text = String::from(
        "2023年短视频大赛作品推荐表,,,,\n序号,作品名称,创作单位,推荐单位（区县）,视频文件\n",
    );
    for i in 1..=WORKS {
        text.push_str(&format!(
            "{i},科学家精神之{i}：{title},{unit},{district},{i:03}.mp4\n",
            title = ["稻田守望", "量子之光", "桥都匠心", "深夜实验室"][i % 4],
            unit = units[i % 4],
            district = districts[i % 4],
        ));
    }
    let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(path, bytes).unwrap();
}

fn judges_form(path: &Path) {
    let text = "姓名,单位,区县,联系方式,回避作品\n\
                王芳,重庆大学,沙坪坝区,13800000001,\n\
                李明,西南大学,北碚区,13800000002,3\n\
                张伟,重庆医科大学,渝中区,13800000003,\n\
                陈静,重庆邮电大学,南岸区,13800000004,\n\
                刘洋,重庆交通大学,南岸区,13800000005,\n\
                赵敏,重庆师范大学,沙坪坝区,13800000006,\n";
    std::fs::write(path, text).unwrap();
}

/// Steps for every criterion of work `n`: better for lower numbers, so the expected ranking is
/// 1, 2, 3, … whatever the method.
fn steps_for(work: usize, max_steps: u32) -> u32 {
    let share = (WORKS + 2 - work) as u32;
    max_steps * share / (WORKS as u32 + 1)
}

#[test]
fn from_init_to_results_with_every_judge_and_the_organizer_tui() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let c = root.join("cq2023");
    let cs = c.to_str().unwrap();

    let out = ok(&jury(root, &["--lang", "en", "init", cs], PASS), "init");
    assert!(out.contains("import works"), "{out}");

    works_form(&root.join("works.csv"));
    judges_form(&root.join("judges.csv"));
    let out = ok(
        &jury(
            &c,
            &["--lang", "en", "import", "works", "../works.csv"],
            PASS,
        ),
        "import works",
    );
    assert!(out.contains(&format!("{WORKS} new")), "{out}");
    ok(
        &jury(
            &c,
            &["--lang", "en", "import", "judges", "../judges.csv"],
            PASS,
        ),
        "import judges",
    );
    // The same form again changes nothing.
    let out = ok(
        &jury(
            &c,
            &["--lang", "en", "import", "works", "../works.csv"],
            PASS,
        ),
        "re-import",
    );
    assert!(out.contains("0 new, 0 changed"), "{out}");

    // Videos arrive late: one is missing at the first probe.
    let media = c.join("media");
    clip(&media.join("001.mp4"));
    for i in 2..WORKS {
        std::fs::copy(media.join("001.mp4"), media.join(format!("{i:03}.mp4"))).unwrap();
    }
    let probe = jury(&c, &["--lang", "en", "probe"], PASS);
    assert_eq!(
        probe.status.code(),
        Some(1),
        "a missing video fails the probe"
    );
    assert!(String::from_utf8_lossy(&probe.stdout).contains(&format!("{WORKS:03}.mp4")));
    std::fs::copy(media.join("001.mp4"), media.join(format!("{WORKS:03}.mp4"))).unwrap();
    ok(&jury(&c, &["--lang", "en", "probe"], PASS), "probe");

    ok(
        &jury(&c, &["assign", "--per-work", "3", "--seed", "7"], PASS),
        "assign",
    );
    let ballots_dir = c.join("ballots");
    ok(
        &jury(&c, &["issue", "--out", ballots_dir.to_str().unwrap()], PASS),
        "issue",
    );

    // Every judge opens their ballot with the key from their card and scores every work.
    let cards: Vec<String> = std::fs::read_dir(c.join("keycards"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut ballots: Vec<PathBuf> = std::fs::read_dir(&ballots_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ballot"))
        .collect();
    ballots.sort();
    assert_eq!(ballots.len(), 6, "one ballot per judge");
    let mut recused = None;
    let mut keys = BTreeMap::new();
    for path in &ballots {
        let name = path.file_name().unwrap().to_str().unwrap();
        let card = cards
            .iter()
            .find(|c| c.contains(name))
            .unwrap_or_else(|| panic!("a key card names {name}"));
        let key = key_from_text(card).expect("key on the card");
        keys.insert(path.clone(), key.clone());
        let mut ballot = Ballot::open(path, &key).unwrap();
        let data = ballot.load().unwrap();
        for (i, w) in data.works.iter().enumerate() {
            if recused.is_none() && i == 0 {
                ballot.recuse(&w.id, "指导过该作品").unwrap();
                recused = Some((data.judge.id.clone(), w.id.clone()));
                continue;
            }
            let n: usize = w.id.parse().unwrap();
            for c in data.contest.rubric.criteria() {
                ballot
                    .set_score(&w.id, &c.id, Some(steps_for(n, c.max_steps())))
                    .unwrap();
            }
        }
        ballot.submit().unwrap();
    }

    // The first judge hands in through `jury export` (a USB stick); the rest are merged from
    // the folder they were issued into.
    let stick = root.join("usb");
    std::fs::create_dir(&stick).unwrap();
    let first = &ballots[0];
    ok(
        &jury(
            root,
            &["export", first.to_str().unwrap(), stick.to_str().unwrap()],
            keys[first].secret(),
        ),
        "export",
    );
    let exported: Vec<PathBuf> = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(exported.len(), 1, "one file on the stick: {exported:?}");
    std::fs::remove_file(first).unwrap();
    let out = ok(
        &jury(
            &c,
            &[
                "--lang",
                "en",
                "merge",
                stick.to_str().unwrap(),
                ballots_dir.to_str().unwrap(),
            ],
            PASS,
        ),
        "merge",
    );
    assert!(!out.is_empty());
    // Merging the same files again changes nothing.
    ok(
        &jury(&c, &["merge", ballots_dir.to_str().unwrap()], PASS),
        "merge again",
    );
    let log = ok(&jury(&c, &["--lang", "en", "log"], PASS), "log");
    assert!(log.lines().count() >= 6, "{log}");

    // Results: final (every ballot submitted and merged), ranked 1..8 as scored.
    let csv_path = c.join("results.csv");
    ok(
        &jury(
            &c,
            &[
                "--lang",
                "en",
                "results",
                "--format",
                "csv",
                "--out",
                "results.csv",
            ],
            PASS,
        ),
        "results csv",
    );
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} in {headers:?}"))
    };
    let (work_col, place_col, status_col) = (col("No."), col("Place"), col("Status"));
    let mut order = Vec::new();
    for record in reader.records() {
        let r = record.unwrap();
        assert_eq!(&r[status_col], "final", "every ballot is in");
        order.push((r[place_col].to_string(), r[work_col].to_string()));
    }
    let works_in_order: Vec<String> = order.iter().map(|(_, w)| w.clone()).collect();
    let expected: Vec<String> = (1..=WORKS).map(|i| i.to_string()).collect();
    assert_eq!(works_in_order, expected, "{order:?}");

    ok(
        &jury(
            &c,
            &["results", "--format", "html", "--out", "r.html"],
            PASS,
        ),
        "results html",
    );
    let html = std::fs::read_to_string(c.join("r.html")).unwrap();
    for path in &ballots {
        let receipt = {
            let src = if path == first { &exported[0] } else { path };
            Ballot::open(src, &keys[path])
                .unwrap()
                .load()
                .unwrap()
                .receipt()
        };
        assert!(html.contains(&receipt), "receipt {receipt} in the report");
    }

    // The organizer TUI shows the same contest: works, then results ranked by the method.
    let line = format!(
        "cd {} && JURY_KEY='{PASS}' {} --lang en organize",
        c.display(),
        env!("CARGO_BIN_EXE_jury")
    );
    let tmux = crate::helpers::Tmux::start("pipeline", &line, 100, 30);
    let screen = tmux.wait_for("1 Works");
    assert!(screen.contains(&format!("works {WORKS}")), "{screen}");
    tmux.send(&["Tab", "Tab", "Tab", "Tab"]);
    let screen = tmux.wait_for("*trimmed");
    assert!(screen.contains("Final results"), "{screen}");
    tmux.send(&["q"]);
    let start = Instant::now();
    while !tmux.screen().trim().is_empty() && tmux.screen().contains("Final results") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "organize did not quit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(tmux);
    let (judge, work) = recused.expect("one recusal");
    let audit = ok(&jury(&c, &["--lang", "en", "log"], PASS), "log");
    assert!(
        audit.contains(&judge),
        "the merge of {judge}'s ballot is in the log:\n{audit}"
    );
    assert!(
        works_in_order.contains(&work),
        "work {work} is still ranked on its other judges' scores"
    );
}
