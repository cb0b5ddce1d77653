//! `migcheck check --fix` and `--diff`: apply the fixes findings carry, in passes.
//!
//! Each pass checks the paths (with the files fixed so far held in memory), applies every fix
//! of an eligible file whose edits overlap no other fix applied in that pass, and checks again:
//! a fix skipped for an overlap gets its turn in the next pass, against the new text. At most
//! [`MAX_PASSES`] passes; what still carries a fix after them is reported, not applied.
//!
//! Eligible files are those no database can have applied yet: files new since
//! `--changed-since`, or files named on the command line; every file with `--fix-applied`.
//! Changing an applied migration changes the checksum Prisma, sqlx and Flyway verify.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use migcheck_core::lint::{self, CheckOptions, Report};
use migcheck_core::{Severity, SourceFile};

const MAX_PASSES: usize = 5;

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Which files fixes may change.
pub(crate) struct Eligible {
    pub any: bool,
    pub files: HashSet<PathBuf>,
}

impl Eligible {
    pub fn new(paths: &[PathBuf], opts: &CheckOptions, fix_applied: bool) -> Self {
        let mut files: HashSet<PathBuf> = paths
            .iter()
            .filter(|p| p.is_file())
            .map(|p| canonical(p))
            .collect();
        if let Some(added) = &opts.added {
            files.extend(added.iter().cloned());
        }
        Self {
            any: fix_applied,
            files,
        }
    }

    fn allows(&self, path: &Path) -> bool {
        self.any || self.files.contains(&canonical(path))
    }
}

/// A file the fixes changed.
pub(crate) struct Changed {
    /// The path the check read it by (a symbolic link stays a link).
    pub path: PathBuf,
    pub display: String,
    pub before: String,
    pub after: String,
}

pub(crate) struct Outcome {
    /// The check of the fixed text.
    pub report: Report,
    /// Canonical path → the file before and after.
    pub changed: BTreeMap<PathBuf, Changed>,
    /// Fixes applied, over all passes.
    pub applied: usize,
    /// Findings of the final check that still carry a fix, with why it was not applied.
    pub left: Vec<String>,
}

/// Error-severity findings per (canonical file, rule): what makes a migration fail.
fn errors_by_file(report: &Report) -> HashMap<(PathBuf, &'static str), usize> {
    let mut out = HashMap::new();
    for m in report.findings.metas() {
        if m.severity == Severity::Error {
            *out.entry((canonical(&m.file.path), m.rule)).or_default() += 1;
        }
    }
    out
}

pub(crate) fn fix(paths: &[PathBuf], opts: &CheckOptions, eligible: &Eligible) -> Outcome {
    let mut overlay: HashMap<PathBuf, String> = HashMap::new();
    let mut changed: BTreeMap<PathBuf, Changed> = BTreeMap::new();
    let mut applied = 0;
    // Fixes taken back because they made their file fail: (canonical file, fix title).
    let mut refused: HashSet<(PathBuf, String)> = HashSet::new();
    let mut notes: Vec<String> = Vec::new();
    let mut report = lint::check_overlay(paths, opts, &overlay);
    for _ in 0..MAX_PASSES {
        let findings = report.findings.to_vec();
        let mut by_file: BTreeMap<PathBuf, (&Arc<SourceFile>, Vec<&migcheck_core::fix::Fix>)> =
            BTreeMap::new();
        for f in &findings {
            let Some(fix) = &f.fix else { continue };
            if !eligible.allows(&f.file.path) {
                continue;
            }
            if refused.contains(&(canonical(&f.file.path), fix.title.clone())) {
                continue;
            }
            by_file
                .entry(canonical(&f.file.path))
                .or_insert((&f.file, Vec::new()))
                .1
                .push(fix);
        }
        let mut any = false;
        let errors_before = errors_by_file(&report);
        // This pass's changes: file → (its text before the pass, the fixes applied).
        let mut pass: BTreeMap<PathBuf, (String, String, Vec<String>)> = BTreeMap::new();
        for (path, (file, fixes)) in by_file {
            let out = migcheck_core::fix::apply(&file.text, &fixes);
            if out.applied.is_empty() || out.text == file.text {
                continue;
            }
            applied += out.applied.len();
            any = true;
            let titles = out
                .applied
                .iter()
                .map(|&i| fixes[i].title.clone())
                .collect();
            pass.insert(
                path.clone(),
                (file.display.clone(), file.text.clone(), titles),
            );
            changed
                .entry(path.clone())
                .or_insert_with(|| Changed {
                    path: file.path.clone(),
                    display: file.display.clone(),
                    before: file.text.clone(),
                    after: String::new(),
                })
                .after = out.text.clone();
            overlay.insert(path, out.text);
        }
        if !any {
            break;
        }
        report = lint::check_overlay(paths, opts, &overlay);
        // A fix must never make a file fail: a file with more error findings of a rule than
        // before the pass (a `set` above a leading `CREATE INDEX CONCURRENTLY` in a pipeline
        // file: `concurrently-in-transaction`) gets its text back, and those fixes are not
        // offered again.
        let errors_after = errors_by_file(&report);
        let mut taken_back = false;
        for (path, (display, text, titles)) in pass {
            let mut worse: Vec<&str> = errors_after
                .iter()
                .filter(|(key, n)| {
                    key.0 == path && **n > errors_before.get(*key).copied().unwrap_or(0)
                })
                .map(|((_, r), _)| *r)
                .collect();
            worse.sort_unstable();
            worse.dedup();
            if worse.is_empty() {
                continue;
            }
            taken_back = true;
            applied -= titles.len();
            let c = changed.get_mut(&path).expect("changed this pass");
            if c.before == text {
                changed.remove(&path);
                overlay.remove(&path);
            } else {
                c.after = text.clone();
                overlay.insert(path.clone(), text);
            }
            for t in titles {
                notes.push(format!(
                    "{display}: {t}: not applied: it would make the migration fail ({})",
                    worse.join(", ")
                ));
                refused.insert((path.clone(), t));
            }
        }
        if taken_back {
            report = lint::check_overlay(paths, opts, &overlay);
        }
    }
    let left = notes
        .into_iter()
        .chain(report.findings.iter().filter_map(|f| {
            let fix = f.fix.as_ref()?;
            if refused.contains(&(canonical(&f.file.path), fix.title.clone())) {
                return None;
            }
            let why = if eligible.allows(&f.file.path) {
                "it overlaps another fix or did not clear the finding"
            } else {
                "the file may be applied already: name it, use --changed-since, or pass --fix-applied"
            };
            Some(format!(
                "{}:{}: {} ({}): not applied: {why}",
                f.file.display,
                f.start().line,
                fix.title,
                f.rule
            ))
        }))
        .collect();
    Outcome {
        report,
        changed,
        applied,
        left,
    }
}

/// The changes as a unified diff (`a/` and `b/` prefixes, 3 lines of context).
pub(crate) fn diff(changed: &BTreeMap<PathBuf, Changed>) -> String {
    let mut out = String::new();
    for c in changed.values() {
        let d = similar::TextDiff::from_lines(&c.before, &c.after);
        let name = c.display.trim_start_matches('/');
        out.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string(),
        );
    }
    out
}

/// Writes the fixed files, each atomically ([`migcheck_core::fsio::replace`]): a temporary
/// file beside it, fsynced, renamed over it with its permissions, only when the file on disk
/// still holds the text the fixes were made from. A file that cannot be written (full disk,
/// changed since it was read, a symbolic link, not a regular file) is left untouched and named
/// in the errors; the other files are written. `path` is the canonical path (a link's target):
/// the file named by the user (`c.display`) is the one refused when it is a link.
pub(crate) fn write(changed: &BTreeMap<PathBuf, Changed>) -> Result<usize, Vec<String>> {
    let mut errors = Vec::new();
    let mut written = 0;
    for (path, c) in changed {
        let named = Path::new(&c.path);
        let target = if named.as_os_str().is_empty() {
            path.as_path()
        } else {
            named
        };
        match migcheck_core::fsio::replace(target, Some(c.before.as_bytes()), c.after.as_bytes()) {
            Ok(()) => written += 1,
            Err(e) => errors.push(format!("--fix did not write {}: {e}", c.display)),
        }
    }
    if errors.is_empty() {
        Ok(written)
    } else {
        Err(errors)
    }
}
