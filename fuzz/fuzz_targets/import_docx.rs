//! The Word (.docx) form reader on arbitrary bytes: damaged zips, hostile document XML and
//! odd tables (spans, merges) must give tables or one error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jury_testkit::fuzz_import_docx(data);
});
