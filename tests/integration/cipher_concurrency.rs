//! SQLCipher keyed from many threads at once: every open must succeed. A CI run once failed
//! with "An error occurred with PRAGMA key or rekey" while test threads created masters and
//! ballots in parallel; this drives the same path much harder than the test suite does.

use jury_store::cipher::{open_encrypted, OpenMode};
use jury_store::BallotKey;

const THREADS: usize = 8;
const ROUNDS: usize = 25;

#[test]
fn parallel_creates_and_reopens_never_fail_to_key() {
    let dir = tempfile::tempdir().unwrap();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let dir = dir.path();
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for round in 0..ROUNDS {
                        // Card keys are raw (no KDF); each thread's first file uses a passphrase.
                        let key = if round == 0 {
                            BallotKey::parse("a passphrase for the stress test").unwrap()
                        } else {
                            BallotKey::generate()
                        };
                        let path = dir.join(format!("t{t}-{round}.db"));
                        let created =
                            open_encrypted(&path, &key, OpenMode::Create).and_then(|conn| {
                                conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (7);")
                                    .map_err(jury_store::cipher::sqlite_err(&path))
                            });
                        if let Err(e) = created {
                            failures.push(format!("create {}: {e}", path.display()));
                            continue;
                        }
                        match open_encrypted(&path, &key, OpenMode::ReadOnly) {
                            Ok(conn) => {
                                let x: i64 =
                                    conn.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
                                assert_eq!(x, 7);
                            }
                            Err(e) => failures.push(format!("reopen {}: {e}", path.display())),
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} opens failed:\n{}",
        failures.len(),
        THREADS * ROUNDS * 2,
        failures.join("\n")
    );
}
