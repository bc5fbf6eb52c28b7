//! Proposing a video file for every work (`jury media match`). Pure: the app walks the
//! folders and hashes; this decides.
//!
//! Decisions, in the order a work is tried:
//! 1. **Explicit**: the form named a video (视频文件 column) and exactly one file found has
//!    that file name.
//! 2. **Number**: a file named by a number. Inside a folder whose name holds the work's
//!    district (`渝中区/1.mp4`, `视频/渝中区作品/01.mp4`), the number is the form's 序号 of
//!    that district; elsewhere it is the contest-wide work number. `1`, `01`, `001` and `１`
//!    are the same number.
//! 3. **Title**: the file name, normalised ([`normalise_title`]), equals the work's title
//!    normalised, or holds it after a leading number or district (`01 追光者`, `渝中区-追光者`).
//!    Of several works with that title, the one whose district names a folder of the file
//!    wins.
//!
//! A work with more than one candidate at its first matching step is **ambiguous** (listed
//! with the candidates, nothing proposed); a file proposed for two works is ambiguous for
//! both. Files proposed for no work are **unused**. Two works whose proposed files have the
//! same SHA-256 are flagged (the same video sent twice, or one work's file copied).

use std::collections::{BTreeMap, HashMap};

use unicode_normalization::UnicodeNormalization;

use crate::records::WorkRecord;

/// A title (or a file name) reduced to what identifies it: NFKC (full-width to half-width),
/// lower case, without spaces, book-title marks, quotes, brackets and other punctuation or
/// symbols. `《追光者》`, `追光者`, `“追光者”` and `追 光 者` are the same; letters and digits of
/// every script are kept.
pub fn normalise_title(text: &str) -> String {
    text.nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A number written in a file name or a form (`001`, `１`, `1.0`) as digits without leading
/// zeros; `None` if it is no number.
fn number_of(text: &str) -> Option<String> {
    let t: String = text.nfkc().collect();
    let t = t.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = t.trim_start_matches('0');
    Some(if n.is_empty() { "0".into() } else { n.into() })
}

/// A video file found under the folders given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// Its path as shown and stored (the app decides: relative to the media folder, or
    /// absolute).
    pub path: String,
    /// The file name without its extension.
    pub stem: String,
    /// The file name with its extension.
    pub name: String,
    /// The names of the folders between the folder given and the file.
    pub folders: Vec<String>,
}

/// How a proposal was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchHow {
    /// The form's 视频文件 column named this file.
    Explicit,
    /// The file is named by the contest-wide work number.
    Number,
    /// The file is named by the form's 序号 inside its district's folder.
    Origin,
    /// The file name is the work's title.
    Title,
}

/// One video proposed for one work (`file`: index into the files given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub work_id: String,
    pub file: usize,
    pub how: MatchHow,
}

/// What [`propose`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchPlan {
    /// In work order.
    pub proposals: Vec<Proposal>,
    /// Works with several candidate files (or whose one file another work also claims).
    pub ambiguous: Vec<(String, Vec<usize>)>,
    /// Works no file matched.
    pub unmatched: Vec<String>,
    /// Files no work was given.
    pub unused: Vec<usize>,
}

/// Works sharing one video (same SHA-256): (hash, their work numbers).
pub type SameVideo = (String, Vec<String>);

fn folder_holds(file: &MediaFile, district: &str) -> bool {
    let d = normalise_title(district);
    !d.is_empty() && file.folders.iter().any(|f| normalise_title(f).contains(&d))
}

/// The keys a file's stem may match a title by: the stem normalised, without a leading
/// number (`01 追光者`), and without a leading district after that (`渝中区-追光者`).
fn title_keys(stem: &str, districts: &[String]) -> Vec<String> {
    let full = normalise_title(stem);
    let mut keys = vec![full.clone()];
    let digits = full.chars().take_while(|c| c.is_ascii_digit()).count();
    let rest: String = full.chars().skip(digits).collect();
    if digits > 0 && !rest.is_empty() {
        keys.push(rest.clone());
    }
    for d in districts {
        if let Some(r) = rest.strip_prefix(d.as_str()) {
            if !r.is_empty() {
                keys.push(r.to_string());
            }
            break;
        }
    }
    keys.dedup();
    keys
}

/// Proposes a file for every work (see the module's decisions). `works` in the order
/// proposals are listed.
pub fn propose(works: &[WorkRecord], files: &[MediaFile]) -> MatchPlan {
    let mut districts: Vec<String> = works
        .iter()
        .map(|w| normalise_title(&w.district))
        .filter(|d| !d.is_empty())
        .collect();
    districts.sort_by_key(|d| std::cmp::Reverse(d.chars().count()));
    districts.dedup();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_number: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        by_name.entry(f.name.to_lowercase()).or_default().push(i);
        if let Some(n) = number_of(&f.stem) {
            by_number.entry(n).or_default().push(i);
        } else {
            for key in title_keys(&f.stem, &districts) {
                by_title.entry(key).or_default().push(i);
            }
        }
    }
    let in_district = |i: &usize, w: &WorkRecord| folder_holds(&files[*i], &w.district);
    let any_district = |i: &usize| districts.iter().any(|d| folder_holds(&files[*i], d));
    // Works sharing a normalised title: the district folder decides between them.
    let mut same_title: HashMap<String, usize> = HashMap::new();
    for w in works {
        *same_title.entry(normalise_title(&w.title)).or_default() += 1;
    }

    let mut candidates: Vec<(usize, MatchHow, Vec<usize>)> = Vec::new();
    for (wi, w) in works.iter().enumerate() {
        let explicit: Vec<usize> = w
            .media_file
            .as_deref()
            .and_then(|m| m.rsplit(['/', '\\']).next())
            .filter(|n| !n.is_empty())
            .and_then(|n| by_name.get(&n.to_lowercase()))
            .cloned()
            .unwrap_or_default();
        if !explicit.is_empty() {
            // Several files of that name: the one whose path ends as the form wrote it, else
            // the one in the work's district folder.
            let named = w.media_file.as_deref().unwrap_or("").replace('\\', "/");
            let narrowed = |keep: &dyn Fn(&usize) -> bool| -> Vec<usize> {
                explicit.iter().filter(|i| keep(i)).copied().collect()
            };
            let mut chosen = explicit.clone();
            if chosen.len() > 1 {
                let by_path = narrowed(&|i| {
                    let p = &files[*i].path;
                    named.contains('/')
                        && (named.ends_with(&format!("/{p}"))
                            || p.ends_with(&format!("/{named}"))
                            || *p == named)
                });
                let by_district = narrowed(&|i| in_district(i, w));
                chosen = [by_path, by_district, explicit.clone()]
                    .into_iter()
                    .find(|c| !c.is_empty())
                    .unwrap_or_default();
            }
            candidates.push((wi, MatchHow::Explicit, chosen));
            continue;
        }
        let numbered = by_number.get(&number_of(&w.id).unwrap_or_default());
        let origin: Vec<usize> = number_of(&w.origin_no)
            .and_then(|n| by_number.get(&n))
            .into_iter()
            .flatten()
            .filter(|i| in_district(i, w))
            .copied()
            .collect();
        if !origin.is_empty() {
            candidates.push((wi, MatchHow::Origin, origin));
            continue;
        }
        let number: Vec<usize> = numbered
            .into_iter()
            .flatten()
            .filter(|i| !any_district(i))
            .copied()
            .collect();
        if !number.is_empty() {
            candidates.push((wi, MatchHow::Number, number));
            continue;
        }
        let key = normalise_title(&w.title);
        let mut titled: Vec<usize> = if key.is_empty() {
            Vec::new()
        } else {
            by_title.get(&key).cloned().unwrap_or_default()
        };
        if same_title.get(&key).copied().unwrap_or(0) > 1 || titled.len() > 1 {
            let local: Vec<usize> = titled
                .iter()
                .filter(|i| in_district(i, w))
                .copied()
                .collect();
            if !local.is_empty() || any_district_match(&titled, files, &districts) {
                titled = local;
            }
        }
        if !titled.is_empty() {
            candidates.push((wi, MatchHow::Title, titled));
        }
    }

    let mut claims: HashMap<usize, usize> = HashMap::new();
    for (_, _, c) in &candidates {
        if let [only] = c.as_slice() {
            *claims.entry(*only).or_default() += 1;
        }
    }
    let mut plan = MatchPlan::default();
    let mut used = vec![false; files.len()];
    let mut matched = vec![false; works.len()];
    for (wi, how, c) in candidates {
        matched[wi] = true;
        for i in &c {
            used[*i] = true;
        }
        match c.as_slice() {
            [only] if claims.get(only) == Some(&1) => plan.proposals.push(Proposal {
                work_id: works[wi].id.clone(),
                file: *only,
                how,
            }),
            _ => plan.ambiguous.push((works[wi].id.clone(), c)),
        }
    }
    plan.unmatched = works
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(w, _)| w.id.clone())
        .collect();
    plan.unused = (0..files.len()).filter(|i| !used[*i]).collect();
    plan
}

/// True when some of the files lie in a district's folder (then the folder decides).
fn any_district_match(files_at: &[usize], files: &[MediaFile], districts: &[String]) -> bool {
    files_at
        .iter()
        .any(|i| districts.iter().any(|d| folder_holds(&files[*i], d)))
}

/// Works whose proposed files have the same content: `hashes[file]` is the SHA-256 of each
/// proposed file (`None`: not hashed). Sorted by hash.
pub fn same_video(plan: &MatchPlan, hashes: &[Option<String>]) -> Vec<SameVideo> {
    let mut by_hash: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for p in &plan.proposals {
        if let Some(Some(h)) = hashes.get(p.file) {
            by_hash.entry(h).or_default().push(p.work_id.clone());
        }
    }
    by_hash
        .into_iter()
        .filter(|(_, w)| w.len() > 1)
        .map(|(h, w)| (h.to_string(), w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(id: &str, title: &str, district: &str, no: &str) -> WorkRecord {
        WorkRecord {
            id: id.into(),
            title: title.into(),
            unit: "u".into(),
            district: district.into(),
            origin_no: no.into(),
            ..Default::default()
        }
    }

    fn file(path: &str) -> MediaFile {
        let parts: Vec<&str> = path.split('/').collect();
        let name = parts.last().unwrap().to_string();
        MediaFile {
            path: path.into(),
            stem: name
                .rsplit_once('.')
                .map_or(name.clone(), |(s, _)| s.into()),
            name,
            folders: parts[..parts.len() - 1]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    #[test]
    fn titles_normalise_without_marks_width_spaces_punctuation_or_case() {
        assert_eq!(normalise_title("《追光者》"), "追光者");
        assert_eq!(normalise_title("“追 光　者”！"), "追光者");
        assert_eq!(
            normalise_title("「ＡＩ」与Science：从0到１"),
            "ai与science从0到1"
        );
        assert_eq!(
            normalise_title("追光者——记重庆大学某教授"),
            "追光者记重庆大学某教授"
        );
        assert_ne!(normalise_title("追光者"), normalise_title("追光"));
    }

    #[test]
    fn numbers_in_any_spelling_are_one() {
        for n in ["1", "01", "001", "１", "1.0"] {
            assert_eq!(number_of(n).as_deref(), Some("1"), "{n}");
        }
        assert_eq!(number_of("1a"), None);
    }

    #[test]
    fn each_step_in_order_with_ambiguity_unused_and_unmatched() {
        let mut explicit = work("1", "甲", "渝中区", "1");
        explicit.media_file = Some("D:/作品/甲片.mp4".into());
        let works = vec![
            explicit,
            work("2", "追光者", "渝中区", "2"),
            work("3", "《山城的桥》", "南岸区", "1"),
            work("4", "无片", "南岸区", "2"),
            work("5", "重名", "渝中区", "3"),
            work("6", "重名", "南岸区", "3"),
            work("7", "两个", "北碚区", "1"),
        ];
        let files = vec![
            file("甲片.mp4"),
            file("渝中区/02 追光者.mp4"),
            file("南岸区/1.mp4"),
            file("渝中区/重名.mp4"),
            file("南岸区/重名.mov"),
            file("北碚区/两个.mp4"),
            file("北碚区/两个 .mov"),
            file("多余.mp4"),
        ];
        let plan = propose(&works, &files);
        let got: Vec<(&str, usize, MatchHow)> = plan
            .proposals
            .iter()
            .map(|p| (p.work_id.as_str(), p.file, p.how))
            .collect();
        assert_eq!(
            got,
            [
                ("1", 0, MatchHow::Explicit),
                ("2", 1, MatchHow::Title),
                ("3", 2, MatchHow::Origin),
                ("5", 3, MatchHow::Title),
                ("6", 4, MatchHow::Title),
            ]
        );
        assert_eq!(plan.ambiguous, [("7".to_string(), vec![5, 6])]);
        assert_eq!(plan.unmatched, ["4"]);
        assert_eq!(plan.unused, [7]);
        let hashes = vec![
            Some("a".into()),
            Some("b".into()),
            Some("b".into()),
            None,
            None,
            None,
            None,
            None,
        ];
        assert_eq!(
            same_video(&plan, &hashes),
            [("b".to_string(), vec!["2".to_string(), "3".to_string()])]
        );
    }

    #[test]
    fn a_bare_number_outside_district_folders_is_the_contest_number() {
        let works = vec![work("12", "甲", "渝中区", "1")];
        let plan = propose(&works, &[file("012.mp4")]);
        assert_eq!(plan.proposals[0].how, MatchHow::Number);
        // Inside another district's folder it is that district's 序号, not this work's.
        let plan = propose(
            &[
                work("12", "甲", "渝中区", "1"),
                work("13", "乙", "南岸区", "12"),
            ],
            &[file("南岸区/12.mp4")],
        );
        assert_eq!(plan.proposals.len(), 1);
        assert_eq!(plan.proposals[0].work_id, "13");
        assert_eq!(plan.unmatched, ["12"]);
    }

    #[test]
    fn a_title_that_starts_with_its_district_still_matches() {
        let works = vec![
            work("1", "《渝中区的桥》", "渝中区", "1"),
            work("2", "桥", "渝中区", "2"),
        ];
        let plan = propose(
            &works,
            &[file("渝中区/01 渝中区的桥.mp4"), file("渝中区-桥.mp4")],
        );
        let got: Vec<(&str, usize)> = plan
            .proposals
            .iter()
            .map(|p| (p.work_id.as_str(), p.file))
            .collect();
        assert_eq!(got, [("1", 0), ("2", 1)]);
    }

    #[test]
    fn a_named_file_found_twice_is_taken_from_the_works_district() {
        let mut w = work("1", "甲", "南岸区", "1");
        w.media_file = Some("1.mp4".into());
        let plan = propose(&[w], &[file("渝中区/1.mp4"), file("南岸区/1.mp4")]);
        assert_eq!(plan.proposals[0].file, 1);
        assert_eq!(plan.unused, [0]);
    }

    #[test]
    fn one_file_claimed_by_two_works_is_ambiguous_for_both() {
        let works = vec![work("1", "同名", "", ""), work("2", "同名", "", "")];
        let plan = propose(&works, &[file("同名.mp4")]);
        assert!(plan.proposals.is_empty());
        assert_eq!(plan.ambiguous.len(), 2);
    }
}
