//! Small real videos for tests and benches, made with the ffmpeg command line (lavfi
//! `testsrc` + `sine`, H.264 + AAC): playback and probing are tested on real files, and big
//! media is never committed. Needs `ffmpeg` on the PATH (`make test` installs it).

use std::path::Path;
use std::process::Command;

/// What to make; [`Clip::default`] is a 320×180, 3 s, 15 fps clip with a tone.
#[derive(Debug, Clone)]
pub struct Clip<'a> {
    pub width: u32,
    pub height: u32,
    pub seconds: u32,
    pub fps: u32,
    pub audio: bool,
    /// Further output options, placed just before the file name (e.g. `["-f", "mov"]`).
    pub extra: &'a [&'a str],
}

impl Default for Clip<'_> {
    fn default() -> Self {
        Clip {
            width: 320,
            height: 180,
            seconds: 3,
            fps: 15,
            audio: true,
            extra: &[],
        }
    }
}

impl Clip<'_> {
    /// `width`×`height`, `seconds` long, the rest as [`Clip::default`].
    pub fn sized(width: u32, height: u32, seconds: u32) -> Clip<'static> {
        Clip {
            width,
            height,
            seconds,
            ..Clip::default()
        }
    }

    /// Writes the clip to `path` (overwriting). The error carries ffmpeg's own message.
    pub fn make(&self, path: &Path) -> Result<(), String> {
        let video = format!(
            "testsrc=size={}x{}:rate={}:duration={}",
            self.width, self.height, self.fps, self.seconds
        );
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-hide_banner", "-loglevel", "error", "-y"])
            .args(["-f", "lavfi", "-i", &video]);
        if self.audio {
            cmd.args(["-f", "lavfi", "-i"])
                .arg(format!("sine=frequency=440:duration={}", self.seconds))
                .args(["-c:a", "aac", "-b:a", "32k"]);
        }
        let keyframes = self.fps.max(1).to_string();
        cmd.args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .args(["-g", &keyframes])
        .args(self.extra)
        .arg(path);
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run ffmpeg ({e}); install it (make test does)"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ffmpeg failed for {}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_playable_file_and_reports_ffmpeg_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.mp4");
        Clip::sized(160, 90, 1).make(&path).unwrap();
        let head = std::fs::read(&path).unwrap();
        assert_eq!(&head[4..8], b"ftyp", "an MP4 file");
        let bad = Clip {
            extra: &["-no-such-option"],
            ..Clip::default()
        };
        let err = bad.make(&dir.path().join("x.mp4")).unwrap_err();
        assert!(err.contains("ffmpeg failed"), "{err}");
    }
}
