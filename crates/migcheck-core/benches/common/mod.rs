//! What the benches share: finding the release binary and timing a process.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The release binary: `MIGCHECK_BIN`, else `target/release/migcheck` (honouring
/// `CARGO_TARGET_DIR`).
pub fn migcheck_bin() -> Option<PathBuf> {
    let bin = match std::env::var_os("MIGCHECK_BIN") {
        Some(p) => PathBuf::from(p),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
            .join("release/migcheck"),
    };
    bin.exists().then_some(bin)
}

/// Wall time of a run, its output thrown away.
#[allow(dead_code)] // not every bench times this way
pub fn run_quiet(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let _ = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status();
    t.elapsed()
}

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}
