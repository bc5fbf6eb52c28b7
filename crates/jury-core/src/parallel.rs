//! One work queue over a few threads, with the results handed back on the calling thread in
//! input order. Probing videos and verifying returned ballots both read many independent
//! files; the caller then reports (progress bar) or writes (one master transaction at a time)
//! in a reproducible order while the next files are still being read.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// One thread per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `work` on every item on up to `jobs` threads and calls `each(index, result)` on the
/// calling thread in input order, each as soon as its turn is ready. A panic in `work`
/// reaches the caller once the other threads have finished (as with `std::thread::scope`).
pub fn for_each_in_order<T, R>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut each: impl FnMut(usize, R),
) where
    T: Sync,
    R: Send,
{
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Results arrive in any order; hand them out in input order.
        let mut waiting = BTreeMap::new();
        let mut turn = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&turn) {
                each(turn, result);
                turn += 1;
            }
        }
    });
}

/// [`for_each_in_order`] collected into a vector.
pub fn map_in_order<T, R>(items: &[T], jobs: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let mut out = Vec::with_capacity(items.len());
    for_each_in_order(items, jobs, work, |_, r| out.push(r));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn results_come_back_in_input_order_whatever_finishes_first() {
        // Early items take longest, so they finish last.
        let items: Vec<u64> = (0..12).collect();
        let mut seen = Vec::new();
        for_each_in_order(
            &items,
            4,
            |&i| {
                std::thread::sleep(Duration::from_millis(24 - 2 * i));
                i * 10
            },
            |index, r| seen.push((index, r)),
        );
        let expected: Vec<(usize, u64)> = (0..12).map(|i| (i as usize, i * 10)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn no_items_and_more_jobs_than_items_are_fine() {
        assert!(map_in_order(&[] as &[u8], 8, |&x| x).is_empty());
        assert_eq!(map_in_order(&[1, 2], 16, |&x| x + 1), vec![2, 3]);
        assert_eq!(
            map_in_order(&[5], 0, |&x| x),
            vec![5],
            "0 jobs still runs one"
        );
    }
}
