//! Shell script files that a deploy entry point runs (`CMD ["sh", "start.sh"]`,
//! `release: ./bin/release`, `"start": "./scripts/start.sh"`): read from the repository when
//! they are there, so `Dockerfile CMD → start.sh → npx prisma migrate deploy` is one chain.
//!
//! A file is read only when it is in the repository, at most [`MAX_BYTES`] long and UTF-8; a file
//! without a `.sh` name must start with a `#!` line naming a shell. Files run by files are
//! followed [`MAX_DEPTH`] deep, each file once per chain.

use std::path::{Path, PathBuf};

use super::shell::{self, Item, ScriptNames};

/// How deep script files running script files are followed.
const MAX_DEPTH: usize = 4;
/// Longest script file read.
const MAX_BYTES: u64 = 512 * 1024;
/// How many folders above a deploy file may be its build context (a Dockerfile in `docker/`
/// built from the repository root).
pub(crate) const MAX_CONTEXT_UP: usize = 4;

/// The folders a path in `file`'s commands may be relative to: the file's own folder, then its
/// parents up to the repository root (the folder holding `.git`), at most [`MAX_CONTEXT_UP`]
/// above.
pub(crate) fn context_dirs(file: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dir = file.parent();
    for _ in 0..=MAX_CONTEXT_UP {
        let Some(d) = dir else { break };
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        out.push(d.to_path_buf());
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    out
}

/// The files `path` (as written in a command) may be: relative to each of `dirs`.
pub(crate) fn relative_candidates(path: &str, dirs: &[PathBuf]) -> Vec<PathBuf> {
    if path.starts_with('/') || path.contains('$') || path.is_empty() {
        return Vec::new();
    }
    let rel = path.strip_prefix("./").unwrap_or(path);
    dirs.iter().map(|d| d.join(rel)).collect()
}

/// A script file's text, when it is one this module reads.
fn read_script(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let text = crate::fsio::read_to_string(path).ok()?;
    let named_sh = path.extension().is_some_and(|e| e == "sh" || e == "bash");
    let first = text.lines().next().unwrap_or("");
    let shebang = first.starts_with("#!")
        && ["sh", "bash", "dash", "ash", "zsh"]
            .iter()
            .any(|s| first.split(['/', ' ']).any(|w| w == *s));
    (named_sh || shebang).then_some(text)
}

/// Replaces every [`Item::ShellFile`] of `items` with what the file runs (migration commands and
/// script calls, with the file in their `via`), found through `candidates`; files that are not
/// in the repository are dropped.
pub(crate) fn expand(
    items: Vec<Item>,
    candidates: &dyn Fn(&str) -> Vec<PathBuf>,
    names: Option<&ScriptNames>,
) -> Vec<Item> {
    let mut seen = Vec::new();
    expand_at(items, candidates, names, 0, &mut seen)
}

fn expand_at(
    items: Vec<Item>,
    candidates: &dyn Fn(&str) -> Vec<PathBuf>,
    names: Option<&ScriptNames>,
    depth: usize,
    seen: &mut Vec<PathBuf>,
) -> Vec<Item> {
    let mut out = Vec::new();
    for item in items {
        let Item::ShellFile {
            range,
            path,
            display,
        } = item
        else {
            out.push(item);
            continue;
        };
        if depth >= MAX_DEPTH {
            continue;
        }
        let Some((file, text)) = candidates(&path)
            .into_iter()
            .find_map(|c| read_script(&c).map(|t| (c, t)))
        else {
            continue;
        };
        let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        // A file the script runs by a relative path is looked for where the entry point's paths
        // are, and next to the script itself.
        let own_dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let nested = |p: &str| {
            let mut c = candidates(p);
            c.extend(relative_candidates(p, std::slice::from_ref(&own_dir)));
            c
        };
        let inner = shell::analyze(&text, names);
        let inner = expand_at(inner, &nested, names, depth + 1, seen);
        seen.pop();
        for it in inner {
            match it {
                Item::Migration {
                    command,
                    display: shown,
                    via,
                    ..
                } => out.push(Item::Migration {
                    range: range.clone(),
                    command,
                    display: shown,
                    via: std::iter::once(display.clone()).chain(via).collect(),
                }),
                Item::ScriptCall {
                    script,
                    hooks,
                    display: shown,
                    via,
                    ..
                } => out.push(Item::ScriptCall {
                    range: range.clone(),
                    script,
                    hooks,
                    display: shown,
                    via: std::iter::once(display.clone()).chain(via).collect(),
                }),
                Item::ShellFile { .. } => {}
            }
        }
    }
    out
}
