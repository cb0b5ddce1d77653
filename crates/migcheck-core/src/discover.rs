//! Finding migration sets on disk and ordering each by version.
//!
//! Every `.sql` file belongs to exactly one set, keyed by its set directory: the directory that
//! holds it, or for one-folder-per-migration layouts (Prisma `<ts>_<name>/migration.sql`, diesel
//! `<ts>_<name>/up.sql`) the directory above. The layout of the set decides how its files are
//! named, ordered, and which of them are rollbacks or never applied.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The tool a migration set belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetKind {
    Supabase,
    Prisma,
    Diesel,
    /// `<n>_<name>.up.sql` / `.down.sql` (golang-migrate, sqlx reversible).
    UpDown,
    Flyway,
    Dbmate,
    Drizzle,
    /// `<version>_<desc>.sql` (sqlx and others).
    Versioned,
    /// Any other `.sql` files: each is linted as a migration of its own.
    Plain,
}

impl SetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SetKind::Supabase => "supabase",
            SetKind::Prisma => "prisma",
            SetKind::Diesel => "diesel",
            SetKind::UpDown => "golang-migrate",
            SetKind::Flyway => "flyway",
            SetKind::Dbmate => "dbmate",
            SetKind::Drizzle => "drizzle",
            SetKind::Versioned => "sqlx",
            SetKind::Plain => "plain",
        }
    }

    /// Whether the tool runs each migration file inside a transaction by default.
    pub fn wraps_in_transaction(self) -> bool {
        match self {
            SetKind::Supabase
            | SetKind::Prisma
            | SetKind::Diesel
            | SetKind::Flyway
            | SetKind::Dbmate
            | SetKind::Drizzle
            | SetKind::Versioned => true,
            SetKind::UpDown | SetKind::Plain => false,
        }
    }

    /// Whether files of the set are replayed in order into one schema (plain files are not).
    pub fn is_ordered(self) -> bool {
        self != SetKind::Plain
    }
}

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
    pub kind: SetKind,
    pub dir: PathBuf,
    /// Files in the order the tool applies them; rollbacks and unapplied files at the end.
    pub files: Vec<MigrationFile>,
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

fn leading_digits(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| s.split_at(n))
}

fn detect_kind(dir: &Path, files: &[PathBuf]) -> SetKind {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let parent_name = dir
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    if dir_name == "migrations" && parent_name == "supabase" {
        return SetKind::Supabase;
    }
    if dir.join("migration_lock.toml").is_file() || names.iter().any(|n| n == "migration.sql") {
        return SetKind::Prisma;
    }
    if names.iter().any(|n| n == "up.sql") {
        return SetKind::Diesel;
    }
    if names.iter().any(|n| is_flyway_name(n)) {
        return SetKind::Flyway;
    }
    if names
        .iter()
        .any(|n| n.ends_with(".up.sql") || n.ends_with(".down.sql"))
    {
        return SetKind::UpDown;
    }
    if dir.join("meta").join("_journal.json").is_file() {
        return SetKind::Drizzle;
    }
    let versioned = names.iter().filter(|n| leading_digits(n).is_some()).count();
    if versioned == 0 {
        return SetKind::Plain;
    }
    if files.iter().any(|f| file_starts_with_dbmate(f)) {
        return SetKind::Dbmate;
    }
    SetKind::Versioned
}

fn is_flyway_name(n: &str) -> bool {
    let upper = n.to_ascii_uppercase();
    (upper.starts_with('V') || upper.starts_with('U'))
        && upper[1..].contains("__")
        && upper[1..].starts_with(|c: char| c.is_ascii_digit())
        || upper.starts_with("R__")
}

fn file_starts_with_dbmate(f: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 512];
    let n = std::fs::File::open(f)
        .and_then(|mut h| h.read(&mut buf))
        .unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).contains("-- migrate:up")
}

/// Splits a file (or folder) name into version and name for the set's layout.
fn classify(kind: SetKind, file: &Path) -> (Option<String>, String, Role) {
    let file_name = file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let folder = file
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = file_name
        .strip_suffix(".sql")
        .or_else(|| file_name.strip_suffix(".SQL"))
        .unwrap_or(&file_name);
    let versioned = |s: &str| -> Option<(String, String)> {
        let (v, rest) = leading_digits(s)?;
        let name = rest.trim_start_matches(['_', '-']).to_string();
        Some((v.to_string(), name))
    };
    match kind {
        SetKind::Supabase => match versioned(stem) {
            Some((v, n)) if stem.as_bytes().get(v.len()) == Some(&b'_') => (Some(v), n, Role::Up),
            _ => (None, stem.to_string(), Role::Unapplied),
        },
        SetKind::Prisma => {
            if file_name != "migration.sql" {
                return (None, file_name, Role::Unapplied);
            }
            match versioned(&folder) {
                Some((_, n)) => (Some(folder.clone()), n, Role::Up),
                None => (None, folder, Role::Unapplied),
            }
        }
        SetKind::Diesel => {
            let role = match file_name.as_str() {
                "up.sql" => Role::Up,
                "down.sql" => Role::Down,
                _ => return (None, file_name, Role::Unapplied),
            };
            match versioned(&folder.replace('-', "")) {
                Some((v, _)) => (Some(v), folder, role),
                None => (None, folder, Role::Unapplied),
            }
        }
        SetKind::UpDown => {
            let (base, role) = if let Some(b) = stem.strip_suffix(".up") {
                (b, Role::Up)
            } else if let Some(b) = stem.strip_suffix(".down") {
                (b, Role::Down)
            } else {
                (stem, Role::Up)
            };
            match versioned(base) {
                Some((v, n)) => (Some(v), n, role),
                None => (None, base.to_string(), Role::Unapplied),
            }
        }
        SetKind::Flyway => {
            if let Some(desc) = stem
                .strip_prefix("R__")
                .or_else(|| stem.strip_prefix("r__"))
            {
                return (None, desc.to_string(), Role::Repeatable);
            }
            let role = match stem.as_bytes().first() {
                Some(b'V' | b'v') => Role::Up,
                Some(b'U' | b'u') => Role::Down,
                _ => return (None, stem.to_string(), Role::Unapplied),
            };
            match stem[1..].split_once("__") {
                Some((v, d))
                    if !v.is_empty()
                        && v.chars()
                            .all(|c| c.is_ascii_digit() || c == '.' || c == '_') =>
                {
                    (Some(v.replace('_', ".")), d.to_string(), role)
                }
                _ => (None, stem.to_string(), Role::Unapplied),
            }
        }
        SetKind::Dbmate | SetKind::Drizzle | SetKind::Versioned => match versioned(stem) {
            Some((v, n)) => (Some(v), n, Role::Up),
            None => (None, stem.to_string(), Role::Unapplied),
        },
        SetKind::Plain => (None, stem.to_string(), Role::Up),
    }
}

/// Compares versions numerically, part by part (`1.10` after `1.9`, `0002` equal to `2`).
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    // A version may carry a name after its number (Prisma's is the whole folder name,
    // `20250822135300_add_filters`): compare the numeric part numerically, then the rest.
    let split = |s: &str| -> (Vec<String>, String) {
        let n = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let parts = s[..n]
            .split('.')
            .map(|p| p.trim_start_matches('0').to_string())
            .collect();
        (parts, s[n..].to_string())
    };
    let ((pa, ra), (pb, rb)) = (split(a), split(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
        if o.is_ne() {
            return o;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| ra.cmp(&rb))
}

fn build_set(dir: PathBuf, all: HashSet<PathBuf>, reported: &HashSet<PathBuf>) -> MigrationSet {
    let mut files: Vec<PathBuf> = all.into_iter().collect();
    files.sort();
    let kind = detect_kind(&dir, &files);
    let mut out: Vec<MigrationFile> = files
        .into_iter()
        .map(|path| {
            let (version, name, role) = classify(kind, &path);
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
    let rank = |r: Role| match r {
        Role::Up => 0,
        Role::Repeatable => 1,
        Role::Down => 2,
        Role::Unapplied => 3,
    };
    out.sort_by(|a, b| {
        rank(a.role)
            .cmp(&rank(b.role))
            .then_with(|| match (&a.version, &b.version) {
                (Some(x), Some(y)) => compare_versions(x, y),
                _ => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.path.cmp(&b.path))
    });
    MigrationSet {
        kind,
        dir,
        files: out,
    }
}

#[cfg(test)]
mod version_order_tests {
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
        assert_eq!(
            compare_versions("20231110012457_a", "20250822135300_longer_name"),
            Less
        );
        assert_eq!(compare_versions("0002", "2"), Equal);
        assert_eq!(compare_versions("1.10", "1.9"), Greater);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("1.10", "1.9"), Greater);
        assert_eq!(compare_versions("0002", "2"), Equal);
        assert_eq!(
            compare_versions("20240101000000", "20231231235959"),
            Greater
        );
    }

    #[test]
    fn classifies_layouts() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            classify(SetKind::Supabase, &p("supabase/migrations/20240101_a.sql")).2,
            Role::Up
        );
        assert_eq!(
            classify(
                SetKind::Supabase,
                &p("supabase/migrations/rollback_2024.sql")
            )
            .2,
            Role::Unapplied
        );
        assert_eq!(
            classify(SetKind::Flyway, &p("db/V1_2__init.sql")),
            (Some("1.2".into()), "init".into(), Role::Up)
        );
        assert_eq!(classify(SetKind::Flyway, &p("db/U3__x.sql")).2, Role::Down);
        assert_eq!(
            classify(SetKind::UpDown, &p("m/0001_init.down.sql")),
            (Some("0001".into()), "init".into(), Role::Down)
        );
        assert_eq!(
            classify(SetKind::Diesel, &p("m/2024-01-01-000000_init/down.sql")).2,
            Role::Down
        );
    }
}
