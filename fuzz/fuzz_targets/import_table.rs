//! The CSV/TSV/XLSX/XLS reader on arbitrary bytes: it must return a table or an error,
//! never panic, whatever the encoding or workbook structure.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jury_testkit::fuzz_import_table(data);
});
