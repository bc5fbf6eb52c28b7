use super::*;
use crate::tui::action::Edit;
use jury_core::sample::sample_data;

fn app() -> App {
    App::new(sample_data(4), Keymap::default_keymap(), Lang::Zh)
}

fn cmd(c: Command) -> Action {
    Action::Command(c)
}

/// Feeds actions, applying every effect as if the store committed it.
fn run(app: &mut App, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    let mut all = vec![];
    for a in actions {
        for e in app.update(a) {
            if let Effect::Commit(event) = &e {
                let rev = app.data.revision + 1;
                app.on_saved(
                    event,
                    Ok(Commit {
                        revision: rev,
                        chain_head: format!("{rev:064x}"),
                    }),
                );
            }
            all.push(e);
        }
    }
    all
}

fn typed(s: &str) -> Vec<Action> {
    s.chars().map(Action::Type).collect()
}

#[test]
fn full_score_of_seven_criteria_in_at_most_twelve_keys() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Score)];
    keys.extend(typed("2526128444"));
    assert!(keys.len() <= 12);
    let effects = run(&mut a, keys);
    assert_eq!(effects.len(), 7);
    assert_eq!(a.data.status("001"), ScoreStatus::Scored);
    assert_eq!(a.data.total("001").to_string(), "83");
    assert_eq!(
        a.mode,
        Mode::Summary,
        "after the last criterion: the summary"
    );
    assert_eq!(
        crate::tui::view::summary_line(&a),
        "83 分 已保存。Enter 下一个未评作品，p 播放，Esc 返回"
    );
}

#[test]
fn enter_on_the_summary_goes_to_the_next_unscored_work_without_playing() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Score)];
    keys.extend(typed("2526128444"));
    run(&mut a, keys);
    let effects = run(&mut a, [cmd(Command::ScoreConfirm)]);
    assert!(effects.is_empty(), "nothing plays: {effects:?}");
    assert_eq!(a.mode, Mode::List);
    assert_eq!(a.selected_work_id().as_deref(), Some("002"));
    // Esc on the summary goes back to the list and stays on the work.
    let mut keys = vec![cmd(Command::Score)];
    keys.extend(typed("2526128444"));
    keys.push(cmd(Command::ScoreExit));
    run(&mut a, keys);
    assert_eq!(
        (a.mode.clone(), a.selected_work_id()),
        (Mode::List, Some("002".to_string()))
    );
}

#[test]
fn the_summary_of_a_partly_scored_work_says_what_is_open() {
    let mut a = App::new(sample_data(2), Keymap::default_keymap(), Lang::En);
    run(&mut a, [cmd(Command::Score)]);
    run(&mut a, typed("25"));
    run(&mut a, std::iter::repeat_n(cmd(Command::ScoreConfirm), 6));
    assert_eq!(a.mode, Mode::Summary);
    assert_eq!(
        crate::tui::view::summary_line(&a),
        "25 points, 6 criteria not scored. Enter next unscored work, p play, Esc back"
    );
    run(&mut a, [cmd(Command::ScorePrev)]);
    assert!(matches!(a.mode, Mode::Score { criterion: 6, .. }));
}

#[test]
fn full_marks_with_the_max_key() {
    let mut a = app();
    run(
        &mut a,
        std::iter::once(cmd(Command::Score)).chain(std::iter::repeat_n(cmd(Command::ScoreMax), 7)),
    );
    assert_eq!(a.data.total("001").to_string(), "100");
}

#[test]
fn out_of_range_input_is_refused_and_not_stored() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score)]);
    let effects = run(&mut a, typed("35"));
    assert!(effects.is_empty());
    assert_eq!(a.data.score("001", "theme"), None);
    assert_eq!(a.status.as_ref().map(|s| s.kind), Some(StatusKind::Error));
    assert!(a.status.as_ref().unwrap().text.contains("0-30"));
    assert_eq!(
        a.mode,
        Mode::Score {
            criterion: 0,
            buffer: String::new()
        }
    );
    // "9" on a 5-point criterion is refused at once.
    run(&mut a, [cmd(Command::ScorePrev)]);
    let effects = run(&mut a, typed("9"));
    assert!(effects.is_empty());
    assert_eq!(a.data.score("001", "artistry"), None);
}

#[test]
fn ambiguous_prefix_waits_for_enter() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score)]);
    assert!(
        run(&mut a, typed("3")).is_empty(),
        "3 could still become 30"
    );
    run(&mut a, [cmd(Command::ScoreConfirm)]);
    assert_eq!(a.data.score("001", "theme"), Some(3));
    assert!(matches!(a.mode, Mode::Score { criterion: 1, .. }));
}

#[test]
fn plus_minus_clear_and_backspace() {
    let mut a = app();
    run(
        &mut a,
        [
            cmd(Command::Score),
            cmd(Command::ScoreInc),
            cmd(Command::ScoreInc),
        ],
    );
    assert_eq!(a.data.score("001", "theme"), Some(2));
    run(&mut a, [cmd(Command::ScoreDec)]);
    assert_eq!(a.data.score("001", "theme"), Some(1));
    run(&mut a, typed("2"));
    run(&mut a, [cmd(Command::ScoreClear)]);
    assert_eq!(
        a.mode,
        Mode::Score {
            criterion: 0,
            buffer: String::new()
        },
        "backspace erases typing first"
    );
    assert_eq!(a.data.score("001", "theme"), Some(1));
    run(&mut a, [cmd(Command::ScoreClear)]);
    assert_eq!(a.data.score("001", "theme"), None);
}

#[test]
fn tab_moves_between_criteria_and_wraps() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score), cmd(Command::ScorePrev)]);
    assert!(matches!(a.mode, Mode::Score { criterion: 6, .. }));
    run(&mut a, [cmd(Command::ScoreNext)]);
    assert!(matches!(a.mode, Mode::Score { criterion: 0, .. }));
}

#[test]
fn score_mode_starts_at_first_unscored_criterion() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score)]);
    run(&mut a, typed("2526"));
    run(&mut a, [cmd(Command::ScoreExit), cmd(Command::Score)]);
    assert!(matches!(a.mode, Mode::Score { criterion: 2, .. }));
}

#[test]
fn digits_do_nothing_in_the_list() {
    let mut a = app();
    assert!(run(&mut a, typed("25")).is_empty());
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn comment_with_chinese_text_is_saved_on_enter() {
    let mut a = app();
    run(&mut a, [cmd(Command::Comment)]);
    let mut keys = typed("画面清晰");
    keys.push(cmd(Command::InputNewline));
    keys.extend(typed("配乐好"));
    keys.push(Action::Edit(Edit::Backspace));
    keys.push(cmd(Command::InputSubmit));
    let effects = run(&mut a, keys);
    assert_eq!(
        effects,
        [Effect::Commit(Event::Comment {
            work: "001".into(),
            text: "画面清晰\n配乐".into()
        })]
    );
    assert_eq!(a.data.comments["001"], "画面清晰\n配乐");
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn cancelled_comment_changes_nothing() {
    let mut a = app();
    let effects = run(
        &mut a,
        [
            cmd(Command::Comment),
            Action::Type('x'),
            cmd(Command::InputCancel),
        ],
    );
    assert!(effects.is_empty());
    assert!(a.data.comments.is_empty());
}

#[test]
fn recusal_needs_a_reason_and_blocks_scoring() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score)]);
    run(&mut a, typed("25"));
    run(&mut a, [cmd(Command::ScoreExit), cmd(Command::Recuse)]);
    assert_eq!(
        a.mode,
        Mode::Confirm(Dialog::Recuse {
            work: "001".into(),
            scores: 1,
            total: "25".into()
        }),
        "recusing from a scored work asks first"
    );
    run(&mut a, [cmd(Command::Cancel)]);
    assert_eq!(a.mode, Mode::List);
    assert_eq!(
        a.data.score("001", "theme"),
        Some(25),
        "cancel keeps the scores"
    );
    run(
        &mut a,
        [
            cmd(Command::Recuse),
            cmd(Command::Confirm),
            cmd(Command::InputSubmit),
        ],
    );
    assert!(
        matches!(a.mode, Mode::Input { .. }),
        "empty reason keeps the dialog open"
    );
    let mut keys = typed("同单位");
    keys.push(cmd(Command::InputSubmit));
    run(&mut a, keys);
    assert_eq!(a.data.status("001"), ScoreStatus::Recused);
    assert_eq!(
        a.data.score("001", "theme"),
        None,
        "recusal clears the work's scores"
    );
    run(&mut a, [cmd(Command::Score)]);
    assert_eq!(a.mode, Mode::List);
    let effects = run(&mut a, [cmd(Command::Recuse)]);
    assert_eq!(
        effects,
        [Effect::Commit(Event::Unrecuse { work: "001".into() })]
    );
    assert_eq!(a.data.status("001"), ScoreStatus::Unscored);
    assert_eq!(
        a.status.as_ref().map(|s| s.text.as_str()),
        Some("已取消回避（已保存，版本 4）")
    );
    // The scores the recusal removed can be put back: offered, here declined.
    assert!(matches!(a.mode, Mode::Confirm(Dialog::Restore { .. })));
    run(&mut a, [cmd(Command::Cancel)]);
    assert_eq!(a.data.score("001", "theme"), None);
    // An unscored work asks for the reason at once.
    let effects = run(&mut a, [cmd(Command::Next), cmd(Command::Recuse)]);
    assert!(effects.is_empty());
    assert!(matches!(
        a.mode,
        Mode::Input {
            purpose: InputPurpose::Recuse { .. },
            ..
        }
    ));
}

#[test]
fn submit_lists_unfinished_then_shows_receipt_and_locks() {
    let mut a = app();
    run(&mut a, [cmd(Command::Submit)]);
    match &a.mode {
        Mode::Confirm(Dialog::Submit { unfinished }) => assert_eq!(unfinished.len(), 4),
        other => panic!("expected submit dialog, got {other:?}"),
    }
    run(&mut a, [cmd(Command::Cancel)]);
    assert!(!a.data.submitted);
    run(&mut a, [cmd(Command::Submit), cmd(Command::Confirm)]);
    assert!(a.data.submitted);
    let receipt = a.data.receipt();
    assert_eq!(a.mode, Mode::Confirm(Dialog::Receipt { code: receipt }));
    run(&mut a, [cmd(Command::Confirm)]);
    assert!(run(&mut a, [cmd(Command::Score)]).is_empty());
    assert_eq!(a.mode, Mode::List, "a submitted ballot is read-only");
    assert!(run(&mut a, [cmd(Command::Comment)]).is_empty());
    let effects = run(&mut a, [cmd(Command::Reopen), cmd(Command::Confirm)]);
    assert_eq!(effects, [Effect::Commit(Event::Reopen)]);
    assert!(!a.data.submitted);
}

#[test]
fn failed_save_changes_no_score_and_says_so() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score)]);
    let effects = a.update(Action::Type('7'));
    assert_eq!(effects.len(), 1);
    let Effect::Commit(event) = &effects[0] else {
        panic!("{effects:?}")
    };
    a.on_saved(event, Err("disk full".into()));
    assert_eq!(a.data.score("001", "theme"), None);
    let status = a.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("disk full"));
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Filter)];
    keys.extend(typed("quantum"));
    run(&mut a, keys);
    assert_eq!(a.visible().len(), 1);
    assert_eq!(a.selected_work_id().as_deref(), Some("002"));
    run(&mut a, [cmd(Command::InputSubmit)]);
    assert_eq!(a.visible().len(), 1, "Enter keeps the filter");
    run(&mut a, [cmd(Command::Filter), cmd(Command::InputCancel)]);
    assert_eq!(a.visible().len(), 4);
    assert_eq!(
        a.selected_work_id().as_deref(),
        Some("002"),
        "selection survives filtering"
    );
}

#[test]
fn navigation_stays_in_bounds_and_finds_unscored() {
    let mut a = app();
    run(&mut a, [cmd(Command::Prev)]);
    assert_eq!(a.selected, 0);
    run(&mut a, [cmd(Command::Last), cmd(Command::Next)]);
    assert_eq!(a.selected, 3);
    run(
        &mut a,
        [
            cmd(Command::First),
            cmd(Command::Score),
            cmd(Command::ScoreMax),
        ],
    );
    run(&mut a, std::iter::repeat_n(cmd(Command::ScoreMax), 6));
    run(
        &mut a,
        [
            cmd(Command::ScoreExit),
            cmd(Command::Last),
            cmd(Command::NextUnscored),
        ],
    );
    assert_eq!(
        a.selected_work_id().as_deref(),
        Some("002"),
        "wraps past the scored 001"
    );
}

#[test]
fn help_is_generated_from_the_keymap_and_filters() {
    let mut a = app();
    run(&mut a, [cmd(Command::Help)]);
    let all = a.help_rows("").len();
    assert_eq!(
        all,
        Layer::JUDGE
            .iter()
            .map(|l| a.keymap.bindings(*l).len())
            .sum::<usize>()
            + 1,
        "every binding, and the digits of the score layer"
    );
    run(&mut a, typed("评语"));
    let Mode::Help { filter, .. } = &a.mode else {
        panic!("help closed")
    };
    let rows = a.help_rows(&filter.text());
    assert!(!rows.is_empty() && rows.len() < all);
    assert!(rows.iter().all(|(_, _, d)| d.contains("评语")));
    run(&mut a, [cmd(Command::Close)]);
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn playback_keys_become_player_effects() {
    let mut a = app();
    assert_eq!(
        run(&mut a, [cmd(Command::Play)]),
        [Effect::Play { work: "001".into() }]
    );
    a.playing_started("001");
    assert_eq!(
        run(&mut a, [cmd(Command::SeekForwardLong)]),
        [Effect::Player(PlayerCommand::SeekSeconds(30.0))]
    );
}

#[test]
fn half_point_criteria_accept_decimals() {
    let text = jury_core::data::RUBRIC_2023.replace("max = 5\nstep = 1", "max = 5\nstep = 0.5");
    let rubric = jury_core::model::Rubric::from_toml("r.toml", &text).unwrap();
    let mut data = sample_data(1);
    data.contest.rubric = rubric;
    let mut a = App::new(data, Keymap::default_keymap(), Lang::En);
    run(&mut a, [cmd(Command::Score)]);
    run(&mut a, std::iter::repeat_n(cmd(Command::ScoreMax), 4));
    let effects = run(&mut a, typed("3.5"));
    assert_eq!(effects.len(), 1);
    assert_eq!(a.data.score("001", "subtitles"), Some(7));
}

fn position(ms: u64, paused: bool) -> PlayerEvent {
    PlayerEvent::Position {
        position_ms: ms,
        duration_ms: Some(200_000),
        paused,
        speed: 1.0,
    }
}

#[test]
fn watching_counts_played_time_not_seeks_or_pauses() {
    let mut a = app();
    assert!(a.playing_started("001").is_empty());
    let mut saves = vec![];
    for ms in (0..=10_000).step_by(250) {
        saves.extend(a.on_player(position(ms, false)));
    }
    saves.extend(a.on_player(position(60_000, false))); // a seek: not watched
    saves.extend(a.on_player(position(60_250, true))); // paused: not watched
    assert!(saves.is_empty(), "nothing to save before 15 s of watching");
    let effects = a.on_player(PlayerEvent::Stopped {
        position_ms: 60_250,
    });
    let [Effect::Commit(Event::Progress {
        work,
        furthest_ms,
        watched_ms,
        last_ms,
    })] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(work, "001");
    assert_eq!(*watched_ms, 10_000);
    assert_eq!(*furthest_ms, 60_250);
    assert_eq!(*last_ms, 60_250);
    assert_eq!(a.player.work, None);
}

#[test]
fn long_viewing_is_saved_periodically() {
    let mut a = app();
    a.playing_started("001");
    let saves: Vec<Effect> = (0..=64)
        .flat_map(|i| a.on_player(position(i * 250, false)))
        .collect();
    assert_eq!(saves.len(), 1, "one save after 15 s: {saves:?}");
}

#[test]
fn resume_from_where_the_judge_stopped_unless_at_the_end() {
    let mut a = app();
    a.playing_started("001");
    a.on_player(position(1_000, false));
    let effects = a.on_player(PlayerEvent::Stopped {
        position_ms: 42_000,
    });
    let Effect::Commit(event @ Event::Progress { .. }) = &effects[0] else {
        panic!("{effects:?}")
    };
    let status = a.status.clone();
    a.on_saved(
        event,
        Ok(Commit {
            revision: 2,
            chain_head: "00".repeat(32),
        }),
    );
    assert_eq!(a.status, status, "progress is saved without a message");
    assert_eq!(a.resume_position("001"), 42_000);
    a.data.progress.get_mut("001").unwrap().last_ms = 199_000;
    assert_eq!(a.resume_position("001"), 0, "finished works start over");
}

#[test]
fn player_errors_are_shown_and_playback_state_cleared() {
    let mut a = app();
    a.playing_started("001");
    a.on_player(PlayerEvent::Error(jury_media::PlayerError::NotVideo(
        "x.mp4".into(),
    )));
    assert_eq!(a.player.work, None);
    assert_eq!(a.status.as_ref().map(|s| s.kind), Some(StatusKind::Error));
}

#[test]
fn quitting_saves_unsaved_progress_first() {
    let mut a = app();
    a.playing_started("001");
    a.on_player(position(0, false));
    a.on_player(position(1_000, false));
    let effects = a.update(cmd(Command::Quit));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Commit(Event::Progress { .. }), Effect::Quit]
        ),
        "{effects:?}"
    );
}

#[test]
fn scoring_an_unwatched_work_warns_but_never_blocks() {
    let mut data = sample_data(2);
    data.contest.min_watch_percent = 80;
    data.progress.insert(
        "001".into(),
        Progress {
            furthest_ms: 100_000,
            watched_ms: 100_000,
            last_ms: 100_000,
        },
    );
    let mut a = App::new(data, Keymap::default_keymap(), Lang::En);
    run(&mut a, [cmd(Command::Score)]);
    assert!(
        matches!(a.mode, Mode::Score { .. }),
        "scoring is still possible"
    );
    let status = a.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Warn);
    assert!(status.text.contains("50%"), "{status:?}");
    run(&mut a, [cmd(Command::ScoreExit)]);
    a.data.progress.get_mut("001").unwrap().furthest_ms = 180_000;
    run(&mut a, [cmd(Command::Score)]);
    assert_eq!(a.status, None, "90% watched: no warning");
}

#[test]
fn sync_results_show_and_a_failure_is_said_once_while_work_goes_on() {
    let mut a = app();
    assert_eq!(a.sync, None);
    a.on_synced("14:03:12".into(), Ok(3));
    assert_eq!(
        a.sync,
        Some(SyncState {
            ok: true,
            at: "14:03:12".into(),
            revision: Some(3)
        })
    );
    assert_eq!(a.status, None);
    a.on_synced("14:03:20".into(), Err("U盘已拔出".into()));
    let status = a.status.clone().expect("the failure is said");
    assert_eq!(status.kind, StatusKind::Warn);
    assert!(status.text.contains("同步失败") && status.text.contains("U盘已拔出"));
    assert!(!a.sync.as_ref().unwrap().ok);
    // Scoring still works, and a repeated failure does not cover the "saved" message.
    run(&mut a, [cmd(Command::Score), Action::Type('9')]);
    let saved = a.status.clone();
    a.on_synced("14:03:30".into(), Err("U盘已拔出".into()));
    assert_eq!(a.status, saved);
    assert_eq!(a.sync.as_ref().unwrap().at, "14:03:30");
    a.on_synced("14:04:00".into(), Ok(5));
    assert!(a.sync.as_ref().unwrap().ok);
}

#[test]
fn player_keys_with_nothing_playing_say_so() {
    let mut a = app();
    for c in [Command::Pause, Command::Fullscreen, Command::Stop] {
        a.status = None;
        assert!(run(&mut a, [cmd(c)]).is_empty(), "{c:?}");
        let status = a.status.clone().expect("a word on the status line");
        assert_eq!(status.text, "没有正在播放的视频（Enter 播放）");
    }
    run(&mut a, [cmd(Command::Score)]);
    a.status = None;
    assert!(run(&mut a, [cmd(Command::Pause)]).is_empty());
    assert!(a.status.is_some(), "also while scoring");
}

#[test]
fn esc_in_the_list_clears_the_filter_and_says_when_there_is_none() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Filter)];
    keys.extend(typed("quantum"));
    keys.push(cmd(Command::InputSubmit));
    run(&mut a, keys);
    assert_eq!(a.visible().len(), 1);
    run(&mut a, [cmd(Command::ClearFilter)]);
    assert_eq!((a.filter.as_str(), a.visible().len()), ("", 4));
    assert_eq!(a.status, None);
    run(&mut a, [cmd(Command::ClearFilter)]);
    assert_eq!(a.status.unwrap().text, "当前没有筛选");
}

#[test]
fn a_filter_takes_no_newline() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Filter)];
    keys.extend(typed("桥"));
    keys.push(cmd(Command::InputNewline));
    run(&mut a, keys);
    assert_eq!(a.filter, "桥");
}

#[test]
fn help_pages_by_the_screen_and_jumps_to_either_end() {
    let mut a = app();
    let rows = a.help_rows("").len();
    // 25 lines: one help page holds 20 rows.
    a.resize(80, 25);
    run(&mut a, [cmd(Command::Help), cmd(Command::PageDown)]);
    let selected = |a: &App| match &a.mode {
        Mode::Help { selected, .. } => *selected,
        other => panic!("help closed: {other:?}"),
    };
    assert_eq!(selected(&a), 20);
    assert_eq!(a.help_top, 20, "the screen turns with the selection");
    run(&mut a, [cmd(Command::Last)]);
    assert_eq!(selected(&a), rows - 1);
    run(&mut a, [cmd(Command::PageDown)]);
    assert_eq!(selected(&a), rows - 1, "stays on the last row");
    run(&mut a, [cmd(Command::PageUp)]);
    assert_eq!(selected(&a), rows - 21);
    run(&mut a, [cmd(Command::First)]);
    assert_eq!(selected(&a), 0);
}

#[test]
fn keys_for_a_work_with_no_work_shown_say_so() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Filter)];
    keys.extend(typed("nothing like this"));
    keys.push(cmd(Command::InputSubmit));
    run(&mut a, keys);
    assert!(a.visible().is_empty());
    for c in [
        Command::Score,
        Command::Play,
        Command::Comment,
        Command::Recuse,
    ] {
        a.status = None;
        assert!(run(&mut a, [cmd(c)]).is_empty(), "{c:?}");
        assert_eq!(a.mode, Mode::List, "{c:?}");
        assert_eq!(a.status.as_ref().unwrap().text, "没有匹配的作品", "{c:?}");
    }
}

#[test]
fn the_list_window_follows_the_selection_in_update_not_in_the_view() {
    let mut a = App::new(sample_data(60), Keymap::default_keymap(), Lang::Zh);
    a.resize(80, 24);
    let rows = crate::tui::view::list_rows(24);
    run(&mut a, [cmd(Command::Last)]);
    assert_eq!(a.scroll, 60 - rows, "the last work is on the last row");
    run(&mut a, [cmd(Command::First)]);
    assert_eq!(a.scroll, 0);
    run(&mut a, [cmd(Command::Last)]);
    // A taller screen shows more, so the window starts earlier.
    a.resize(80, 40);
    assert_eq!(a.scroll, 60 - crate::tui::view::list_rows(40));
}

#[test]
fn chinese_messages_use_full_width_punctuation() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score), Action::Type('9')]);
    let text = &a.status.as_ref().unwrap().text;
    assert!(text.starts_with("已保存，版本 "), "{text}");
    assert!(!text.contains(", "), "{text}");
    run(&mut a, [Action::Type('.')]);
    let text = &a.status.as_ref().unwrap().text;
    assert!(text.contains("：超出范围"), "{text}");
}

#[test]
fn submitting_with_works_unscored_takes_an_explicit_yes_and_enter_goes_to_the_first() {
    let mut a = app();
    run(&mut a, typed(""));
    run(&mut a, [cmd(Command::Score)]);
    run(&mut a, typed("2526128444"));
    run(&mut a, [cmd(Command::ScoreExit), cmd(Command::Last)]);
    run(&mut a, [cmd(Command::Submit)]);
    let effects = run(&mut a, [cmd(Command::Accept)]);
    assert!(effects.is_empty(), "Enter does not submit: {effects:?}");
    assert!(!a.data.submitted);
    assert_eq!(a.mode, Mode::List);
    assert_eq!(
        a.selected_work_id().as_deref(),
        Some("002"),
        "the first unscored work"
    );
    let effects = run(&mut a, [cmd(Command::Submit), cmd(Command::Confirm)]);
    assert_eq!(effects, [Effect::Commit(Event::Submit)]);
    assert!(a.data.submitted);
}

#[test]
fn ballot_details_open_with_i_and_close_with_enter() {
    let mut a = app();
    run(&mut a, [cmd(Command::Details)]);
    assert_eq!(a.mode, Mode::Confirm(Dialog::Details));
    run(&mut a, [cmd(Command::Accept)]);
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn quitting_with_unsubmitted_scores_or_a_failed_sync_asks_once() {
    let mut a = app();
    assert_eq!(run(&mut a, [cmd(Command::Quit)]), [Effect::Quit]);
    let mut a = app();
    run(&mut a, [cmd(Command::Score), cmd(Command::ScoreMax)]);
    run(&mut a, [cmd(Command::ScoreExit), cmd(Command::Quit)]);
    assert_eq!(
        a.mode,
        Mode::Confirm(Dialog::Quit {
            unsubmitted: true,
            unsynced: false
        })
    );
    assert!(!a.quit);
    assert!(
        run(&mut a, [cmd(Command::Accept)]).is_empty(),
        "Enter stays"
    );
    assert!(!a.quit);
    run(&mut a, [cmd(Command::Quit)]);
    assert_eq!(run(&mut a, [cmd(Command::Confirm)]), [Effect::Quit]);
    assert!(a.quit);
    // A failed sync is reason enough, even on a submitted ballot.
    let mut a = app();
    run(
        &mut a,
        [
            cmd(Command::Submit),
            cmd(Command::Confirm),
            cmd(Command::Confirm),
        ],
    );
    a.on_synced("14:00:00".into(), Err("gone".into()));
    run(&mut a, [cmd(Command::Quit)]);
    assert_eq!(
        a.mode,
        Mode::Confirm(Dialog::Quit {
            unsubmitted: false,
            unsynced: true
        })
    );
}

#[test]
fn enter_in_the_recusal_question_keeps_the_scores() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score), cmd(Command::ScoreMax)]);
    run(&mut a, [cmd(Command::ScoreExit), cmd(Command::Recuse)]);
    assert!(matches!(a.mode, Mode::Confirm(Dialog::Recuse { .. })));
    assert!(run(&mut a, [cmd(Command::Accept)]).is_empty());
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn help_describes_the_digits_of_the_score_layer() {
    let a = app();
    let rows = a.help_rows("");
    let digits = rows
        .iter()
        .find(|(layer, keys, _)| *layer == Layer::Score && keys.starts_with("0-9"))
        .expect("a row for the digits");
    assert!(digits.2.contains("自动进入下一项"), "{}", digits.2);
}

#[test]
fn withdrawing_a_recusal_offers_the_removed_scores_back() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score)]);
    run(&mut a, typed("2526128444"));
    run(
        &mut a,
        [
            cmd(Command::ScoreExit),
            cmd(Command::Recuse),
            cmd(Command::Confirm),
        ],
    );
    let mut keys = typed("同单位");
    keys.push(cmd(Command::InputSubmit));
    run(&mut a, keys);
    assert_eq!(a.data.total("001").to_string(), "0");
    run(&mut a, [cmd(Command::Recuse)]);
    assert_eq!(
        a.mode,
        Mode::Confirm(Dialog::Restore {
            work: "001".into(),
            scores: a
                .criteria()
                .iter()
                .zip([25, 26, 12, 8, 4, 4, 4])
                .map(|(c, s)| (c.id.clone(), s))
                .collect(),
            total: "83".into(),
        })
    );
    let effects = run(&mut a, [cmd(Command::Accept)]);
    assert_eq!(effects.len(), 7, "one score event per criterion");
    assert_eq!(a.data.total("001").to_string(), "83");
    assert_eq!(a.data.status("001"), ScoreStatus::Scored);
}

#[test]
fn the_summary_has_its_own_key_for_playback() {
    let mut a = app();
    let mut keys = vec![cmd(Command::Score)];
    keys.extend(typed("2526128444"));
    run(&mut a, keys);
    assert_eq!(a.mode, Mode::Summary);
    let play = a
        .keymap
        .resolve(
            Layer::Score,
            crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('p'),
                crossterm::event::KeyModifiers::NONE,
            ),
        )
        .unwrap();
    let effects = run(&mut a, [play]);
    assert_eq!(effects, [Effect::Play { work: "001".into() }]);
}

// --- Following the room's now-showing ---------------------------------------------------

fn shown(a: &App, work: Option<&str>, seq: u64) -> jury_store::showing::Showing {
    jury_store::showing::Showing::Published(jury_store::showing::NowShowing {
        contest: a.data.contest.id.clone(),
        work: work.map(str::to_string),
        seq,
        at: 0,
    })
}

fn status_text(a: &App) -> String {
    a.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_now_showing_in_the_list_selects_the_work_and_shows_the_banner() {
    let mut a = app();
    let state = shown(&a, Some("003"), 1);
    a.on_now_showing(state);
    assert_eq!(a.selected_work_id().as_deref(), Some("003"));
    assert_eq!(
        a.showing,
        Some(ShowingNow {
            work: "003".into(),
            seq: 1
        })
    );
    let title = a.data.works[2].title.clone();
    assert_eq!(
        crate::tui::view::showing_banner(&a),
        Some(format!("正在放映：003 {title}"))
    );
}

#[test]
fn a_judge_typing_a_score_is_not_moved_until_back_in_the_list() {
    let mut a = app();
    run(&mut a, [cmd(Command::Score), Action::Type('2')]);
    let before = a.mode.clone();
    let state = shown(&a, Some("004"), 1);
    a.on_now_showing(state);
    assert_eq!(a.mode, before, "the half-typed score stays");
    assert_eq!(a.selected_work_id().as_deref(), Some("001"));
    assert!(
        crate::tui::view::showing_banner(&a).is_some(),
        "banner at once"
    );
    // Still scoring after another digit: not moved.
    run(&mut a, [Action::Type('5')]);
    assert_eq!(a.selected_work_id().as_deref(), Some("001"));
    assert_eq!(a.data.score("001", "theme"), Some(25), "the score was kept");
    run(&mut a, [cmd(Command::ScoreExit)]);
    assert_eq!(a.mode, Mode::List);
    assert_eq!(a.selected_work_id().as_deref(), Some("004"));
}

#[test]
fn a_judge_typing_a_comment_is_not_moved_until_the_comment_is_done() {
    let mut a = app();
    run(&mut a, [cmd(Command::Comment)]);
    run(&mut a, typed("好"));
    let state = shown(&a, Some("002"), 1);
    a.on_now_showing(state);
    assert!(matches!(a.mode, Mode::Input { .. }));
    assert_eq!(a.selected_work_id().as_deref(), Some("001"));
    run(&mut a, typed("片"));
    run(&mut a, [cmd(Command::InputSubmit)]);
    assert_eq!(a.data.comments.get("001").map(String::as_str), Some("好片"));
    assert_eq!(a.selected_work_id().as_deref(), Some("002"));
}

#[test]
fn another_contest_or_a_work_not_on_the_ballot_is_ignored_with_a_note() {
    let mut a = app();
    run(&mut a, [cmd(Command::Next)]);
    a.on_now_showing(jury_store::showing::Showing::Published(
        jury_store::showing::NowShowing {
            contest: "another-contest".into(),
            work: Some("003".into()),
            seq: 1,
            at: 0,
        },
    ));
    assert_eq!(a.selected_work_id().as_deref(), Some("002"));
    assert_eq!(a.showing, None);
    assert!(
        status_text(&a).contains("another-contest"),
        "{}",
        status_text(&a)
    );
    assert_eq!(a.status.as_ref().unwrap().kind, StatusKind::Info, "quiet");
    let state = shown(&a, Some("099"), 2);
    a.on_now_showing(state);
    assert_eq!(a.selected_work_id().as_deref(), Some("002"));
    assert_eq!(a.showing, None);
    assert!(
        status_text(&a).contains("099") && status_text(&a).contains("不在您的选票上"),
        "{}",
        status_text(&a)
    );
    a.on_now_showing(jury_store::showing::Showing::Bad(
        jury_store::showing::BadShowing::NotAFile,
    ));
    assert!(status_text(&a).contains("已损坏"), "{}", status_text(&a));
    assert_eq!(a.selected_work_id().as_deref(), Some("002"));
}

#[test]
fn a_recused_work_now_showing_says_recused() {
    let mut a = app();
    a.data.recusals.insert("003".into(), "亲属作品".into());
    let state = shown(&a, Some("003"), 1);
    a.on_now_showing(state);
    let banner = crate::tui::view::showing_banner(&a).unwrap();
    assert!(banner.ends_with("（已回避）"), "{banner}");
    a.lang = Lang::En;
    let banner = crate::tui::view::showing_banner(&a).unwrap();
    assert!(
        banner.starts_with("Now showing: 003") && banner.ends_with("(recused)"),
        "{banner}"
    );
}

#[test]
fn the_key_goes_back_to_the_work_now_showing_and_only_new_shows_move_the_judge() {
    let mut a = app();
    run(&mut a, [cmd(Command::NowShowing)]);
    assert!(
        status_text(&a).contains("没有正在放映"),
        "{}",
        status_text(&a)
    );
    let state = shown(&a, Some("003"), 5);
    a.on_now_showing(state.clone());
    run(&mut a, [cmd(Command::First)]);
    // The same publication again (a re-read) does not move the judge.
    a.on_now_showing(state);
    assert_eq!(a.selected_work_id().as_deref(), Some("001"));
    run(&mut a, [cmd(Command::NowShowing)]);
    assert_eq!(a.selected_work_id().as_deref(), Some("003"));
    run(&mut a, [cmd(Command::First)]);
    // The room shows the same work again: a new publication moves the judge.
    let again = shown(&a, Some("003"), 6);
    a.on_now_showing(again);
    assert_eq!(a.selected_work_id().as_deref(), Some("003"));
    // Cleared: no banner, and the key says nothing is showing.
    let cleared = shown(&a, None, 7);
    a.on_now_showing(cleared);
    assert_eq!(crate::tui::view::showing_banner(&a), None);
    run(&mut a, [cmd(Command::NowShowing)]);
    assert_eq!(a.selected_work_id().as_deref(), Some("003"));
}

#[test]
fn a_filter_hiding_the_work_now_showing_is_cleared() {
    let mut a = app();
    run(&mut a, [cmd(Command::Filter)]);
    run(&mut a, typed("001"));
    run(&mut a, [cmd(Command::InputSubmit)]);
    assert_eq!(a.visible().len(), 1);
    let state = shown(&a, Some("004"), 1);
    a.on_now_showing(state);
    assert!(a.filter.is_empty());
    assert_eq!(a.selected_work_id().as_deref(), Some("004"));
}

#[test]
fn the_now_showing_key_is_w_in_the_list() {
    let k = Keymap::default_keymap();
    let key = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('w'),
        crossterm::event::KeyModifiers::NONE,
    );
    assert_eq!(
        k.resolve(Layer::List, key),
        Some(Action::Command(Command::NowShowing))
    );
}

/// Work 001 fully scored (theme 25), the ballot submitted and reopened.
fn submitted_then_reopened() -> App {
    let mut a = app();
    let mut keys = vec![cmd(Command::Score)];
    keys.extend(typed("2526128444"));
    keys.extend([
        cmd(Command::ScoreExit),
        cmd(Command::Submit),
        cmd(Command::Confirm),
    ]);
    run(&mut a, keys);
    assert!(a.data.submitted);
    assert_eq!(a.at_submit.len(), 7, "the submitted scores are remembered");
    run(
        &mut a,
        [
            cmd(Command::Cancel),
            cmd(Command::Reopen),
            cmd(Command::Confirm),
        ],
    );
    assert!(!a.data.submitted);
    a
}

#[test]
fn changing_a_submitted_score_asks_for_a_reason_and_esc_keeps_the_score() {
    let mut a = submitted_then_reopened();
    let effects = run(&mut a, [cmd(Command::Score)].into_iter().chain(typed("22")));
    assert!(effects.is_empty(), "held back: {effects:?}");
    let Mode::Input {
        purpose: InputPurpose::Revise { old, new, .. },
        ..
    } = &a.mode
    else {
        panic!("no reason prompt: {:?}", a.mode);
    };
    assert_eq!((*old, *new), (Some(25), Some(22)));
    assert_eq!(
        crate::tui::signoff_view::revise_title(&a, "001", "theme", *old, *new),
        "改分 001 主题与传播价值 25→22"
    );
    // Enter on an empty reason: asked again, nothing saved.
    assert!(run(&mut a, [cmd(Command::InputSubmit)]).is_empty());
    assert!(matches!(a.mode, Mode::Input { .. }));
    // Esc: the score stays, back on its criterion.
    assert!(run(&mut a, [cmd(Command::InputCancel)]).is_empty());
    assert_eq!(
        a.mode,
        Mode::Score {
            criterion: 0,
            buffer: String::new()
        }
    );
    assert_eq!(a.data.score("001", "theme"), Some(25));
    // Now with a reason: one score event carrying it, and the next criterion.
    let mut keys = typed("22");
    keys.extend(typed("讨论后修正"));
    keys.push(cmd(Command::InputSubmit));
    let effects = run(&mut a, keys);
    assert_eq!(
        effects,
        [Effect::Commit(Event::Score {
            work: "001".into(),
            criterion: "theme".into(),
            steps: Some(22),
            reason: Some("讨论后修正".into()),
        })]
    );
    assert_eq!(a.data.score("001", "theme"), Some(22));
    assert!(matches!(a.mode, Mode::Score { criterion: 1, .. }));
    // The next change offers the same reason; the same value again changes nothing.
    let effects = run(&mut a, [cmd(Command::ScoreInc), cmd(Command::InputSubmit)]);
    assert!(
        matches!(&effects[..], [Effect::Commit(Event::Score { reason: Some(r), steps: Some(27), .. })] if r == "讨论后修正"),
        "{effects:?}"
    );
    // A work never scored before submitting is scored without a prompt.
    run(&mut a, [cmd(Command::ScoreExit), cmd(Command::Next)]);
    let effects = run(&mut a, [cmd(Command::Score)].into_iter().chain(typed("20")));
    assert!(
        matches!(
            &effects[..],
            [Effect::Commit(Event::Score { reason: None, .. })]
        ),
        "{effects:?}"
    );
}

fn signoff_record(contest: &str) -> jury_core::signoff::SignoffRecord {
    let lines = vec![jury_core::signoff::ResultLine {
        place: Some(1),
        work: "001".into(),
        title: "稻田里的守望".into(),
        award: "first".into(),
        award_zh: "一等奖".into(),
        award_en: "First prize".into(),
        score: "88.5".into(),
    }];
    jury_core::signoff::SignoffRecord {
        contest: contest.into(),
        fingerprint: jury_core::signoff::fingerprint(contest, "mean", &lines),
        method: "mean".into(),
        seq: 1,
        at: 1,
        provisional: false,
        lines,
    }
}

#[test]
fn the_final_results_are_confirmed_with_y_on_a_submitted_ballot_only() {
    use jury_core::signoff::Signoff;
    let mut a = app();
    run(&mut a, [cmd(Command::FinalResults)]);
    assert_eq!(a.mode, Mode::List, "nothing published yet");
    a.on_signoff(Signoff::Published(signoff_record("another-contest")));
    assert!(a.signoff.is_none(), "another contest's record is ignored");
    let record = signoff_record(&a.data.contest.id.clone());
    a.on_signoff(Signoff::Published(record.clone()));
    assert!(a.status.as_ref().unwrap().text.contains("按 A 查看"));
    run(&mut a, [cmd(Command::FinalResults)]);
    assert_eq!(a.mode, Mode::Confirm(Dialog::Signoff));
    // Not submitted: refused with a word.
    assert!(run(&mut a, [cmd(Command::Confirm)]).is_empty());
    assert!(a.status.as_ref().unwrap().text.contains("先提交"));
    a.data.submitted = true;
    // Enter only closes: confirming is never the default.
    run(&mut a, [cmd(Command::FinalResults)]);
    assert!(run(&mut a, [cmd(Command::Accept)]).is_empty());
    run(&mut a, [cmd(Command::FinalResults)]);
    let effects = run(&mut a, [cmd(Command::Confirm)]);
    assert_eq!(
        effects,
        [Effect::Commit(Event::Confirm {
            fingerprint: record.fingerprint.clone()
        })]
    );
    assert_eq!(a.confirmed.as_deref(), Some(record.fingerprint.as_str()));
    run(&mut a, [cmd(Command::FinalResults)]);
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal.draw(|f| crate::tui::view::draw(f, &a)).unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .chunks(80)
        .map(|row| {
            let mut line = String::new();
            let mut skip = 0;
            for c in row {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                line.push_str(c.symbol());
                skip = jury_core::text::width(c.symbol()).saturating_sub(1);
            }
            line.push('\n');
            line
        })
        .collect();
    assert!(screen.contains("一等奖 001 稻田里的守望 88.5"), "{screen}");
    assert!(screen.contains("您已确认这份结果"), "{screen}");
}
