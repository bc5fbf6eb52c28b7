//! The hostile-ballot verifier on mutated ballots. Encrypted files would stop every mutation
//! at SQLCipher's page HMAC, so the fuzzer mutates a valid *plaintext* ballot (xor at chosen
//! offsets, optional truncation) and runs the same checks behind the same defensive open:
//! integrity check, exact schema, typed reads, chain replay. It must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(jury_store::verify::fuzzing::plain_seed)
}

fuzz_target!(|data: &[u8]| {
    jury_testkit::fuzz_verify(seed(), data);
});
