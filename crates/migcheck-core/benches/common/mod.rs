//! What the benches share: finding the release binary and timing a process.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

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

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// What one run of a process cost: wall time, CPU time (user + system) and peak resident memory,
/// as the kernel accounts them for the child (`wait4`'s rusage), its output thrown away.
#[allow(dead_code)] // not every bench measures this way
#[derive(Clone, Copy, Debug)]
pub struct Cost {
    pub wall: f64,
    pub cpu: f64,
    pub peak_mb: f64,
}

#[allow(dead_code)]
pub fn run_measured(cmd: &mut Command) -> Cost {
    let t = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the benchmarked command");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data the kernel fills; `pid` is our own child, reaped here once
    // (the `Child` is forgotten so that its drop does not wait on a reaped pid).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    std::mem::forget(child);
    let wall = t.elapsed().as_secs_f64();
    assert_eq!(r, pid, "wait4 on the benchmarked command");
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    Cost {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
    }
}
