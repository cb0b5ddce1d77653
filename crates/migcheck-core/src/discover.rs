//! Finding migration sets on disk and ordering each by version.
//!
//! Every `.sql` file belongs to exactly one set, keyed by its set directory: the directory that
//! holds it, or for one-folder-per-migration layouts (Prisma `<ts>_<name>/migration.sql`, diesel
//! `<ts>_<name>/up.sql`) the directory above. The tool that applies the set (see
//! [`crate::tool`]) decides how its files are named, which it applies, in what order, and
//! which are rollbacks; the project around it decides its platform (see [`crate::platform`]).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::platform::Platform;
pub use crate::tool::compare_versions;
use crate::tool::Tool;

/// What a file is to its tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Applied forward.
    Up,
    /// A rollback (down / undo): parsed, never reported as non-additive.
    Down,
    /// Flyway repeatable migration (`R__`): applied after the versioned ones.
    Repeatable,
    /// In a migrations folder, but the tool will not apply it (bad name).
    Unapplied,
}

#[derive(Debug, Clone)]
pub struct MigrationFile {
    pub path: PathBuf,
    /// Version as written (digits for most tools, `1.2` for Flyway).
    pub version: Option<String>,
    pub name: String,
    pub role: Role,
    /// Findings are reported for this file (false: loaded only as context).
    pub reported: bool,
    /// The file is added by the change under review (known only with `--changed-since`).
    pub is_new: bool,
}

#[derive(Debug, Clone)]
pub struct MigrationSet {
    /// The tool that applies the set.
    pub tool: &'static dyn Tool,
    pub dir: PathBuf,
    /// Files in the order the tool applies them; rollbacks and unapplied files at the end.
    pub files: Vec<MigrationFile>,
    /// The files are applied one after the other into one database (false: independent
    /// scripts, each judged on its own).
    pub ordered: bool,
    /// What serves the database: which schemas clients reach.
    pub platform: Platform,
}

impl MigrationSet {
    /// How the set's tool runs `file` (whose text is `text`).
    pub fn wrapping(&self, file: &MigrationFile, text: &str) -> crate::tool::Wrapping {
        self.tool.wrapping(file, text)
    }
}

/// What discovery found under the given paths.
#[derive(Debug, Default)]
pub struct Discovery {
    pub sets: Vec<MigrationSet>,
    /// Deployment files (fly.toml, package.json, ...), reported.
    pub deploy_files: Vec<PathBuf>,
    /// Paths that do not exist or cannot be walked.
    pub missing: Vec<(PathBuf, String)>,
}

/// Directories never walked into.
fn skipped_dir(name: &str) -> bool {
    matches!(name, "target" | "node_modules" | ".git")
        || (name.starts_with('.') && name != ".github" && name != "." && name != "..")
}

/// Discovers the migration sets and deploy files under `paths`. A named file is reported and
/// its whole set is loaded as context; a named directory is reported whole.
pub fn discover(paths: &[PathBuf], is_deploy_file: &dyn Fn(&Path) -> bool) -> Discovery {
    let mut d = Discovery::default();
    // set dir → (all files of the set, reported files)
    let mut groups: BTreeMap<PathBuf, (HashSet<PathBuf>, HashSet<PathBuf>)> = BTreeMap::new();
    let mut deploy = HashSet::new();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                d.missing.push((p.clone(), e.to_string()));
                continue;
            }
        };
        if meta.is_file() {
            if is_sql(p) {
                let dir = set_dir(p);
                // The rest of the set is context; read the directory once per set, however
                // many of its files were named (pre-commit passes them one by one).
                if !groups.contains_key(&dir) {
                    let members = set_members(&dir).into_iter().collect();
                    groups.insert(dir.clone(), (members, HashSet::new()));
                }
                let g = groups.get_mut(&dir).expect("inserted above");
                g.1.insert(p.clone());
                g.0.insert(p.clone());
            } else if is_deploy_file(p) {
                deploy.insert(p.clone());
            } else {
                d.missing.push((
                    p.clone(),
                    "not a .sql migration or a deployment file migcheck reads".into(),
                ));
            }
            continue;
        }
        let walker = WalkDir::new(p)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_dir() && skipped_dir(&e.file_name().to_string_lossy()))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                    d.missing.push((path, e.to_string()));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.into_path();
            if is_sql(&path) {
                let g = groups.entry(set_dir(&path)).or_default();
                g.0.insert(path.clone());
                g.1.insert(path);
            } else if is_deploy_file(&path) {
                deploy.insert(path);
            }
        }
    }
    for (dir, (all, reported)) in groups {
        d.sets.push(build_set(dir, all, &reported));
    }
    let mut deploy: Vec<_> = deploy.into_iter().collect();
    deploy.sort();
    d.deploy_files = deploy;
    d
}

/// Discovery over files that need not exist on disk (the in-memory [`crate::lint::check_sources`]):
/// every named `.sql` file is reported, grouped into sets by its path as [`discover`] would; no
/// directory is read, so a set holds exactly the files named.
pub fn discover_named(paths: &[PathBuf], is_deploy_file: &dyn Fn(&Path) -> bool) -> Discovery {
    let mut d = Discovery::default();
    let mut groups: BTreeMap<PathBuf, HashSet<PathBuf>> = BTreeMap::new();
    for p in paths {
        if is_sql(p) {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let parent = p.parent().unwrap_or(Path::new("."));
            let dir = match parent.parent() {
                Some(gp) if is_folder_migration(&name) => gp.to_path_buf(),
                _ => parent.to_path_buf(),
            };
            groups.entry(dir).or_default().insert(p.clone());
        } else if is_deploy_file(p) {
            d.deploy_files.push(p.clone());
        } else {
            d.missing.push((
                p.clone(),
                "not a .sql migration or a deployment file migcheck reads".into(),
            ));
        }
    }
    for (dir, all) in groups {
        let reported = all.clone();
        d.sets.push(build_set(dir, all, &reported));
    }
    d.deploy_files.sort();
    d.deploy_files.dedup();
    d
}

fn is_sql(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql"))
}

/// Names of files that live in a folder of their own per migration.
fn is_folder_migration(name: &str) -> bool {
    matches!(name, "migration.sql" | "up.sql" | "down.sql")
}

fn set_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Another .sql file inside a one-folder-per-migration folder belongs to that set too (and
    // is reported as a file its tool never applies).
    let in_migration_folder = is_folder_migration(&name)
        || ["migration.sql", "up.sql"]
            .iter()
            .any(|n| parent.join(n).is_file());
    if in_migration_folder {
        if let Some(gp) = parent.parent() {
            return gp.to_path_buf();
        }
    }
    parent.to_path_buf()
}

/// Every `.sql` file of the set rooted at `dir` (for context when single files are named).
fn set_members(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_file() && is_sql(&p) {
            out.push(p);
        } else if p.is_dir() {
            for n in ["migration.sql", "up.sql", "down.sql"] {
                let f = p.join(n);
                if f.is_file() {
                    out.push(f);
                }
            }
        }
    }
    out
}

fn build_set(dir: PathBuf, all: HashSet<PathBuf>, reported: &HashSet<PathBuf>) -> MigrationSet {
    let mut files: Vec<PathBuf> = all.into_iter().collect();
    files.sort();
    let tool = crate::tool::detect(&dir, &files);
    let mut out: Vec<MigrationFile> = files
        .into_iter()
        .map(|path| {
            let (version, name, role) = tool.classify(&path);
            MigrationFile {
                reported: reported.contains(&path),
                is_new: false,
                path,
                version,
                name,
                role,
            }
        })
        .collect();
    let listed = tool.file_set(&dir, &mut out);
    let rank = |r: Role| match r {
        Role::Up => 0,
        Role::Repeatable => 1,
        Role::Down => 2,
        Role::Unapplied => 3,
    };
    // Position in the tool's own list (Drizzle's journal), when it keeps one.
    let listed_at: Vec<usize> = match &listed {
        Some(order) => {
            let mut at = vec![usize::MAX; out.len()];
            for (k, &i) in order.iter().enumerate() {
                at[i] = k;
            }
            at
        }
        None => vec![0; out.len()],
    };
    let mut keyed: Vec<(usize, MigrationFile)> = listed_at.into_iter().zip(out).collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        rank(a.role)
            .cmp(&rank(b.role))
            .then_with(|| ka.cmp(kb))
            .then_with(|| {
                if a.version.is_some() && b.version.is_some() {
                    tool.order(a, b)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| a.path.cmp(&b.path))
    });
    let files: Vec<MigrationFile> = keyed.into_iter().map(|(_, f)| f).collect();
    MigrationSet {
        tool,
        ordered: tool.is_ordered(&files),
        platform: crate::platform::detect(&dir),
        dir,
        files,
    }
}

#[cfg(test)]
mod tests {
    use super::compare_versions;
    use std::cmp::Ordering::*;

    #[test]
    fn prisma_folder_versions_sort_by_their_timestamp() {
        assert_eq!(
            compare_versions(
                "20250822135300_add_dashboard_filters",
                "20260821121500_backfill_x"
            ),
            Less
        );
        assert_eq!(compare_versions("1.10", "1.9"), Greater);
    }
}
