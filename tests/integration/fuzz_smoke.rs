//! The fuzz targets' bodies (fuzz/, run with `make fuzz`) as ordinary tests over random
//! inputs, so every `cargo test` runs them a little and they work without a nightly toolchain.

use jury_testkit::{fuzz_import_docx, fuzz_import_table, fuzz_safe_line, fuzz_verify};
use proptest::prelude::*;
use std::sync::OnceLock;

fn seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(jury_store::verify::fuzzing::plain_seed)
}

/// Iterations per target (JURY_FUZZ_CASES overrides, for longer runs without cargo-fuzz).
fn cases() -> u32 {
    std::env::var("JURY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn mutated_ballots_never_panic(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        fuzz_verify(seed(), &data);
    }

    #[test]
    fn arbitrary_tables_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        fuzz_import_table(&data);
    }

    #[test]
    fn csv_like_text_never_panics(text in "[序号作品名称,\"\\n\\r\\t a-z0-9，、]{0,300}", first in 0u8..2) {
        let mut data = vec![first];
        data.extend(text.as_bytes());
        fuzz_import_table(&data);
    }

    #[test]
    fn arbitrary_word_documents_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        fuzz_import_docx(&data);
    }

    #[test]
    fn table_like_word_documents_never_panic(text in "[序号作品名称创作单位联系人姓名电子邮箱|^+\\n a-z0-9，、《》]{0,300}", first in 1u8..3) {
        let mut data = vec![first];
        data.extend(text.as_bytes());
        fuzz_import_docx(&data);
    }

    #[test]
    fn the_sanitiser_lets_nothing_act_on_a_terminal(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        fuzz_safe_line(&data);
    }

    #[test]
    fn escape_heavy_text_is_sanitised(text in "[\\x00-\\x1f\\x7f-\\x9f\u{202a}-\u{202e}\u{2066}-\u{2069}\\\\\\[a-z作品 ]{0,200}") {
        fuzz_safe_line(text.as_bytes());
    }
}
