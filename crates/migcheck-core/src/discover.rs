//! Finding migration sets on disk and ordering each by version.
//!
//! Every `.sql` file belongs to exactly one set, keyed by its set directory: the directory that
//! holds it, or for one-folder-per-migration layouts (Prisma `<ts>_<name>/migration.sql`, diesel
//! `<ts>_<name>/up.sql`) the directory above. The tool that applies the set (see
//! [`crate::tool`]) decides how its files are named, which it applies, in what order, and
//! which are rollbacks; the project around it decides its platform (see [`crate::platform`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::platform::Platform;
use crate::scope::{self, SkipReason, Skipped, Why};
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
    /// Why the set is linted (named, its tool's layout, plain evidence, `include`).
    pub why: Why,
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
    /// Folders and files holding `.sql` that are not linted, each with its reason (see
    /// [`crate::scope`]), in path order.
    pub skipped: Vec<Skipped>,
}

/// What the user's configuration says about a set folder or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserScope {
    /// `include`: linted whatever it looks like.
    Include,
    /// `exclude`: never linted.
    Exclude,
    /// Neither: the default scope decides.
    Default,
}

/// How [`discover_with`] decides what to lint.
pub struct DiscoverOptions<'a> {
    /// Deployment files migcheck reads (fly.toml, package.json, ...).
    pub is_deploy_file: &'a dyn Fn(&Path) -> bool,
    /// `include` / `exclude` of the `migcheck.toml` governing a path.
    pub user_scope: &'a dyn Fn(&Path) -> UserScope,
    /// Named paths go through the default scope too (`--force-exclude`, for hooks that pass
    /// every staged file).
    pub force_exclude: bool,
    /// Walk past `.gitignore`, `.ignore` and git's exclude files (`--no-ignore`).
    pub no_ignore: bool,
}

/// Directories never walked into.
pub(crate) fn skipped_dir(name: &str) -> bool {
    matches!(name, "target" | "node_modules" | ".git")
        || (name.starts_with('.') && name != ".github" && name != "." && name != "..")
}

/// Discovers the migration sets and deploy files under `paths`, without a configuration (see
/// [`discover_with`]).
pub fn discover(paths: &[PathBuf], is_deploy_file: &dyn Fn(&Path) -> bool) -> Discovery {
    discover_with(
        paths,
        &DiscoverOptions {
            is_deploy_file,
            user_scope: &|_| UserScope::Default,
            force_exclude: false,
            no_ignore: false,
        },
    )
}

/// The `.sql` files of one candidate set, before the scope decides on it.
#[derive(Default)]
struct Group {
    all: HashSet<PathBuf>,
    reported: HashSet<PathBuf>,
    /// Named on the command line: always linted.
    named: bool,
    /// The directory walked to find it: folder names below it may skip the set.
    root: PathBuf,
}

/// Discovers the migration sets and deploy files under `paths`. A named file is reported and
/// its whole set is loaded as context; a named directory is reported whole, whatever it holds;
/// under `.` (the current directory) or a repository root, only the sets in scope are linted
/// (see [`crate::scope`]). With `force_exclude`, named paths go through the scope too.
pub fn discover_with(paths: &[PathBuf], opts: &DiscoverOptions<'_>) -> Discovery {
    let mut d = Discovery::default();
    let mut groups: BTreeMap<PathBuf, Group> = BTreeMap::new();
    let mut deploy = HashSet::new();
    let mut folders = HashMap::new();
    let named = !opts.force_exclude;
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                d.missing.push((p.clone(), e.to_string()));
                continue;
            }
        };
        if let Some(kind) = crate::fsio::non_regular_kind(&meta).filter(|_| !meta.is_dir()) {
            d.missing.push((
                p.clone(),
                format!("{kind}, not a regular file: migcheck never opens it"),
            ));
            continue;
        }
        if meta.is_file() {
            if is_sql(p) {
                let dir = set_dir(p, &mut folders);
                // The rest of the set is context; read the directory once per set, however
                // many of its files were named (pre-commit passes them one by one).
                let g = groups.entry(dir.clone()).or_insert_with(|| Group {
                    all: set_members(&dir).into_iter().collect(),
                    root: walk_root_of(p),
                    ..Group::default()
                });
                g.named |= named;
                g.reported.insert(p.clone());
                g.all.insert(p.clone());
            } else if (opts.is_deploy_file)(p) {
                deploy.insert(p.clone());
            } else {
                d.missing.push((
                    p.clone(),
                    "not a .sql migration or a deployment file migcheck reads".into(),
                ));
            }
            continue;
        }
        // Everything under a named folder is named; not under a project root (`migcheck check`
        // with no path, or `.` from the GitHub Action, means "whatever is in scope here").
        let named_dir = named && !is_project_root(p);
        // Symbolic links are followed, to files and folders, wherever they point: the tools
        // open them (supabase/cli `pkg/migration/list.go` `ListLocalMigrations` lists
        // `supabase/migrations` with `fs.ReadDir` and keeps every entry whose name matches,
        // whatever its type; the file is then opened by that path). A file is reported under
        // its path in the walk (the link's), not its target's. The walk stops at a link to one
        // of its own ancestors (a loop) with an error that names it: nothing is lost there,
        // the folder is being walked already.
        //
        // What git ignores is not walked, as ripgrep and ruff do (ripgrep's `ignore` crate):
        // `.gitignore` files (in the folder and its parents, also outside a git repository),
        // `.ignore`, `.git/info/exclude` and git's global excludes; `--no-ignore` walks
        // everything. A named path is walked whatever ignores it; only what is below it is
        // filtered. Hidden entries are the scope's business (`skipped_dir`), not the walk's.
        let walker = ignore::WalkBuilder::new(p)
            .follow_links(true)
            .standard_filters(!opts.no_ignore)
            .hidden(false)
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_some_and(|t| t.is_dir())
                        && skipped_dir(&e.file_name().to_string_lossy()))
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if is_loop(&e) {
                        continue;
                    }
                    let path = error_path(&e)
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| p.clone());
                    // A dangling link counts only where it stands for a migration.
                    let dangling = std::fs::symlink_metadata(&path)
                        .is_ok_and(|m| m.file_type().is_symlink())
                        && std::fs::metadata(&path).is_err();
                    if dangling && !is_sql(&path) {
                        continue;
                    }
                    d.missing.push((path, e.to_string()));
                    continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                continue;
            };
            if ft.is_dir() {
                continue;
            }
            if !ft.is_file() {
                // A FIFO, socket or device: never opened (opening a FIFO blocks until a writer
                // comes). Noted when migcheck would have read it.
                let path = entry.into_path();
                if is_sql(&path) || (opts.is_deploy_file)(&path) {
                    let kind = std::fs::metadata(&path)
                        .ok()
                        .and_then(|m| crate::fsio::non_regular_kind(&m))
                        .unwrap_or("not a regular file");
                    d.skipped.push(Skipped {
                        files: vec![path.clone()],
                        path,
                        reason: SkipReason::NotRegular,
                        dialect: None,
                        detail: format!("{kind}: never opened"),
                    });
                }
                continue;
            }
            let path = entry.into_path();
            if is_sql(&path) {
                let dir = set_dir(&path, &mut folders);
                let g = groups.entry(dir).or_insert_with(|| Group {
                    root: p.clone(),
                    ..Group::default()
                });
                g.named |= named_dir;
                g.all.insert(path.clone());
                g.reported.insert(path);
            } else if (opts.is_deploy_file)(&path) {
                deploy.insert(path);
            }
        }
    }
    let groups = without_aliases(groups, &mut d.skipped);
    for (dir, g) in groups {
        if g.named {
            d.sets.push(build_set(dir, g.all, &g.reported, Why::Named));
            continue;
        }
        if let Some(set) = scoped_set(dir, g, opts, &mut d.skipped) {
            d.sets.push(set);
        }
    }
    // One entry per folder and reason, however many sets below it the folder skipped.
    d.skipped
        .sort_by(|a, b| (&a.path, a.reason.as_str()).cmp(&(&b.path, b.reason.as_str())));
    d.skipped.dedup_by(|next, kept| {
        let same =
            next.path == kept.path && next.reason == kept.reason && next.dialect == kept.dialect;
        if same {
            kept.files.append(&mut next.files);
            kept.files.sort();
        }
        same
    });
    let mut deploy: Vec<_> = deploy.into_iter().collect();
    deploy.sort();
    d.deploy_files = deploy;
    d
}

/// True for the walk's error on a link back to one of its own ancestors.
fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

/// The path an error of the walk is about.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// The groups with one left per folder on disk: a folder reached twice in the walk (itself and
/// through a symbolic link to it) is linted once, the other path noted as an alias. Kept, in
/// order: a named one, one a migration tool claims (`supabase/migrations` linking to a shared
/// folder is what the Supabase CLI applies), the folder's own path, the first in path order.
fn without_aliases(
    groups: BTreeMap<PathBuf, Group>,
    skipped: &mut Vec<Skipped>,
) -> BTreeMap<PathBuf, Group> {
    let mut by_target: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for dir in groups.keys() {
        let target = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        by_target.entry(target).or_default().push(dir.clone());
    }
    let mut groups = groups;
    for dirs in by_target.into_values() {
        if dirs.len() < 2 {
            continue;
        }
        let rank = |dir: &PathBuf| {
            let g = &groups[dir];
            let mut files: Vec<PathBuf> = g.all.iter().cloned().collect();
            files.sort();
            let plain = crate::tool::detect(dir, &files).id() == "plain";
            (!g.named, plain, is_link_path(dir))
        };
        let keep = dirs
            .iter()
            .min_by_key(|d| rank(d))
            .cloned()
            .unwrap_or_else(|| dirs[0].clone());
        for dir in dirs {
            if dir == keep {
                continue;
            }
            if let Some(g) = groups.remove(&dir) {
                let mut files: Vec<PathBuf> = g.all.into_iter().collect();
                files.sort();
                skipped.push(Skipped {
                    detail: format!(
                        "the same folder as {} (a symbolic link), linted there",
                        crate::source::display_path(&keep)
                    ),
                    path: dir,
                    files,
                    reason: SkipReason::Alias,
                    dialect: None,
                });
            }
        }
    }
    groups
}

/// True when a component of `path` is a symbolic link.
fn is_link_path(path: &Path) -> bool {
    let mut at = PathBuf::new();
    for c in path.components() {
        at.push(c);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// Files at the root of a project (a repository, or an app of a monorepo).
const PROJECT_MARKERS: &[&str] = &[
    ".git",
    "package.json",
    "Cargo.toml",
    "go.mod",
    "pyproject.toml",
    "composer.json",
    "Gemfile",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "supabase/config.toml",
];

/// The current directory, or a folder holding `.git` or a project manifest (`package.json`,
/// `Cargo.toml`, `go.mod`...): running migcheck there means "the project", not "these files".
fn is_project_root(dir: &Path) -> bool {
    if PROJECT_MARKERS.iter().any(|m| dir.join(m).exists()) {
        return true;
    }
    let here = std::env::current_dir().ok();
    let abs = std::fs::canonicalize(dir).ok();
    abs.is_some() && abs == here.and_then(|h| std::fs::canonicalize(h).ok())
}

/// Where folder names stop counting for a named file under `--force-exclude`: the current
/// directory when the file is below it, else its repository root.
fn walk_root_of(file: &Path) -> PathBuf {
    if file.is_relative() {
        return PathBuf::new();
    }
    if let Ok(cwd) = std::env::current_dir() {
        if file.starts_with(&cwd) {
            return cwd;
        }
    }
    crate::tool::project_dirs(file.parent().unwrap_or(Path::new(".")))
        .last()
        .unwrap_or_default()
}

/// The first bytes of a file (enough to see what it is), lossily as UTF-8.
fn head(path: &Path, n: u64) -> String {
    crate::fsio::head(path, n)
}

/// How much of each candidate file the scope reads.
const HEAD: u64 = 256 << 10;

/// The set of a group that was not named, when it is in scope; what is not goes to `skipped`.
fn scoped_set(
    dir: PathBuf,
    g: Group,
    opts: &DiscoverOptions<'_>,
    skipped: &mut Vec<Skipped>,
) -> Option<MigrationSet> {
    let mut files: Vec<PathBuf> = g.all.into_iter().collect();
    files.sort();
    let skip = |path: PathBuf, files: Vec<PathBuf>, reason: SkipReason, detail: String| Skipped {
        path,
        files,
        reason,
        dialect: None,
        detail,
    };
    match (opts.user_scope)(&dir) {
        UserScope::Exclude => {
            skipped.push(skip(
                dir,
                files,
                SkipReason::Excluded,
                "`exclude` in migcheck.toml".into(),
            ));
            return None;
        }
        UserScope::Include => {
            let all = files.iter().cloned().collect();
            return Some(build_set(dir, all, &g.reported, Why::Included));
        }
        UserScope::Default => {}
    }
    // Files the configuration excludes one by one.
    files.retain(|f| {
        let out = (opts.user_scope)(f) == UserScope::Exclude;
        if out {
            skipped.push(skip(
                f.clone(),
                vec![f.clone()],
                SkipReason::Excluded,
                "`exclude` in migcheck.toml".into(),
            ));
        }
        !out
    });
    if files.is_empty() {
        return None;
    }
    if let Some((at, reason, detail)) = scope::path_reason(&g.root, &dir) {
        skipped.push(skip(at, files, reason, detail));
        return None;
    }
    let sources = scope::atlas_sources(&dir);
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if !sources.is_empty() {
        let cdir = canonical(&dir);
        if sources.iter().any(|s| cdir.starts_with(s)) {
            skipped.push(skip(
                dir,
                files,
                SkipReason::SchemaSource,
                "`src` of atlas.hcl: the desired schema atlas reads".into(),
            ));
            return None;
        }
        files.retain(|f| {
            let out = sources.contains(&canonical(f));
            if out {
                skipped.push(skip(
                    f.clone(),
                    vec![f.clone()],
                    SkipReason::SchemaSource,
                    "`src` of atlas.hcl: the desired schema atlas reads".into(),
                ));
            }
            !out
        });
    }
    let tool = crate::tool::detect(&dir, &files);
    let plain = tool.id() == "plain";
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    for f in files {
        let text = head(&f, HEAD);
        // A plain folder is what its files say; a tool's folder holds what the tool applies.
        if plain {
            if let Some((reason, detail)) = scope::file_reason(&f, &text) {
                skipped.push(skip(f.clone(), vec![f], reason, detail));
                continue;
            }
        }
        texts.push((f, text));
    }
    if texts.is_empty() {
        return None;
    }
    let codes: Vec<String> = texts.iter().map(|(_, t)| scope::code_of(t)).collect();
    let files: Vec<PathBuf> = texts.iter().map(|(f, _)| f.clone()).collect();
    if plain {
        let versioned = files
            .iter()
            .filter(|f| crate::tool::leading_digits(&crate::tool::file_name(f)).is_some())
            .count();
        // Drizzle's journal marks a migrations folder even when it lists none of the files.
        let journal = dir.join("meta").join("_journal.json").is_file();
        let named_like = versioned > 0 || journal;
        let ddl = codes.iter().any(|c| scope::has_ddl(c));
        if !(named_like && ddl) {
            let detail = match (named_like, ddl) {
                (false, _) => "no versioned file names (`001_name.sql`)",
                (true, _) => "no schema change (CREATE, ALTER, DROP...) in any file",
            };
            skipped.push(skip(dir, files, SkipReason::NoEvidence, detail.into()));
            return None;
        }
    }
    let dialects: Vec<Option<scope::Dialect>> = texts
        .iter()
        .zip(&codes)
        .map(|((_, t), c)| scope::file_dialect(t, c))
        .collect();
    if let Some(dialect) = scope::set_dialect(&dialects) {
        let marked = dialects.iter().filter(|d| **d == Some(dialect)).count();
        skipped.push(Skipped {
            path: dir,
            reason: SkipReason::OtherDialect,
            dialect: Some(dialect),
            detail: format!(
                "{} of {} files are written for {}, not PostgreSQL",
                marked,
                files.len(),
                dialect.name()
            ),
            files,
        });
        return None;
    }
    let why = if plain { Why::PlainEvidence } else { Why::Tool };
    Some(build_set(
        dir,
        files.into_iter().collect(),
        &g.reported,
        why,
    ))
}

/// Discovery over files that need not exist on disk (the in-memory [`crate::lint::check_sources`]):
/// every named `.sql` file is reported, grouped into sets by its path as [`discover`] would; no
/// directory is read, so a set holds exactly the files named.
pub fn discover_named(paths: &[PathBuf], is_deploy_file: &dyn Fn(&Path) -> bool) -> Discovery {
    let mut d = Discovery::default();
    let mut groups: BTreeMap<PathBuf, HashSet<PathBuf>> = BTreeMap::new();
    for p in paths {
        if is_sql(p) || p == Path::new(crate::source::STDIN_NAME) {
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
        d.sets.push(build_set(dir, all, &reported, Why::Named));
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

/// The folder of the set `file` belongs to. `folders` remembers, per parent folder, whether it
/// is one migration's own folder: asked once per folder, not once per file in it.
fn set_dir(file: &Path, folders: &mut HashMap<PathBuf, bool>) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Another .sql file inside a one-folder-per-migration folder belongs to that set too (and
    // is reported as a file its tool never applies).
    let in_migration_folder = is_folder_migration(&name)
        || *folders.entry(parent.to_path_buf()).or_insert_with(|| {
            ["migration.sql", "up.sql"]
                .iter()
                .any(|n| parent.join(n).is_file())
        });
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
        // The entry's type comes with the listing; only a symbolic link needs a `stat` to
        // say what it points to.
        let (file, dir) = match e.file_type() {
            Ok(t) if !t.is_symlink() => (t.is_file(), t.is_dir()),
            _ => (p.is_file(), p.is_dir()),
        };
        if file && is_sql(&p) {
            out.push(p);
        } else if dir {
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

fn build_set(
    dir: PathBuf,
    all: HashSet<PathBuf>,
    reported: &HashSet<PathBuf>,
    why: Why,
) -> MigrationSet {
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
        why,
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
