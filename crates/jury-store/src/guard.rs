//! Third-party parsers can panic on hostile files (calamine multiplies a cell reference like
//! `ZZZZZZZZ1` into an overflow). Such a panic is caught here and becomes an error the caller
//! reports in one line; its message is kept off the terminal.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while [`contain`] runs on this thread: the panic hook stays silent.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; a panic inside it comes back as `Err(message)` instead of unwinding further.
/// Only for code that owns no shared state a panic could leave half-changed (parsers reading
/// a file into fresh values).
pub fn contain<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unexpected failure".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_values_pass_through() {
        assert_eq!(contain(|| 41 + 1), Ok(42));
        let n: u32 = std::hint::black_box(u32::MAX);
        let err = contain(|| {
            if n == u32::MAX {
                panic!("cell reference {n} is too large");
            }
            n
        })
        .unwrap_err();
        assert!(err.contains("too large"), "{err}");
        // Nested use keeps the outer one quiet.
        assert_eq!(contain(|| contain(|| 1).unwrap()), Ok(1));
    }
}
