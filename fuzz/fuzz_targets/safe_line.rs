//! The one terminal sanitiser (`jury_core::text::safe_line`, `safe_text`) on arbitrary
//! bytes: file names, form cells, ballot comments and mpv metadata all reach the terminal
//! through it, so no input may come out able to move the cursor, recolour, retitle or
//! reorder a line, and safe text must come out as it went in.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jury_testkit::fuzz_safe_line(data);
});
