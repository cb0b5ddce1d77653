//! The files a branch changed, for `check --changed-since`: git runs as a subprocess, from the
//! current directory.
//!
//! Changed means added, copied, modified or renamed between the merge base of the ref and HEAD
//! and the working tree (so staged and unstaged edits count), plus untracked files that are not
//! ignored: a new migration not yet `git add`ed is exactly what a developer wants checked.
//! Deleted files are not linted; a deleted migration is a problem rules see from the set.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git in `dir`; stdout on success, a one-line reason otherwise.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string())
    }
}

fn nul_separated(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
}

/// Files changed since the merge base of `reference` and HEAD (canonical paths), and the
/// subset that is new there (added, or not tracked yet).
pub struct Changes {
    pub changed: HashSet<PathBuf>,
    pub added: HashSet<PathBuf>,
}

/// What changed since the merge base of `reference` and HEAD.
pub fn changed_files(reference: &str) -> Result<Changes, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let top = git(&cwd, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("not inside a git repository ({e})"))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let commit = format!("{reference}^{{commit}}");
    if git(&top, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        return Err(format!(
            "unknown git ref `{reference}` (in CI, fetch it first, e.g. `git fetch origin main`)"
        ));
    }
    let base = git(&top, &["merge-base", reference, "HEAD"]).map_err(|_| {
        format!(
            "`{reference}` and HEAD have no common ancestor here; in a shallow clone fetch more \
             history (actions/checkout with `fetch-depth: 0`)"
        )
    })?;
    let base = String::from_utf8_lossy(&base).trim().to_string();
    let diff = git(
        &top,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=ACMR",
            &base,
            "--",
        ],
    )?;
    let added = git(
        &top,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=A",
            &base,
            "--",
        ],
    )?;
    let untracked = git(&top, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    let resolve = |p: String| {
        let p = top.join(p);
        p.is_file().then(|| std::fs::canonicalize(&p).unwrap_or(p))
    };
    Ok(Changes {
        changed: nul_separated(&diff)
            .chain(nul_separated(&untracked))
            .filter_map(resolve)
            .collect(),
        added: nul_separated(&added)
            .chain(nul_separated(&untracked))
            .filter_map(resolve)
            .collect(),
    })
}
