//! Technical compliance: what a media file is (container, size, duration, picture, codecs),
//! read with libmpv, and how it measures up to a contest's [`MediaRules`].
//!
//! Every field comes from libmpv; no ffprobe is needed. Two readings are worth knowing:
//! - `container`: libmpv names one demuxer for the whole QuickTime family
//!   (`mov,mp4,m4a,3gp,3g2,mj2`), so the file's `major_brand` tag tells MP4 from MOV (`qt  `),
//!   3GP or M4A. A MOV renamed `.mp4` is therefore reported as `mov`.
//! - `width`/`height` are the stored picture size turned the way it is displayed (a phone video
//!   with a 90° rotation tag is 1080×1920); `display_aspect` also applies non-square pixels.
//!
//! Durations are compared in whole seconds (rounded half up), the way they are shown, so
//! "3:00–4:00" accepts 179.6 s and refuses 240.5 s. Sizes are in MiB ("MB" as file managers show).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{format_clock, round_seconds};
use jury_core::model::MediaRules;

/// How long [`probe`] waits for mpv to make sense of a file.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a media file is, technically.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProbeInfo {
    /// Lower-case container name: "mp4", "mov", "mkv", "webm", "avi", "3gp", …
    pub container: Option<String>,
    pub size_bytes: u64,
    pub duration_ms: Option<u64>,
    /// Picture size as displayed (rotation applied), in stored pixels.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Width / height of the picture as displayed (rotation and pixel aspect applied).
    pub display_aspect: Option<f64>,
    /// Short codec names as FFmpeg knows them: "h264", "hevc", "aac", …
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    /// A moving picture (cover art and still images do not count).
    pub has_video: bool,
    pub has_audio: bool,
}

impl ProbeInfo {
    /// One language-neutral line: `mp4 · 3:12 · 1920×1080 · 16:9 · h264/aac · 45.2 MB`.
    pub fn summary(&self) -> String {
        let mut parts = vec![self.container.clone().unwrap_or_else(|| "?".into())];
        parts.push(
            self.duration_ms
                .map(|d| format_clock(round_seconds(d)))
                .unwrap_or_else(|| "?:??".into()),
        );
        if self.has_video {
            if let (Some(w), Some(h)) = (self.width, self.height) {
                parts.push(format!("{w}×{h}"));
            }
            if let Some(a) = self.aspect() {
                parts.push(ratio_name(a));
            }
        }
        let codecs = [self.video_codec.as_deref(), self.audio_codec.as_deref()];
        let codecs: Vec<&str> = codecs.into_iter().flatten().collect();
        if !codecs.is_empty() {
            parts.push(codecs.join("/"));
        }
        parts.push(format_mb(self.size_bytes));
        parts.join(" · ")
    }

    /// Display aspect, else width / height.
    pub fn aspect(&self) -> Option<f64> {
        self.display_aspect
            .filter(|a| a.is_finite() && *a > 0.0)
            .or_else(|| match (self.width, self.height) {
                (Some(w), Some(h)) if h > 0 => Some(f64::from(w) / f64::from(h)),
                _ => None,
            })
    }
}

/// A size as file managers show it: `45.2 MB` (MiB).
pub fn format_mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / MIB as f64)
}

const MIB: u64 = 1024 * 1024;

/// `16:9`, `4:3`, … when the ratio is within 0.5 % of a common one, else `1.85:1`.
pub fn ratio_name(aspect: f64) -> String {
    const COMMON: [(u32, u32); 12] = [
        (16, 9),
        (4, 3),
        (1, 1),
        (9, 16),
        (3, 4),
        (21, 9),
        (3, 2),
        (2, 3),
        (5, 4),
        (4, 5),
        (16, 10),
        (10, 16),
    ];
    COMMON
        .iter()
        .find(|(a, b)| (aspect / (f64::from(*a) / f64::from(*b)) - 1.0).abs() < 0.005)
        .map(|(a, b)| format!("{a}:{b}"))
        .unwrap_or_else(|| format!("{aspect:.2}:1"))
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ProbeError {
    #[error("{}: no such file", .0.display())]
    Missing(PathBuf),
    #[error("{path}: cannot read: {1}", path = .0.display())]
    Unreadable(PathBuf, String),
    /// Neither video nor audio that mpv recognises (a text file, a damaged or truncated video).
    #[error("{}: not a video or audio file mpv recognises", .0.display())]
    NotMedia(PathBuf),
    #[error("{path}: mpv gave no answer within {1} s", path = .0.display())]
    Timeout(PathBuf, u64),
    /// Built without libmpv, or mpv could not start.
    #[error("cannot probe media: {0}")]
    Unavailable(String),
}

/// Probes with [`DEFAULT_TIMEOUT`].
pub fn probe(path: &Path) -> Result<ProbeInfo, ProbeError> {
    probe_with_timeout(path, DEFAULT_TIMEOUT)
}

/// Reads what `path` is with a private, silent libmpv instance (no picture, no sound, paused).
/// A file mpv cannot read gives a typed error, never a panic; `timeout` bounds the wait.
pub fn probe_with_timeout(path: &Path, timeout: Duration) -> Result<ProbeInfo, ProbeError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ProbeError::Missing(path.into()))
        }
        Err(e) => return Err(ProbeError::Unreadable(path.into(), e.to_string())),
    };
    // Folders, pipes and devices: opening a pipe would block, mpv would list a folder.
    if !meta.is_file() {
        return Err(ProbeError::NotMedia(path.into()));
    }
    if let Err(e) = std::fs::File::open(path) {
        return Err(ProbeError::Unreadable(path.into(), e.to_string()));
    }
    let absolute = std::path::absolute(path)
        .map_err(|e| ProbeError::Unreadable(path.into(), e.to_string()))?;
    let Some(url) = absolute.to_str() else {
        return Err(ProbeError::Unreadable(
            path.into(),
            "file name is not valid UTF-8".into(),
        ));
    };
    let mut info = backend::read(path, url, timeout)?;
    info.size_bytes = meta.len();
    Ok(info)
}

#[cfg(not(feature = "mpv"))]
mod backend {
    use super::*;

    pub(super) fn read(
        _path: &Path,
        _url: &str,
        _timeout: Duration,
    ) -> Result<ProbeInfo, ProbeError> {
        Err(ProbeError::Unavailable("built without libmpv".into()))
    }
}

#[cfg(feature = "mpv")]
mod backend {
    use std::time::Instant;

    use crate::libmpv::{Event, Mpv, MpvError};

    use super::*;
    use crate::player::backend::{create_with, display_size, error_text};

    /// How long to wait, after the file is loaded, for the first decoded frame (which gives the
    /// exact display size) before settling for what the container says.
    const FRAME_WAIT: Duration = Duration::from_millis(1500);

    pub(super) fn read(path: &Path, url: &str, timeout: Duration) -> Result<ProbeInfo, ProbeError> {
        let no = || "no".to_string();
        let options: Vec<(&str, String)> = vec![
            ("terminal", no()),
            ("msg-level", "all=no".into()),
            ("config", no()),
            ("load-scripts", no()),
            ("ytdl", no()),
            ("vo", "null".into()),
            ("ao", "null".into()),
            ("audio-fallback-to-null", "yes".into()),
            ("pause", "yes".into()),
            ("sid", no()),
            ("sub-auto", no()),
            ("audio-file-auto", no()),
            ("cache", no()),
            ("keep-open", "yes".into()),
            // Many probes run side by side; one decoding thread each is plenty for one frame.
            ("vd-lavc-threads", "1".into()),
        ];
        let mpv = create_with(&options).map_err(|e| ProbeError::Unavailable(e.to_string()))?;
        mpv.command("loadfile", &[url])
            .map_err(|e| ProbeError::Unavailable(format!("mpv: loadfile: {}", error_text(&e))))?;
        let start = Instant::now();
        let mut loaded_at: Option<Instant> = None;
        loop {
            let deadline = match loaded_at {
                Some(t) => (t + FRAME_WAIT).min(start + timeout),
                None => start + timeout,
            };
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match mpv.wait_event((deadline - now).as_secs_f64()) {
                None => {}
                Some(Ok(Event::FileLoaded)) => {
                    if !has_track(&mpv, "video") {
                        return Ok(collect(&mpv));
                    }
                    loaded_at = Some(Instant::now());
                }
                Some(Ok(Event::PlaybackRestart)) if loaded_at.is_some() => {
                    return Ok(collect(&mpv))
                }
                Some(Ok(Event::EndFile(_))) if loaded_at.is_none() => {
                    return Err(ProbeError::NotMedia(path.into()))
                }
                Some(Ok(Event::Shutdown)) => {
                    return Err(ProbeError::Unavailable("mpv quit".into()))
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    return Err(match e {
                        MpvError::Raw(-13) if !path.exists() => ProbeError::Missing(path.into()),
                        MpvError::Raw(-13 | -16 | -17 | -18) => ProbeError::NotMedia(path.into()),
                        e => ProbeError::Unreadable(path.into(), error_text(&e)),
                    })
                }
            }
        }
        if loaded_at.is_some() {
            // Loaded, but no frame decoded in time: the container's numbers will do.
            Ok(collect(&mpv))
        } else {
            Err(ProbeError::Timeout(path.into(), timeout.as_secs().max(1)))
        }
    }

    fn string(mpv: &Mpv, name: &str) -> Option<String> {
        mpv.get_property::<String>(name)
            .ok()
            .filter(|s| !s.trim().is_empty())
    }

    fn flag(mpv: &Mpv, name: &str) -> bool {
        mpv.get_property::<bool>(name).unwrap_or(false)
    }

    /// Whether a track of `kind` is in the file (cover art and still images do not count as
    /// video).
    fn has_track(mpv: &Mpv, kind: &str) -> bool {
        track(mpv, kind).is_some()
    }

    /// Index in `track-list` of the selected (else first) track of `kind`.
    fn track(mpv: &Mpv, kind: &str) -> Option<i64> {
        let count = mpv.get_property::<i64>("track-list/count").unwrap_or(0);
        let usable = |i: i64| {
            string(mpv, &format!("track-list/{i}/type")).as_deref() == Some(kind)
                && !(kind == "video"
                    && (flag(mpv, &format!("track-list/{i}/albumart"))
                        || flag(mpv, &format!("track-list/{i}/image"))))
        };
        let tracks: Vec<i64> = (0..count).filter(|i| usable(*i)).collect();
        tracks
            .iter()
            .copied()
            .find(|i| flag(mpv, &format!("track-list/{i}/selected")))
            .or(tracks.first().copied())
    }

    fn collect(mpv: &Mpv) -> ProbeInfo {
        let format = string(mpv, "file-format");
        let brand = string(mpv, "metadata/by-key/major_brand");
        let ext = string(mpv, "path").and_then(|p| {
            Path::new(&p)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
        });
        let container = format.map(|f| container_name(&f, brand.as_deref(), ext.as_deref()));
        let duration_ms = mpv
            .get_property::<f64>("duration")
            .ok()
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| (d * 1000.0).round() as u64);
        let video = track(mpv, "video");
        let audio = track(mpv, "audio");
        let codec = |i: Option<i64>| i.and_then(|i| string(mpv, &format!("track-list/{i}/codec")));
        let (mut width, mut height) = (None, None);
        let mut display_aspect = None;
        if video.is_some() {
            (width, height) = display_size(mpv);
            display_aspect = aspect(mpv);
        }
        ProbeInfo {
            container,
            size_bytes: 0,
            duration_ms,
            width,
            height,
            display_aspect,
            video_codec: codec(video),
            audio_codec: codec(audio),
            has_video: video.is_some(),
            has_audio: audio.is_some(),
        }
    }

    /// dwidth/dheight (decoded, rotated, pixel aspect applied), else the stored size times the
    /// container's pixel aspect, turned by the rotation tag.
    fn aspect(mpv: &Mpv) -> Option<f64> {
        let get = |name: &str| mpv.get_property::<i64>(name).ok().filter(|v| *v > 0);
        if let (Some(w), Some(h)) = (get("dwidth"), get("dheight")) {
            return Some(w as f64 / h as f64);
        }
        let (w, h) = (get("width")? as f64, get("height")? as f64);
        let par = mpv
            .get_property::<f64>("current-tracks/video/demux-par")
            .ok()
            .filter(|p| p.is_finite() && *p > 0.0)
            .unwrap_or(1.0);
        let rotation = mpv
            .get_property::<i64>("current-tracks/video/demux-rotation")
            .unwrap_or(0);
        let stored = w * par / h;
        Some(if rotation.rem_euclid(180) == 90 {
            1.0 / stored
        } else {
            stored
        })
    }
}

/// Lower-case container name from mpv's `file-format`, the MP4 `major_brand` and the extension.
pub fn container_name(format: &str, brand: Option<&str>, ext: Option<&str>) -> String {
    let f = format.to_ascii_lowercase();
    if f.split(',').any(|x| x == "mov") && f.split(',').any(|x| x == "mp4") {
        let brand = brand.map(|b| b.trim().to_ascii_lowercase());
        return match brand.as_deref() {
            Some("qt") => "mov",
            Some(b) if b.starts_with("3g2") => "3g2",
            Some(b) if b.starts_with("3gp") || b.starts_with("3ge") || b.starts_with("3gg") => {
                "3gp"
            }
            Some("m4a") | Some("m4b") => "m4a",
            Some("mjp2") => "mj2",
            Some(_) => "mp4",
            None => ext
                .filter(|e| ["mov", "m4a", "3gp", "3g2"].contains(e))
                .unwrap_or("mp4"),
        }
        .to_string();
    }
    let first = f.split(',').next().unwrap_or_default().trim().to_string();
    match first.as_str() {
        "matroska" | "mkv" if ext == Some("webm") => "webm".into(),
        "matroska" | "mkv" => "mkv".into(),
        "mpegts" => "ts".into(),
        "mpeg" => "mpg".into(),
        _ => first,
    }
}

/// One way a file breaks the contest's media rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Violation {
    /// The file could not be probed at all.
    Probe(ProbeError),
    Container {
        found: Option<String>,
        allowed: Vec<String>,
    },
    TooLarge {
        size_bytes: u64,
        max_mb: u64,
    },
    /// Duration in whole seconds (rounded) below the minimum.
    TooShort {
        duration_s: u64,
        min_s: u32,
        max_s: Option<u32>,
    },
    TooLong {
        duration_s: u64,
        min_s: Option<u32>,
        max_s: u32,
    },
    UnknownDuration,
    Resolution {
        found: Option<(u32, u32)>,
        allowed: Vec<(u32, u32)>,
    },
    Aspect {
        found: f64,
        expected: (u32, u32),
        tolerance_percent: f64,
    },
    NoVideo,
    /// No sound track and the rules do not require one: advisory, it does not make a file
    /// non-compliant; it is reported for the organizer to judge.
    NoAudio,
    /// No sound track although the rules require one (`[media] require_audio = true`).
    AudioRequired,
}

impl Violation {
    /// Reported, but does not make the file non-compliant.
    pub fn is_advisory(&self) -> bool {
        matches!(self, Violation::NoAudio)
    }
}

/// `1` for 1.0, `1.5` otherwise: a tolerance as the rules write it.
pub fn format_percent(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

/// Every rule `info` breaks, in a stable order: container, size, duration, picture, sound.
pub fn check(info: &ProbeInfo, rules: &MediaRules) -> Vec<Violation> {
    let mut out = Vec::new();
    if !rules.containers.is_empty() {
        let ok = info.container.as_deref().is_some_and(|c| {
            rules
                .containers
                .iter()
                .any(|a| a.trim().eq_ignore_ascii_case(c))
        });
        if !ok {
            out.push(Violation::Container {
                found: info.container.clone(),
                allowed: rules
                    .containers
                    .iter()
                    .map(|c| c.trim().to_ascii_lowercase())
                    .collect(),
            });
        }
    }
    if let Some(max_mb) = rules.max_size_mb {
        if info.size_bytes > max_mb.saturating_mul(MIB) {
            out.push(Violation::TooLarge {
                size_bytes: info.size_bytes,
                max_mb,
            });
        }
    }
    if rules.min_duration_s.is_some() || rules.max_duration_s.is_some() {
        match info.duration_ms.map(round_seconds) {
            None => out.push(Violation::UnknownDuration),
            Some(s) => {
                if let Some(min_s) = rules.min_duration_s.filter(|m| s < u64::from(*m)) {
                    out.push(Violation::TooShort {
                        duration_s: s,
                        min_s,
                        max_s: rules.max_duration_s,
                    });
                }
                if let Some(max_s) = rules.max_duration_s.filter(|m| s > u64::from(*m)) {
                    out.push(Violation::TooLong {
                        duration_s: s,
                        min_s: rules.min_duration_s,
                        max_s,
                    });
                }
            }
        }
    }
    if !info.has_video {
        out.push(Violation::NoVideo);
    } else {
        let allowed = rules.resolution_pairs();
        let found = info.width.zip(info.height);
        if !allowed.is_empty() && !found.is_some_and(|f| allowed.contains(&f)) {
            out.push(Violation::Resolution { found, allowed });
        }
        if let Some((a, b)) = rules.aspect_pair() {
            let expected = f64::from(a) / f64::from(b);
            let tolerance = rules.aspect_tolerance_percent.max(0.0);
            match info.aspect() {
                Some(found) if ((found / expected - 1.0).abs() * 100.0) <= tolerance + 1e-9 => {}
                Some(found) => out.push(Violation::Aspect {
                    found,
                    expected: (a, b),
                    tolerance_percent: tolerance,
                }),
                None => out.push(Violation::Aspect {
                    found: f64::NAN,
                    expected: (a, b),
                    tolerance_percent: tolerance,
                }),
            }
        }
    }
    if !info.has_audio {
        out.push(if rules.require_audio {
            Violation::AudioRequired
        } else {
            Violation::NoAudio
        });
    }
    out
}

/// A file probed and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub path: PathBuf,
    /// `None` when the file could not be probed (the reason is the only violation).
    pub info: Option<ProbeInfo>,
    pub violations: Vec<Violation>,
}

impl Assessment {
    /// No violation other than advisory ones.
    pub fn compliant(&self) -> bool {
        self.violations.iter().all(Violation::is_advisory)
    }
}

/// Probes `path` and checks it; a file that cannot be probed gets a [`Violation::Probe`].
pub fn assess(path: &Path, rules: &MediaRules) -> Assessment {
    match probe(path) {
        Ok(info) => Assessment {
            path: path.into(),
            violations: check(&info, rules),
            info: Some(info),
        },
        Err(e) => Assessment {
            path: path.into(),
            info: None,
            violations: vec![Violation::Probe(e)],
        },
    }
}

/// [`assess`] for many files, in parallel on up to one thread per core; results in input order.
pub fn assess_many(paths: &[PathBuf], rules: &MediaRules) -> Vec<Assessment> {
    jury_core::parallel::map_in_order(paths, jury_core::parallel::default_jobs(), |p| {
        assess(p, rules)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jury_core::data::contest_template;

    fn rules(name: &str) -> MediaRules {
        contest_template(name).unwrap().media
    }

    /// A clean 3:12 1080p 16:9 H.264/AAC MP4.
    fn good() -> ProbeInfo {
        ProbeInfo {
            container: Some("mp4".into()),
            size_bytes: 45 * MIB,
            duration_ms: Some(192_000),
            width: Some(1920),
            height: Some(1080),
            display_aspect: Some(16.0 / 9.0),
            video_codec: Some("h264".into()),
            audio_codec: Some("aac".into()),
            has_video: true,
            has_audio: true,
        }
    }

    #[test]
    fn a_clean_entry_passes_both_shipped_rule_sets() {
        assert_eq!(check(&good(), &rules("cq-2023-short-video")), vec![]);
        assert_eq!(check(&good(), &rules("cq-micro-lecture")), vec![]);
        let hd = ProbeInfo {
            width: Some(1280),
            height: Some(720),
            ..good()
        };
        assert_eq!(check(&hd, &rules("cq-2023-short-video")), vec![]);
    }

    #[test]
    fn duration_outside_the_range_is_named_with_the_range() {
        let r = rules("cq-2023-short-video");
        let long = ProbeInfo {
            duration_ms: Some(312_000),
            ..good()
        };
        let v = check(&long, &r);
        assert_eq!(
            v,
            vec![Violation::TooLong {
                duration_s: 312,
                min_s: Some(180),
                max_s: 240
            }]
        );
        let short = ProbeInfo {
            duration_ms: Some(2_000),
            ..good()
        };
        let v = check(&short, &r);
        assert_eq!(
            v,
            vec![Violation::TooShort {
                duration_s: 2,
                min_s: 180,
                max_s: Some(240)
            }]
        );
        // Whole seconds, rounded: 179.6 s is 3:00, 240.4 s is 4:00, 240.5 s is 4:01.
        for (ms, ok) in [
            (179_499, false),
            (179_600, true),
            (240_400, true),
            (240_500, false),
        ] {
            let info = ProbeInfo {
                duration_ms: Some(ms),
                ..good()
            };
            assert_eq!(check(&info, &r).is_empty(), ok, "{ms} ms");
        }
        let micro = rules("cq-micro-lecture");
        let v = check(
            &ProbeInfo {
                duration_ms: Some(605_000),
                ..good()
            },
            &micro,
        );
        assert_eq!(
            v,
            vec![Violation::TooLong {
                duration_s: 605,
                min_s: None,
                max_s: 600
            }]
        );
        assert_eq!(
            check(
                &ProbeInfo {
                    duration_ms: None,
                    ..good()
                },
                &micro
            ),
            vec![Violation::UnknownDuration]
        );
    }

    #[test]
    fn size_container_resolution_and_aspect_are_each_flagged() {
        let r = rules("cq-2023-short-video");
        let mov = ProbeInfo {
            container: Some("mov".into()),
            ..good()
        };
        let v = check(&mov, &r);
        assert_eq!(
            v,
            vec![Violation::Container {
                found: Some("mov".into()),
                allowed: vec!["mp4".into()]
            }]
        );

        let small = ProbeInfo {
            width: Some(640),
            height: Some(360),
            ..good()
        };
        let v = check(&small, &r);
        assert!(
            matches!(
                v.as_slice(),
                [Violation::Resolution {
                    found: Some((640, 360)),
                    ..
                }]
            ),
            "{v:?}"
        );

        let four_three = ProbeInfo {
            width: Some(1440),
            height: Some(1080),
            display_aspect: Some(4.0 / 3.0),
            ..good()
        };
        let v = check(&four_three, &r);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(matches!(
            v[1],
            Violation::Aspect {
                expected: (16, 9),
                ..
            }
        ));

        let micro = rules("cq-micro-lecture");
        let big = ProbeInfo {
            size_bytes: 500 * MIB + 1,
            ..good()
        };
        let v = check(&big, &micro);
        assert_eq!(
            v,
            vec![Violation::TooLarge {
                size_bytes: 500 * MIB + 1,
                max_mb: 500
            }]
        );
        assert_eq!(
            check(
                &ProbeInfo {
                    size_bytes: 500 * MIB,
                    ..good()
                },
                &micro
            ),
            vec![]
        );
        // The micro-lecture call has no resolution list: any 16:9 size passes.
        assert_eq!(check(&small, &micro), vec![]);
        // Portrait phone video.
        let portrait = ProbeInfo {
            width: Some(1080),
            height: Some(1920),
            display_aspect: Some(9.0 / 16.0),
            ..good()
        };
        let v = check(&portrait, &micro);
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn aspect_tolerance_is_a_percentage_of_the_ratio() {
        let r = rules("cq-micro-lecture");
        // 1920×1088 (a common encoder padding) is 0.74 % off 16:9: within 1 %.
        let padded = ProbeInfo {
            width: Some(1920),
            height: Some(1088),
            display_aspect: Some(1920.0 / 1088.0),
            ..good()
        };
        assert_eq!(check(&padded, &r), vec![]);
        // 1920×1104 is 2.2 % off.
        let off = ProbeInfo {
            width: Some(1920),
            height: Some(1104),
            display_aspect: Some(1920.0 / 1104.0),
            ..good()
        };
        assert_eq!(check(&off, &r).len(), 1);
        // Without a display aspect the stored size decides.
        let no_dar = ProbeInfo {
            display_aspect: None,
            width: Some(640),
            height: Some(480),
            ..good()
        };
        assert_eq!(check(&no_dar, &r).len(), 1);
        let strict = MediaRules {
            aspect_tolerance_percent: 0.0,
            ..r
        };
        assert_eq!(check(&padded, &strict).len(), 1);
    }

    #[test]
    fn non_video_and_silent_files() {
        let r = rules("cq-2023-short-video");
        let audio = ProbeInfo {
            has_video: false,
            width: None,
            height: None,
            display_aspect: None,
            video_codec: None,
            container: Some("mp3".into()),
            ..good()
        };
        let v = check(&audio, &r);
        assert_eq!(
            v[0],
            Violation::Container {
                found: Some("mp3".into()),
                allowed: vec!["mp4".into()]
            }
        );
        assert_eq!(v[1], Violation::NoVideo);
        assert_eq!(
            v.len(),
            2,
            "no resolution/aspect noise for a file without picture: {v:?}"
        );

        let silent = ProbeInfo {
            has_audio: false,
            audio_codec: None,
            ..good()
        };
        // The shipped call requires sound; rules that do not make silence advisory.
        assert_eq!(check(&silent, &r), vec![Violation::AudioRequired]);
        let lax = MediaRules {
            require_audio: false,
            ..r.clone()
        };
        let v = check(&silent, &lax);
        assert_eq!(v, vec![Violation::NoAudio]);
        let a = Assessment {
            path: "x.mp4".into(),
            info: Some(silent.clone()),
            violations: v,
        };
        assert!(a.compliant(), "no audio is advisory only");
        let a = Assessment {
            path: "x.mp4".into(),
            info: Some(silent),
            violations: vec![Violation::AudioRequired],
        };
        assert!(!a.compliant(), "required sound missing breaks the rules");

        let a = Assessment {
            path: "t.txt".into(),
            info: None,
            violations: vec![Violation::Probe(ProbeError::NotMedia("t.txt".into()))],
        };
        assert!(!a.compliant());
    }

    #[test]
    fn container_names_tell_mp4_from_mov() {
        let qt = "mov,mp4,m4a,3gp,3g2,mj2";
        assert_eq!(container_name(qt, Some("isom"), Some("mp4")), "mp4");
        assert_eq!(container_name(qt, Some("mp42"), Some("mov")), "mp4");
        assert_eq!(container_name(qt, Some("qt  "), Some("mp4")), "mov");
        assert_eq!(container_name(qt, Some("3gp4"), None), "3gp");
        assert_eq!(container_name(qt, Some("M4A "), None), "m4a");
        assert_eq!(container_name(qt, None, Some("mov")), "mov");
        assert_eq!(container_name(qt, None, None), "mp4");
        assert_eq!(container_name("matroska,webm", None, Some("mkv")), "mkv");
        assert_eq!(container_name("mkv", None, Some("webm")), "webm");
        assert_eq!(container_name("avi", None, None), "avi");
        assert_eq!(container_name("mpegts", None, None), "ts");
    }

    #[test]
    fn ratios_get_familiar_names_and_summaries_read_well() {
        assert_eq!(ratio_name(16.0 / 9.0), "16:9");
        assert_eq!(ratio_name(1920.0 / 1088.0), "1.76:1");
        assert_eq!(ratio_name(0.5625), "9:16");
        assert_eq!(ratio_name(1.85), "1.85:1");
        assert_eq!(
            good().summary(),
            "mp4 · 3:12 · 1920×1080 · 16:9 · h264/aac · 45.0 MB"
        );
    }
}
