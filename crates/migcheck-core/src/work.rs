//! A count of the work a run does, for the tests that keep growth linear without timing it.
//!
//! "Ten times the input takes about ten times as long" was asserted on wall-clock time, and a
//! busy machine failed it. What those tests now compare is this count: the steps of the code
//! that was once quadratic, counted where it iterates:
//!
//! - bytes handed to sqlparser to parse ([`crate::parse::parse_one`]: first parses and trees
//!   parsed again) and to tokenize ([`crate::fallback::tokens`]);
//! - statements visited: by the engine, once per statement; by the per-file indexes the rules
//!   ask about earlier and later statements (`rules/mentions.rs`: each answer counts the
//!   statements it gives, plus one), and by the per-set scans of the rules;
//! - entries compared in the schema model's short column lists and the lock rules' table lists;
//! - bytes scanned to turn an offset into a line and column ([`crate::source::LineIndex`]), and
//!   bytes of source handed to the human renderer per finding;
//! - findings rendered.
//!
//! A quadratic regression shows as a count that grows a hundredfold for ten times the input.
//! The count only sees the steps it is told about: code that asks about the rest of a file,
//! or looks something up by a scan, calls [`add`] for the steps it takes. The `migcheck`
//! binary also counts its allocations (a scan that allocates per step shows there even
//! uncounted) and prints both when `MIGCHECK_WORK_STATS=1` (see `docs/performance.md`).
//!
//! Counting is off unless [`enable`] was called: [`add`] is then one relaxed load of a flag no
//! one writes, so a normal run (and the language server, and library users) pays nothing
//! visible. When on, it is one relaxed atomic add per counted step.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

static ON: AtomicBool = AtomicBool::new(false);
static TOTAL: AtomicU64 = AtomicU64::new(0);

/// Starts counting (for the rest of the process).
pub fn enable() {
    ON.store(true, Relaxed);
}

/// True when counting is on.
#[inline]
pub fn enabled() -> bool {
    ON.load(Relaxed)
}

/// Adds `n` to `counter` when counting is on.
#[inline]
fn count(counter: &AtomicU64, n: usize) {
    if ON.load(Relaxed) {
        counter.fetch_add(n as u64, Relaxed);
    }
}

/// Counts `steps` steps of work, when counting is on.
#[inline]
pub fn add(steps: usize) {
    count(&TOTAL, steps);
}

/// The steps counted so far (0 when counting is off).
pub fn total() -> u64 {
    TOTAL.load(Relaxed)
}

static TREE_BYTES: AtomicU64 = AtomicU64::new(0);

/// Counts `bytes` of a syntax tree read back from a statement's stored bytes (after a parse or
/// from the parse cache: [`crate::parse::Statement::tree`]), when counting is on. Kept apart from [`total`]: a tree
/// read back is not a parse, and the tests that prove a warm run parses nothing compare steps.
#[inline]
pub fn add_tree_bytes(bytes: usize) {
    count(&TREE_BYTES, bytes);
}

/// The bytes of stored trees read back so far (0 when counting is off).
pub fn tree_bytes() -> u64 {
    TREE_BYTES.load(Relaxed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_only_when_enabled() {
        // The only test of this crate that enables counting: the flag is process-wide, and
        // once it is on the tests running beside this one count too (hence `>=`).
        let before = super::total();
        super::add(5);
        assert_eq!(super::total(), before);
        super::enable();
        super::add(5);
        assert!(super::total() >= before + 5);
    }
}
