//! Organizer TUI: what each tab shows for a small master (snapshots at 80x24 in both
//! languages), and how keys move between tabs and rows.

use insta::assert_snapshot;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use jury::i18n::Lang;
use jury::tui::action::{Action, Command};
use jury::tui::organizer::state::{Cell, OrgMessage, ScoresRead};
use jury::tui::organizer::{OrgApp, OrgData, Tab};
use jury::tui::Keymap;
use jury_store::master::{Master, MASTER_FILE};
use jury_store::BallotKey;

const NOW: i64 = 1_700_000_000;

/// Six works, four judges, a few assignments, probes, two merged ballots (one submitted),
/// a recusal. Inserted with plain SQL: this test is about the view, not the importers.
fn master(dir: &std::path::Path) -> (Master, jury_core::model::Contest) {
    let contest = jury_core::data::contest_template("cq-2023-short-video").unwrap();
    let mut m =
        Master::create(&dir.join(MASTER_FILE), &BallotKey::generate(), &contest.id).unwrap();
    let criteria: Vec<String> = contest.rubric.criteria().map(|c| c.id.clone()).collect();
    m.write(|tx, path| {
        let err = jury_store::cipher::sqlite_err(path);
        let works = [
            ("1", "稻田里的守望者：袁隆平团队的一天", "重庆市农业科学院", "九龙坡区", true, true),
            ("2", "Quantum dots in everyday light", "重庆大学", "沙坪坝区", true, false),
            ("3", "桥都匠心——港珠澳之外的山城桥梁", "重庆交通大学", "南岸区", false, false),
            ("4", "深夜实验室", "中国科学院重庆绿色智能技术研究院", "北碚区", true, true),
            ("5", "长江鱼类保护手记", "西南大学", "北碚区", true, true),
            ("10", "火锅里的化学", "重庆市第八中学", "渝中区", true, true),
        ];
        for (id, title, unit, district, found, ok) in works {
            tx.execute(
                "INSERT INTO works (id, title, unit, district, media_file) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, title, unit, district, format!("{id}.mp4")],
            )
            .map_err(&err)?;
            tx.execute(
                "INSERT INTO probes (work_id, checked_at, found, compliant, note) VALUES (?1, 1, ?2, ?3, ?4)",
                rusqlite::params![id, found, ok, if ok { "1920x1080 3:20" } else if found { "时长 0:06 超出 3:00-4:00" } else { "missing" }],
            )
            .map_err(&err)?;
        }
        let judges = [
            ("J1", "王　芳", "重庆大学", "沙坪坝区"),
            ("J2", "Li Ming", "西南大学", "北碚区"),
            ("J3", "张伟", "重庆医科大学", "渝中区"),
            ("J4", "陈静", "重庆邮电大学", "南岸区"),
        ];
        for (id, name, unit, district) in judges {
            tx.execute(
                "INSERT INTO judges (id, name, unit, district) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![id, name, unit, district],
            )
            .map_err(&err)?;
        }
        tx.execute(
            "INSERT INTO conflicts (judge_id, kind, value) VALUES ('J3', 'work', '1')",
            [],
        )
        .map_err(&err)?;
        let pairs = [
            ("1", "J1"), ("1", "J4"), ("2", "J3"), ("2", "J4"), ("3", "J1"), ("3", "J2"),
            ("4", "J1"), ("4", "J3"), ("5", "J1"), ("5", "J4"), ("10", "J2"), ("10", "J4"),
        ];
        for (w, j) in pairs {
            tx.execute(
                "INSERT INTO assignments (work_id, judge_id) VALUES (?1, ?2)",
                [w, j],
            )
            .map_err(&err)?;
        }
        for (j, version, revision, submitted) in [("J1", 1, 9, 1), ("J2", 1, 0, 0), ("J4", 1, 4, 0)] {
            tx.execute(
                "INSERT INTO ballots (ballot_id, judge_id, key, file_name, assignment_version, issued_at, merged_revision, merged_head, merged_at, submitted)
                 VALUES (?1, ?2, 'K', ?3, ?4, 1, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    format!("b-{j}"), j, format!("cq-2023-short-video-{j}.ballot"), version, revision,
                    if revision > 0 { Some("ab".repeat(32)) } else { None },
                    if revision > 0 { Some(NOW - 125) } else { None },
                    submitted
                ],
            )
            .map_err(&err)?;
        }
        // J1 scored works 1 and 4 fully and recused from 3; J4 scored work 1 partly.
        for w in ["1", "4"] {
            for c in &criteria {
                tx.execute(
                    "INSERT INTO scores (judge_id, work_id, criterion_id, steps, ballot_id, revision) VALUES ('J1', ?1, ?2, 3, 'b-J1', 9)",
                    rusqlite::params![w, c],
                )
                .map_err(&err)?;
            }
        }
        tx.execute(
            "INSERT INTO scores (judge_id, work_id, criterion_id, steps, ballot_id, revision) VALUES ('J4', '1', ?1, 2, 'b-J4', 4)",
            [&criteria[0]],
        )
        .map_err(&err)?;
        tx.execute(
            "INSERT INTO recusals (judge_id, work_id, reason) VALUES ('J1', '3', '指导过该作品')",
            [],
        )
        .map_err(&err)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('assignment_version', '2') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [],
        )
        .map_err(&err)?;
        Ok(())
    })
    .unwrap();
    (m, contest)
}

fn app(lang: Lang) -> OrgApp {
    let dir = tempfile::tempdir().unwrap();
    let (m, contest) = master(dir.path());
    let data = OrgData::load(&m, &contest).unwrap();
    let mut app = OrgApp::new(data, lang, Keymap::default_keymap());
    app.now = NOW;
    app
}

fn render(app: &OrgApp, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| jury::tui::organizer::view::draw(f, app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buffer[(x, y)].symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn cmd(app: &mut OrgApp, c: Command) {
    app.update(Action::Command(c));
}

#[test]
fn counts_follow_the_master() {
    let app = app(Lang::En);
    let d = &app.data;
    let ids: Vec<&str> = d.works.iter().map(|w| w.record.id.as_str()).collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "4", "5", "10"],
        "work numbers sort numerically"
    );
    let w1 = &d.works[0];
    assert_eq!((w1.assigned, w1.scored), (2, 1), "J1 complete, J4 partial");
    let j1 = &d.judges[0];
    assert_eq!((j1.load, j1.scored, j1.recused), (4, 2, 1));
    // J3 declared a conflict with work 1; J1 shares work 2's unit.
    assert_eq!(d.cell(0, 2), Cell::Conflict);
    assert_eq!(d.cell(1, 0), Cell::Conflict);
    assert_eq!(d.cell(2, 0), Cell::Recused);
    assert_eq!(d.cell(0, 0), Cell::Scored);
    assert_eq!(d.cell(0, 3), Cell::Assigned);
    assert_eq!(d.merged_and_submitted(), (2, 1));
}

#[test]
fn keys_move_between_tabs_rows_and_matrix_columns() {
    let mut app = app(Lang::En);
    cmd(&mut app, Command::Last);
    assert_eq!(app.selected(), 5);
    cmd(&mut app, Command::Next);
    assert_eq!(app.selected(), 5, "stays on the last row");
    cmd(&mut app, Command::TabNext);
    assert_eq!(app.tab, Tab::Judges);
    assert_eq!(app.selected(), 0, "each tab keeps its own row");
    cmd(&mut app, Command::TabPrev);
    assert_eq!(app.selected(), 5);
    cmd(&mut app, Command::TabNext);
    cmd(&mut app, Command::TabNext);
    assert_eq!(app.tab, Tab::Matrix);
    cmd(&mut app, Command::ScrollRight);
    cmd(&mut app, Command::ScrollRight);
    assert_eq!(app.matrix_left, 2);
    for _ in 0..10 {
        cmd(&mut app, Command::ScrollRight);
    }
    assert_eq!(app.matrix_left, 3, "never past the last judge");
    cmd(&mut app, Command::Help);
    assert!(app.help.is_some());
    cmd(&mut app, Command::Close);
    assert!(app.help.is_none());
    assert!(matches!(
        app.update(Action::Command(Command::Quit)),
        Some(jury::tui::organizer::state::OrgEffect::Quit)
    ));
}

#[test]
fn the_digits_on_the_tab_bar_jump_to_their_tab() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = app(Lang::Zh);
    for (digit, tab) in
        ['5', '2', '6', '1']
            .into_iter()
            .zip([Tab::Results, Tab::Judges, Tab::Severity, Tab::Works])
    {
        let key = KeyEvent::new(KeyCode::Char(digit), KeyModifiers::NONE);
        let action = app.keymap.resolve(app.layer(), key).expect("bound");
        app.update(action);
        assert_eq!(app.tab, tab, "key {digit}");
    }
    let screen = render(&app, 80, 24);
    assert!(screen.contains("1 作品 | 2 评委"), "{screen}");
}

#[test]
fn every_tab_at_80x24_in_both_languages() {
    for lang in [Lang::Zh, Lang::En] {
        let mut app = app(lang);
        for tab in Tab::ALL {
            app.tab = tab;
            let name = format!(
                "{}_{}",
                format!("{tab:?}").to_lowercase(),
                match lang {
                    Lang::Zh => "zh",
                    Lang::En => "en",
                }
            );
            let screen = render(&app, 80, 24);
            for line in screen.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= 80,
                    "{name}: {line}"
                );
            }
            assert_snapshot!(name, screen);
        }
    }
}

#[test]
fn the_sync_tab_shows_receipts_and_when_ballots_came_in() {
    let mut app = app(Lang::En);
    app.tab = Tab::Sync;
    let screen = render(&app, 100, 24);
    let receipt = jury_core::chain::receipt(&"ab".repeat(32));
    let j1 = screen.lines().find(|l| l.contains("J1 ")).unwrap();
    assert!(j1.contains(&receipt), "{j1}");
    assert!(j1.contains("2m ago"), "{j1}");
    assert!(j1.contains("yes"), "{j1}");
    assert!(
        j1.contains("3/4"),
        "two scored and one recused of four: {j1}"
    );
    let j2 = screen.lines().find(|l| l.contains("J2 ")).unwrap();
    assert!(!j2.contains(&receipt), "nothing merged from J2 yet: {j2}");
}

#[test]
fn the_results_tab_ranks_by_the_chosen_method_and_charts_judge_totals() {
    let mut app = app(Lang::En);
    app.tab = Tab::Results;
    assert_eq!(
        app.results.rows.len(),
        6,
        "every work is listed, ranked or not"
    );
    assert!(app.results.provisional, "J2, J3 and J4 have not submitted");
    let screen = render(&app, 100, 30);
    assert!(screen.contains("*trimmed"), "{screen}");
    assert!(screen.contains("PROVISIONAL"), "{screen}");
    let first = app.method;
    cmd(&mut app, Command::CycleMethod);
    assert_ne!(app.method, first);
    assert_eq!(
        app.results.method, app.method,
        "the view follows the method"
    );
    let screen = render(&app, 100, 30);
    assert!(screen.contains("*z-score"), "{screen}");
    // Work 1 (J1 scored 3 steps everywhere) is charted with J1's total.
    let row = app.results.rows.iter().position(|r| r.work == "1").unwrap();
    app.rows[4] = row;
    let screen = render(&app, 100, 30);
    let bar = screen
        .lines()
        .find(|l| l.contains("J1 ") && l.contains('#'))
        .unwrap_or_else(|| panic!("a bar for J1: {screen}"));
    let total = app.results.tally.work("1").unwrap().judge_totals[0].1;
    assert!(bar.trim_end().ends_with(&total.to_string()), "{bar}");
    // Cycling the method does nothing on other tabs.
    app.tab = Tab::Works;
    let before = app.method;
    cmd(&mut app, Command::CycleMethod);
    assert_eq!(app.method, before);
}

#[test]
fn slash_searches_the_works_and_esc_clears_it() {
    let mut app = app(Lang::Zh);
    cmd(&mut app, Command::Filter);
    for c in "桥".chars() {
        app.update(Action::Type(c));
    }
    cmd(&mut app, Command::InputSubmit);
    let shown: Vec<&str> = app.shown[0]
        .iter()
        .map(|&i| app.data.works[i].record.title.as_str())
        .collect();
    assert!(
        !shown.is_empty() && shown.iter().all(|t| t.contains('桥')),
        "{shown:?}"
    );
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains(&format!("搜索：桥（{}/6）", shown.len())),
        "{screen}"
    );
    // The detail line follows the row shown, not the row at that place before the search.
    let first = &app.data.works[app.shown[0][0]].record;
    let title = jury::tui::text::shown(&first.title);
    assert!(
        screen.contains(&format!(" {} {title}", first.id)),
        "{screen}"
    );
    cmd(&mut app, Command::ClearFilter);
    assert_eq!(app.shown[0].len(), 6);
}

#[test]
fn s_sorts_by_the_next_column_on_works_judges_and_results() {
    let mut app = app(Lang::En);
    cmd(&mut app, Command::Sort);
    let titles: Vec<String> = app.shown[0]
        .iter()
        .map(|&i| app.data.works[i].record.title.clone())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted, "sorted by title");
    assert!(render(&app, 80, 24).contains("sorted by Title"));
    app.tab = Tab::Results;
    for _ in 0..4 {
        cmd(&mut app, Command::Sort);
    }
    let scores: Vec<_> = app.shown[4]
        .iter()
        .map(|&i| app.results.rows[i].aggregate)
        .collect();
    let mut best_first = scores.clone();
    best_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(scores, best_first, "by score, highest first");
    // The matrix keeps its order and says why nothing happened.
    app.tab = Tab::Matrix;
    cmd(&mut app, Command::Sort);
    assert!(app.status.is_some());
}

#[test]
fn headers_use_a_short_label_rather_than_a_cut_one() {
    let mut app = app(Lang::Zh);
    for tab in [Tab::Sync, Tab::Severity] {
        app.tab = tab;
        let screen = render(&app, 80, 24);
        let header = screen.lines().nth(2).unwrap();
        assert!(!header.contains('⋯') && !header.contains(".."), "{header}");
    }
}

#[test]
fn the_results_footer_names_the_contests_method_and_marks_comparisons() {
    let mut app = app(Lang::Zh);
    app.tab = Tab::Results;
    let contest = app.results.configured;
    cmd(&mut app, Command::CycleMethod);
    assert_ne!(app.method, contest);
    let screen = render(&app, 100, 30);
    assert!(screen.contains("仅供对比"), "{screen}");
    assert!(
        screen.contains("本赛事方法为去极值"),
        "the contest's method is named: {screen}"
    );
    assert!(!screen.contains("最终结果，排名方法：标准化"), "{screen}");
    // Every cut-off line is there in full, wrapped.
    let flat: String = screen.lines().map(str::trim).collect();
    for line in jury::report::ResultsWords::cutoff_lines(&app.results, Lang::Zh) {
        let words: String = jury::tui::text::shown(&line).split_whitespace().collect();
        assert!(flat.replace(' ', "").contains(&words), "{line}\n{screen}");
    }
}

#[test]
fn the_first_screen_comes_before_the_master_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (_, contest) = master(dir.path());
    let mut app = OrgApp::new(OrgData::empty(&contest), Lang::Zh, Keymap::default_keymap());
    app.loading = true;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("正在读取主数据库"), "{screen}");
    assert!(
        !screen.contains("1 作品"),
        "no tabs before the data: {screen}"
    );
    assert!(matches!(
        app.update(Action::Command(Command::Quit)),
        Some(jury::tui::organizer::state::OrgEffect::Quit)
    ));
    let dir2 = tempfile::tempdir().unwrap();
    let (m, contest) = master(dir2.path());
    app.replace_data(OrgData::load(&m, &contest).unwrap());
    assert!(!app.loading);
    assert!(render(&app, 80, 24).contains("1 作品"));
}

/// Reading the organizer's picture of a provincial and a national contest (prints the time;
/// run with `--ignored --nocapture`; timings belong in benches, this only shows the scale).
#[test]
#[ignore]
fn organizer_load_at_scale() {
    for (judges, works) in [(60usize, 2_000usize), (300, 10_000)] {
        let dir = tempfile::tempdir().unwrap();
        let f = jury_testkit::build_with(
            dir.path(),
            judges,
            works,
            |j, w| (0..5).any(|k| (w * 5 + k) % judges == j),
            false,
        );
        let started = std::time::Instant::now();
        let data = OrgData::load(&f.master, &f.folder.contest).unwrap();
        let loaded = started.elapsed();
        let mut app = OrgApp::new(data, Lang::Zh, Keymap::default_keymap());
        let started = std::time::Instant::now();
        for tab in Tab::ALL {
            app.tab = tab;
            render(&app, 120, 40);
        }
        println!(
            "{works} works x {judges} judges: load {loaded:?}, six tabs drawn in {:?}",
            started.elapsed()
        );
        assert_eq!(app.data.works.len(), works);
    }
}

/// The loader's first stage alone: the works tab whole, the results tabs saying the scores
/// are on their way, and a note on the tab bar.
fn overview_app(lang: Lang) -> (OrgApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (m, contest) = master(dir.path());
    let mut app = OrgApp::new(OrgData::empty(&contest), lang, Keymap::default_keymap());
    app.loading = true;
    app.now = NOW;
    let overview = OrgData::load_overview(&m, &contest, None).unwrap();
    app.receive(OrgMessage::Overview(Ok(Box::new(overview))));
    (app, dir)
}

#[test]
fn the_works_tab_comes_before_the_scores_are_read() {
    for (lang, name, pending, tab_note) in [
        (Lang::Zh, "zh", "正在读取评分", "正在读取已合并的评分"),
        (
            Lang::En,
            "en",
            "reading scores...",
            "Reading the merged scores",
        ),
    ] {
        let (mut app, dir) = overview_app(lang);
        assert!(!app.loading && app.scores_pending() && !app.results_ready);
        let works = render(&app, 120, 40);
        assert!(works.contains(pending), "{works}");
        assert!(works.contains("稻田里的守望者"), "{works}");
        assert_snapshot!(format!("overview_works_{name}"), works);
        app.tab = Tab::Results;
        let results = render(&app, 80, 24);
        assert!(results.contains(tab_note), "{results}");
        assert_snapshot!(format!("overview_results_{name}"), results);

        // The works, judges and matrix are what the whole read gives.
        let again = dir.path().join("again");
        std::fs::create_dir_all(&again).unwrap();
        let (m, contest) = master(&again);
        let full = OrgData::load(&m, &contest).unwrap();
        assert_eq!(app.data.works, full.works);
        assert_eq!(app.data.judges, full.judges);
        for w in 0..full.works.len() {
            for j in 0..full.judges.len() {
                assert_eq!(app.data.cell(w, j), full.cell(w, j), "cell {w},{j}");
            }
        }

        // The second stage fills the results tabs as a whole read would.
        let scores = ScoresRead::of(OrgData::load_scores(&m, &contest, None).unwrap(), &contest);
        app.receive(OrgMessage::Scores(Ok(Box::new(scores))));
        assert!(!app.scores_pending() && app.results_ready);
        let mut whole = OrgApp::new(full, lang, Keymap::default_keymap());
        whole.now = NOW;
        whole.tab = Tab::Results;
        assert_eq!(render(&app, 80, 24), render(&whole, 80, 24));
        app.tab = Tab::Works;
        assert!(!render(&app, 120, 40).contains(pending));

        // A reload's overview keeps the last results on screen until the new scores come.
        let overview = OrgData::load_overview(&m, &contest, None).unwrap();
        app.receive(OrgMessage::Overview(Ok(Box::new(overview))));
        assert!(app.scores_pending() && app.results_ready);
        app.tab = Tab::Results;
        let again = render(&app, 120, 40);
        assert!(
            again.contains(pending) && !again.contains(tab_note),
            "{again}"
        );
        assert_eq!(app.results.rows.len(), 6);
    }
}

#[test]
fn a_failed_stage_shows_in_the_status_line() {
    let (mut app, _dir) = overview_app(Lang::En);
    app.receive(OrgMessage::Scores(
        Err("master.jury: disk I/O error".into()),
    ));
    assert!(!app.results_ready);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("disk I/O error"), "{screen}");
}

#[test]
fn the_loader_sends_both_stages_reads_again_on_change_and_stops_on_quit() {
    use jury::tui::organizer::loader::Loader;
    use jury::tui::runtime::Incoming;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build_with(dir.path(), 3, 6, |_, _| true, false);
    let contest = f.folder.contest.clone();
    let other = Master::open(&f.folder.master_path(), &jury_testkit::organizer_key()).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut loader = Loader::spawn(f.master, contest, None, tx);
    let next = || match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Incoming::App(m)) => m,
        _ => panic!("the loader sent nothing"),
    };
    let stages = |first: OrgMessage, second: OrgMessage| {
        let OrgMessage::Overview(Ok(data)) = first else {
            panic!("the overview first: {first:?}");
        };
        assert!(!data.scores_read);
        let OrgMessage::Scores(Ok(scores)) = second else {
            panic!("then the scores: {second:?}");
        };
        (data, scores)
    };
    let (data, scores) = stages(next(), next());
    assert_eq!(data.works.len(), 6);
    assert_eq!(scores.results.rows.len(), 6);
    // Another connection commits: the loader reads again without being asked.
    other
        .connection()
        .execute(
            "INSERT INTO probes (work_id, checked_at, found, compliant) VALUES (?1, 1, 0, 0)",
            [&data.works[0].record.id],
        )
        .unwrap();
    let (data, _) = stages(next(), next());
    assert!(data.works[0].probe.is_some(), "the new probe is read");
    loader.stop();
    // The thread is gone with its sender: nothing more comes.
    assert!(rx.recv_timeout(Duration::from_secs(5)).is_err());
}
