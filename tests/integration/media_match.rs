//! `jury media match`: videos named by title in per-district folders (book-title marks,
//! quotes, full-width letters) are matched to the works of the forms; an extra file is
//! reported unused, a work without video is reported, two works given the same video are
//! flagged; nothing is recorded without `--accept`, and after it `jury probe` finds the
//! videos. A folder of 10,000 files is refused with one line.

use crate::helpers::{assert_ok, show};
use std::path::Path;
use std::process::Output;

use jury_media::testclip::Clip;

use crate::import_docx::{contest, import, works};

const KEY: &str = "organizer passphrase for docx tests";

fn run(contest: &Path, args: &[&str]) -> Output {
    crate::helpers::run_in(contest, KEY, args)
}

fn clip(path: &Path, seconds: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    Clip::sized(1280, 720, seconds).make(path).unwrap();
}

#[test]
fn videos_named_by_title_in_district_folders_are_matched_and_recorded_on_accept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = contest(d, "cq-micro-lecture");
    let form = d.join("渝中区.csv");
    std::fs::write(
        &form,
        "序号,作品名称,创作单位,推荐单位\n1,《追光者》,重庆大学,渝中区\n2,ＡＩ与科学,重庆市科技馆,渝中区\n",
    )
    .unwrap();
    let form2 = d.join("南岸区.csv");
    std::fs::write(
        &form2,
        "序号,作品名称,创作单位,推荐单位\n1,长江鲟的回家路,重庆师范大学,南岸区\n2,无片,南岸区科协,南岸区\n",
    )
    .unwrap();
    let out = import(&c, &[&form, &form2]);
    assert_ok(&out, "jury");

    let videos = d.join("收到的视频");
    clip(&videos.join("渝中区/重庆大学/追光者.mp4"), 2);
    clip(&videos.join("渝中区/“AI与科学”.MP4"), 3);
    // The same file sent for another work.
    std::fs::create_dir_all(videos.join("南岸区")).unwrap();
    std::fs::copy(
        videos.join("渝中区/重庆大学/追光者.mp4"),
        videos.join("南岸区/《长江鲟的回家路》.mp4"),
    )
    .unwrap();
    clip(&videos.join("南岸区/花絮.mp4"), 2);
    std::fs::write(videos.join("南岸区/推荐表.xlsx"), b"not a video").unwrap();

    let id = |title: &str| works(&c).into_iter().find(|w| w.title == title).unwrap().id;
    let (light, ai, fish, none) = (
        id("《追光者》"),
        id("ＡＩ与科学"),
        id("长江鲟的回家路"),
        id("无片"),
    );
    let vdir = videos.to_str().unwrap();
    let out = run(&c, &["media", "match", vdir]);
    assert_ok(&out, "jury");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = |id: &str| crate::helpers::line_of(&text, id);
    assert!(
        line(&light).contains("渝中区/重庆大学/追光者.mp4") && line(&light).contains("title"),
        "{text}"
    );
    assert!(line(&ai).contains("“AI与科学”.MP4"), "{text}");
    assert!(line(&fish).contains("《长江鲟的回家路》.mp4"), "{text}");
    assert!(
        text.contains("4 video files (1 other files left aside), 4 works"),
        "{text}"
    );
    assert!(
        text.contains(&format!("no video found for 1 works: {none} 无片")),
        "{text}"
    );
    assert!(
        text.contains("1 video files match no work: 南岸区/花絮.mp4"),
        "{text}"
    );
    assert!(
        text.contains("the same video") && text.contains(&format!("works {fish}, {light}")),
        "{text}"
    );
    assert!(text.contains("run again with --accept"), "{text}");
    assert!(
        works(&c).iter().all(|w| w.media_file.is_none()),
        "nothing recorded yet"
    );

    let out = run(&c, &["media", "match", vdir, "--accept"]);
    assert_ok(&out, "jury");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("recorded 3 videos"),
        "{}",
        show(&out)
    );
    let w = works(&c);
    let of = |id: &str| w.iter().find(|x| x.id == id).unwrap().media_file.clone();
    assert!(of(&light).unwrap().ends_with("渝中区/重庆大学/追光者.mp4"));
    assert!(of(&none).is_none());

    // A re-import of the forms (they have no video column) keeps the recorded videos.
    let out = import(&c, &[&form2, &form]);
    assert_ok(&out, "jury");
    assert_eq!(works(&c), w);

    #[cfg(feature = "mpv")]
    {
        let out = run(&c, &["probe", "--jobs", "2"]);
        let table = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = |id: &str| crate::helpers::line_of(&table, id);
        for id in [&light, &ai, &fish] {
            assert!(line(id).contains(" ok "), "{id}: {table}");
        }
        assert!(line(&none).contains("MISSING"), "{table}");
    }
}

#[test]
fn a_folder_of_ten_thousand_files_is_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-micro-lecture");
    let big = dir.path().join("下载");
    std::fs::create_dir(&big).unwrap();
    for i in 0..10_000 {
        std::fs::write(big.join(format!("{i}.jpg")), b"").unwrap();
    }
    let out = run(&c, &["media", "match", big.to_str().unwrap(), "--accept"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("more than 5000 files and folders"), "{err}");
}
