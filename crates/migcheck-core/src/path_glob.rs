//! Globs in the paths given to `migcheck check` (`'supabase/migrations/2024*.sql'`), expanded
//! by migcheck when the shell did not: quoted, on Windows, or from a tool that passes
//! arguments without a shell.
//!
//! The syntax is globset's (ripgrep's crate, which `include` and `exclude` in migcheck.toml
//! use too): `*` and `?` stay within one path component, `**` crosses folders, `[abc]` and
//! `{a,b}` as usual. The folders before the first component with glob syntax are walked as
//! discovery walks (what git ignores is skipped unless `--no-ignore`, and so are `target`,
//! `node_modules` and hidden folders below the start); every file and folder whose path
//! matches is named on the command line, as if typed.

use std::path::{Path, PathBuf};

use globset::GlobBuilder;

/// True when `arg` holds glob syntax: `*`, `?`, `[` or `{`.
pub fn is_glob(arg: &str) -> bool {
    arg.contains(['*', '?', '[', '{'])
}

/// The files and folders matching `pattern`, sorted; an empty list when none does. An invalid
/// pattern is an error saying why.
pub fn expand(pattern: &str, no_ignore: bool) -> Result<Vec<PathBuf>, String> {
    let matcher = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob `{pattern}`: {e}"))?
        .compile_matcher();
    let parts: Vec<&str> = pattern.split('/').collect();
    let literal = parts.iter().take_while(|c| !is_glob(c)).count();
    let base = match &parts[..literal] {
        [] => ".".to_string(),
        [""] => "/".to_string(),
        lead => lead.join("/"),
    };
    // Without `**`, nothing deeper than the pattern's own components can match.
    let depth = (!pattern.contains("**")).then_some(parts.len() - literal);
    let relative_to_here = literal == 0 && !pattern.starts_with("./");
    let walker = ignore::WalkBuilder::new(&base)
        .follow_links(true)
        .standard_filters(!no_ignore)
        .hidden(false)
        .require_git(false)
        .max_depth(depth)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && crate::discover::skipped_dir(&e.file_name().to_string_lossy()))
        })
        .build();
    let mut found = Vec::new();
    // A folder that cannot be read is not an error here: discovery reports what it is given.
    for entry in walker.flatten() {
        let path = entry.path();
        let path = if relative_to_here {
            path.strip_prefix("./").unwrap_or(path)
        } else {
            path
        };
        if path != Path::new(".") && matcher.is_match(path) {
            found.push(path.to_path_buf());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, files: &[&str]) {
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
    }

    #[test]
    fn star_stays_in_its_folder_and_double_star_crosses() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(
            root,
            &[
                "m/001_a.sql",
                "m/002_b.sql",
                "m/notes.txt",
                "m/sub/003_c.sql",
            ],
        );
        let base = root.to_string_lossy().replace('\\', "/");
        let names = |pattern: &str| -> Vec<String> {
            expand(&format!("{base}/{pattern}"), false)
                .unwrap()
                .iter()
                .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names("m/*.sql"), ["m/001_a.sql", "m/002_b.sql"]);
        assert_eq!(
            names("m/**/*.sql"),
            ["m/001_a.sql", "m/002_b.sql", "m/sub/003_c.sql"]
        );
        assert_eq!(names("m/00[2-3]_*.sql"), ["m/002_b.sql"]);
        assert!(names("m/*.psql").is_empty());
        assert!(expand("m/[", false).is_err());
    }

    #[test]
    fn what_looks_like_a_glob() {
        assert!(is_glob("db/*.sql") && is_glob("db/00?.sql") && is_glob("{a,b}.sql"));
        assert!(!is_glob("db/001_init.sql"));
    }
}
