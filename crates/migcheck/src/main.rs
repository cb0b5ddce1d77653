//! The `migcheck` binary: parse arguments, call the libraries, map results to exit codes.
//!
//! Exit codes: 0 clean, 1 findings of error severity (or warnings with `--deny-warnings`, or a
//! failed verify check), 2 usage errors and inputs that could not be checked.

use std::alloc::{GlobalAlloc, Layout};
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use clap::Parser;
use migcheck_core::render;
use migcheck_core::rules;

/// mimalloc instead of the system allocator: measured in docs/performance.md.
#[global_allocator]
static GLOBAL: Counted = Counted(mimalloc::MiMalloc);

/// Whether allocations are counted (`MIGCHECK_WORK_STATS=1`), and how many there were.
static COUNT_ALLOCATIONS: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The allocator, counting allocations and reallocations when `MIGCHECK_WORK_STATS=1` (the
/// tests of linear growth compare counts: `migcheck_core::work`). Off, it costs one relaxed
/// load of a flag no one writes per allocation.
struct Counted(mimalloc::MiMalloc);

// SAFETY: every call is handed unchanged to mimalloc's allocator; the count is a side effect.
unsafe impl GlobalAlloc for Counted {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: the caller's guarantees, passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: as above.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        // SAFETY: as above.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

/// mimalloc's option `mi_option_purge_delay`: its place in `mi_option_e` (mimalloc.h, version
/// 3), which the `libmimalloc-sys` crate names no constant for.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps memory freed before it hands it back to the system, in
/// milliseconds (mimalloc 2's default). Its version 3 default, a second, is longer than a check
/// of the whole corpus takes: every set's texts and trees, freed once the set was checked,
/// stayed resident to the end. Measured with `farm-bench` (issue 33, docs/performance.md,
/// session 19): on `../shared/corpus`, 0 ms saved 3.9 MiB of peak and cost 12% of the wall time
/// (a purge for every freed page), 10 ms saves 2.7 MiB for about 1%; on the bench's generated
/// set of 2,000 small files, 10 ms saves 1.7–2.2 MiB for 6–9%.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Sets mimalloc's purge delay to [`PURGE_DELAY_MS`], unless `MIMALLOC_PURGE_DELAY` in the
/// environment says otherwise (mimalloc reads it, and a user's choice stands).
fn purge_freed_memory_soon() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: sets one of mimalloc's options, an integer it reads when it next purges; the
    // index is checked against mimalloc's own default in the tests below.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

#[inline]
fn count_allocation() {
    if COUNT_ALLOCATIONS.load(Relaxed) {
        ALLOCATIONS.fetch_add(1, Relaxed);
    }
}

mod check;
mod cli;
mod cmd_replay;
mod cmd_verify;
mod fix;
mod generate;
mod git;
mod impact;
mod init;
mod lsp;
mod lsp_transport;

use cli::{Cli, Command, RulesFormat};

/// Exit code for "no findings".
const CLEAN: u8 = 0;
/// Exit code for findings.
const FINDINGS: u8 = 1;
/// Exit code for usage errors and unreadable input.
const TROUBLE: u8 = 2;

fn main() -> ExitCode {
    purge_freed_memory_soon();
    // A developer aid (docs/performance.md): the work a run did, counted, on stderr at exit.
    let stats = std::env::var_os("MIGCHECK_WORK_STATS").is_some_and(|v| v == "1");
    if stats {
        migcheck_core::work::enable();
        COUNT_ALLOCATIONS.store(true, Relaxed);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { TROUBLE } else { CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = run(cli);
    if stats {
        eprintln!(
            "work: {} steps, {} allocations, {} bytes of stored trees read",
            migcheck_core::work::total(),
            ALLOCATIONS.load(Relaxed),
            migcheck_core::work::tree_bytes()
        );
    }
    ExitCode::from(code)
}

/// Writes to stdout; a closed pipe (`migcheck ... | head`) ends quietly.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => list_rules(args.format),
        Command::Verify(args) => cmd_verify::run(args),
        Command::Replay(args) => cmd_replay::run(args),
        Command::Stats(args) => impact::stats(args),
        Command::Explain { rule } => match rules::by_id(&rule) {
            Some(r) => {
                emit(r.meta().doc);
                CLEAN
            }
            None => {
                eprintln!("error: unknown rule `{rule}`; `migcheck rules` lists them");
                TROUBLE
            }
        },
        Command::Init(args) => init::run(&args.dir),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man => generate::man(),
        Command::Lsp(cache) => lsp::run(cache.open()),
    }
}

fn list_rules(format: RulesFormat) -> u8 {
    match format {
        RulesFormat::Json => {
            let rows: Vec<_> = rules::ALL
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "id": m.id,
                        "severity": m.severity,
                        "category": m.category,
                        "summary": m.summary,
                        "url": render::rule_url(m.id),
                    })
                })
                .collect();
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&rows).expect("rules serialize")
            ));
        }
        RulesFormat::Human => {
            let mut s = format!(
                "{:<30} {:<8} {:<13} SUMMARY\n",
                "ID", "SEVERITY", "CATEGORY"
            );
            for r in rules::ALL {
                let m = r.meta();
                s.push_str(&format!(
                    "{:<30} {:<8} {:<13} {}\n",
                    m.id,
                    m.severity.as_str(),
                    m.category.as_str(),
                    m.summary
                ));
            }
            emit(&s);
        }
    }
    CLEAN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_mimallocs_purge_delay() {
        // SAFETY: reads an option.
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // mimalloc 3 purges a second after a free by default (`purge_delay`, src/options.c): an
        // index that named another option would read another default.
        assert_eq!(std::env::var_os("MIMALLOC_PURGE_DELAY"), None);
        assert_eq!(get(), 1000);
        purge_freed_memory_soon();
        assert_eq!(get(), PURGE_DELAY_MS);
    }
}
