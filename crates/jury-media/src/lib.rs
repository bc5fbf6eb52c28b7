//! Media: playback through libmpv ([`player`]), technical compliance checks against a
//! contest's media rules ([`probe`]), and file identity (SHA-256) and lookup ([`hash`]).
//!
//! Every libmpv call of jury lives in this module; libmpv itself is loaded at run time
//! ([`libmpv`]), so jury starts and scores on a machine without it. Nothing here knows about the terminal: the
//! TUI drives a [`Player`] through a few non-blocking commands and reads [`PlayerEvent`]s.
//! Without the default cargo feature `mpv`, the same API exists but [`Player::new`] and
//! [`probe::probe`] report that playback is unavailable.

pub mod hash;
#[cfg(feature = "mpv")]
pub mod libmpv;
pub mod player;
pub mod probe;
pub mod testclip;

pub use hash::{check_media, locate, sha256_file, MediaCheck};
pub use player::{Player, PlayerConfig, PlayerError, PlayerEvent, VideoOutput};
pub use probe::{
    assess, assess_many, check, probe, probe_with_timeout, Assessment, ProbeError, ProbeInfo,
    Violation,
};

/// `m:ss` (or `h:mm:ss`) of whole seconds, the way the calls for entries write durations.
pub use jury_core::text::{format_clock, round_seconds};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_formats_minutes_and_hours() {
        assert_eq!(format_clock(0), "0:00");
        assert_eq!(format_clock(312), "5:12");
        assert_eq!(format_clock(3600 + 62), "1:01:02");
        assert_eq!(round_seconds(239_499), 239);
        assert_eq!(round_seconds(239_500), 240);
    }
}
