//! The engine: discover → read → parse → replay into the schema model → run rules → suppress.
//!
//! Files are read and parsed in parallel (they are independent); each migration set is then
//! replayed in order, since rules depend on what earlier files built. Per-file problems (a file
//! that cannot be read, an invalid config) are collected as [`InputError`]s and the run goes on.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{find_config_file, Config};
use crate::discover::{discover_with, DiscoverOptions, Discovery, MigrationSet, Role, UserScope};
use crate::finding::{Finding, Severity};
use crate::findings::Findings;
use crate::parse::parse_file_for;
use crate::rules::{self, FileCx, FileUnit, Hit, Hits, SetCx, StatementCx};
use crate::schema::{Origin, SchemaState};
use crate::source::{display_path, SourceFile};
use crate::suppress::{parse_directive, Directive, Scope};

/// A file or configuration migcheck could not use. Exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path, line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InputError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct CheckOptions {
    /// Report only these files (canonical paths), e.g. those changed since a git ref. `None`:
    /// report what the paths named.
    pub only: Option<HashSet<PathBuf>>,
    /// Files that are new in the change (canonical paths), e.g. added since a git ref; they
    /// set [`crate::discover::MigrationFile::is_new`].
    pub added: Option<HashSet<PathBuf>>,
    /// Use this config file for everything instead of the nearest `migcheck.toml`.
    pub config: Option<PathBuf>,
    /// Named paths go through the default scope too (`--force-exclude`).
    pub force_exclude: bool,
    /// Walk what `.gitignore` and `.ignore` exclude too (`--no-ignore`).
    pub no_ignore: bool,
    /// The command line's `--select`, `--ignore` and `--pg-version`, over every config.
    pub overrides: crate::config::Overrides,
    /// Where parses of files read from disk are kept between runs ([`crate::cache`]); `None`:
    /// every file is parsed.
    pub cache: Option<Arc<crate::cache::ParseCache>>,
}

/// Everything a `check` run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by path, position and rule; kept compact ([`Findings`]).
    pub findings: Findings,
    /// Files reported on (migrations and deployment files).
    pub files: usize,
    /// Statements in the reported files.
    pub statements: usize,
    /// The display paths of the reported files, sorted (clean ones too: JUnit lists them).
    pub checked: Vec<String>,
    pub errors: Vec<InputError>,
    /// What a baseline (`--baseline`) removed, when one was applied.
    pub baseline: Option<crate::baseline::Outcome>,
    /// Which sets were linted and why, and what was skipped (see [`crate::scope`]).
    pub scope: crate::scope::Scope,
    /// Where the live figures of `--database-url` / `--stats` came from ([`crate::impact`]);
    /// `None` without them.
    pub impact: Option<crate::impact::Run>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.count(severity)
    }
}

/// Loads configs once per directory.
#[derive(Default)]
pub struct ConfigCache {
    forced: Option<PathBuf>,
    by_file: HashMap<Option<PathBuf>, Result<Arc<Config>, InputError>>,
    /// Files are in memory: do not look for a `migcheck.toml` next to them on disk.
    in_memory: bool,
    /// Applied over every config loaded (the command line wins).
    pub overrides: crate::config::Overrides,
}

impl ConfigCache {
    pub fn new(forced: Option<PathBuf>) -> Self {
        Self {
            forced,
            by_file: HashMap::new(),
            in_memory: false,
            overrides: Default::default(),
        }
    }

    /// The config governing `dir` (defaults when there is none).
    pub fn for_dir(&mut self, dir: &Path) -> Result<Arc<Config>, InputError> {
        let file = self
            .forced
            .clone()
            .or_else(|| (!self.in_memory).then(|| find_config_file(dir)).flatten());
        let overrides = &self.overrides;
        self.by_file
            .entry(file.clone())
            .or_insert_with(|| {
                let c = load_config(file.as_deref())?;
                Ok(if overrides.is_empty() {
                    c
                } else {
                    Arc::new((*c).clone().with_overrides(overrides))
                })
            })
            .clone()
    }
}

/// Reads and validates one config file (`None`: the defaults).
pub fn load_config(file: Option<&Path>) -> Result<Arc<Config>, InputError> {
    let Some(file) = file else {
        return Ok(Arc::new(Config::default()));
    };
    let display = display_path(file);
    let text = crate::fsio::read_to_string(file).map_err(|e| InputError {
        path: display.clone(),
        line: None,
        message: format!("cannot read config: {e}"),
    })?;
    Config::parse(file, &display, &text, &|id| rules::by_id(id).is_some())
        .map(Arc::new)
        .map_err(|e| InputError {
            path: e.path,
            line: Some(e.line),
            message: e.message,
        })
}

/// Reads a file as UTF-8. Bytes that are not UTF-8 do not stop the read: they are replaced
/// and noted in [`SourceFile::undecodable`], which the `undecodable-file` rule reports (issue
/// 30: one Latin-1 migration used to block its whole set).
pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, InputError> {
    read_source_as(path, crate::source::SourceEncoding::Utf8)
}

/// Reads a file in `encoding` (`encoding` in migcheck.toml).
pub fn read_source_as(
    path: &Path,
    encoding: crate::source::SourceEncoding,
) -> Result<Arc<SourceFile>, InputError> {
    let display = display_path(path);
    let bytes = crate::fsio::read(path).map_err(|e| InputError {
        path: display.clone(),
        line: None,
        message: format!("cannot read file: {e}"),
    })?;
    Ok(SourceFile::decode(
        path.to_path_buf(),
        display,
        bytes,
        encoding,
    ))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A migration set with its governing config and parsed files.
pub struct LoadedSet {
    pub set: MigrationSet,
    pub config: Arc<Config>,
    pub units: Vec<FileUnit>,
}

/// Stack size of the threads that parse and check. Every walk over a syntax tree (rules,
/// effects, printing, dropping it) recurses once per level of nesting; trees are bounded by
/// [`crate::parse::MAX_NESTING`], and this leaves room for that even in a debug build (the
/// default 2 MB of a worker thread overflowed at 40,000 levels of a release build).
const STACK_SIZE: usize = 64 << 20;

/// Whether a run spreads its sets and files over the check threads, or works through them on
/// the calling thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spread {
    Threads,
    Serial,
}

impl Spread {
    /// `f` on each item, in order, on the check threads or on this one.
    fn map<T: Send, R: Send>(self, items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
        match self {
            Spread::Threads => items.into_par_iter().map(f).collect(),
            Spread::Serial => items.into_iter().map(f).collect(),
        }
    }
}

/// A main thread that may grow its stack to at least this much (`RLIMIT_STACK`, 8 MiB by default
/// on Linux and macOS) is deep enough for a run of one file: the deepest trees
/// [`crate::parse::MAX_NESTING`] allows took less than 256 KiB of a debug build's stack.
const MAIN_STACK_ENOUGH: u64 = 8 << 20;

/// True on the process's main thread when its stack may grow to [`MAIN_STACK_ENOUGH`].
fn on_deep_main_thread() -> bool {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, Resource};
        std::thread::current().name() == Some("main")
            && getrlimit(Resource::Stack)
                .current
                .is_none_or(|limit| limit >= MAIN_STACK_ENOUGH)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Runs `f` on the thread pool of the checks (threads with [`STACK_SIZE`] stacks), or on the
/// calling thread when that pool cannot be made. A run of at most one migration file has
/// nothing to do in parallel: it works on the calling thread, without starting a thread (a pool
/// of one worker cost a pre-commit run on one file a tenth of its wall time:
/// docs/performance.md). On the main thread with the usual stack limit it works on that stack;
/// anywhere else (an editor's or embedder's thread, a lowered `ulimit -s`, Windows) on a stack
/// grown to [`STACK_SIZE`].
fn on_check_threads<R: Send>(files: usize, f: impl FnOnce(Spread) -> R + Send) -> R {
    if files <= 1 {
        if on_deep_main_thread() {
            return f(Spread::Serial);
        }
        return stacker::grow(STACK_SIZE, || f(Spread::Serial));
    }
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("migcheck-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(p) => p.install(|| f(Spread::Threads)),
        None => stacker::grow(STACK_SIZE, || f(Spread::Serial)),
    }
}

/// Discovers what to lint under `paths`: the default scope (see [`crate::scope`]), widened and
/// narrowed by `include` / `exclude` of the `migcheck.toml` governing each folder (or the one
/// `opts.config` names).
pub fn discover_scoped(paths: &[PathBuf], opts: &CheckOptions) -> Discovery {
    let configs = std::cell::RefCell::new(ConfigCache::new(opts.config.clone()));
    let user_scope = |p: &Path| {
        let dir = if p.is_dir() {
            p
        } else {
            p.parent().unwrap_or(Path::new("."))
        };
        // An invalid config is reported when its sets are loaded; here it changes nothing.
        match configs.borrow_mut().for_dir(dir) {
            Ok(c) if c.is_excluded(p) => UserScope::Exclude,
            Ok(c) if c.is_included(p) => UserScope::Include,
            _ => UserScope::Default,
        }
    };
    discover_with(
        paths,
        &DiscoverOptions {
            is_deploy_file: &crate::deploy_files::is_deploy_file,
            user_scope: &user_scope,
            force_exclude: opts.force_exclude,
            no_ignore: opts.no_ignore,
        },
    )
}

/// What [`check`] would lint under `paths`, and what it would skip (`check --show-files`).
pub fn scope(paths: &[PathBuf], opts: &CheckOptions) -> crate::scope::Scope {
    crate::scope::Scope::of(&discover_scoped(paths, opts))
}

/// How many migration files a discovery found (every set's).
fn migration_files(found: &crate::discover::Discovery) -> usize {
    found.sets.iter().map(|s| s.files.len()).sum()
}

/// Where `load` and `check` get a file's text: the file system, or the caller's memory.
type Reader<'r> = &'r (dyn Fn(&Path) -> Result<Arc<SourceFile>, InputError> + Sync);

/// The parse cache a run uses, with whether a file's parse may be stored (not the text of an
/// editor's unsaved buffer or of a fix not yet written: it would fill the cache with drafts).
struct Cached<'c> {
    cache: &'c crate::cache::ParseCache,
    store: &'c (dyn Fn(&Path) -> bool + Sync),
}

/// Stores every file's parse.
fn store_all(_: &Path) -> bool {
    true
}

/// Discovers, reads and parses the migration sets under `paths`; also returns deploy files.
/// A file parsed as `tool` applies it: the spans it sends whole, what splits it (psql for
/// plain files), and its rollback sections marked (a down file is all rollback).
pub fn parse_as(tool: &dyn crate::tool::Tool, role: Role, text: &str) -> crate::parse::ParsedFile {
    let mut parsed = parse_file_for(text, &tool.whole_statements(text), tool.client());
    let rollback = if role == Role::Down {
        std::iter::once(0..text.len()).collect()
    } else {
        tool.rollback_spans(text)
    };
    for s in &mut parsed.statements {
        s.rollback |= rollback.iter().any(|r| r.contains(&s.span.start));
    }
    parsed
}

pub fn load(
    paths: &[PathBuf],
    configs: &mut ConfigCache,
    errors: &mut Vec<InputError>,
) -> (Vec<LoadedSet>, Vec<PathBuf>) {
    let scoped = CheckOptions {
        config: configs.forced.clone(),
        ..CheckOptions::default()
    };
    let found = discover_scoped(paths, &scoped);
    on_check_threads(migration_files(&found), |spread| {
        load_found(found, configs, errors, &read_source, None, spread)
    })
}

fn load_found(
    found: crate::discover::Discovery,
    configs: &mut ConfigCache,
    errors: &mut Vec<InputError>,
    read: Reader<'_>,
    cache: Option<&Cached<'_>>,
    spread: Spread,
) -> (Vec<LoadedSet>, Vec<PathBuf>) {
    let prepared = prepare(found.sets, found.missing, configs, errors);
    let loaded = spread.map(prepared, |(set, config)| {
        load_set(set, config, read, cache, spread)
    });
    let mut sets = Vec::new();
    for (s, errs) in loaded {
        errors.extend(errs);
        sets.push(s);
    }
    (sets, found.deploy_files)
}

/// Each set with the config it is judged with (its files that config excludes left out), the
/// paths that could not be walked and the invalid configs said in `errors`.
fn prepare(
    found: Vec<MigrationSet>,
    missing: Vec<(PathBuf, String)>,
    configs: &mut ConfigCache,
    errors: &mut Vec<InputError>,
) -> Vec<(MigrationSet, Arc<Config>)> {
    for (p, why) in missing {
        errors.push(InputError {
            path: display_path(&p),
            line: None,
            message: why,
        });
    }
    let mut prepared = Vec::new();
    for mut set in found {
        let config = match configs.for_dir(&set.dir) {
            Ok(c) => c,
            Err(e) => {
                if !errors.contains(&e) {
                    errors.push(e);
                }
                Arc::new(Config::default())
            }
        };
        set.files.retain(|f| !config.is_excluded(&f.path));
        prepared.push((set, config));
    }
    prepared
}

/// Reads and parses the files of one set, with the problems of the files that could not be read.
fn load_set(
    mut set: MigrationSet,
    config: Arc<Config>,
    read: Reader<'_>,
    cache: Option<&Cached<'_>>,
    spread: Spread,
) -> (LoadedSet, Vec<InputError>) {
    let mut errs = Vec::new();
    let read: Vec<_> = spread.map(set.files.iter().collect(), |m| {
        read(&m.path)
            .and_then(|s| match config.encoding {
                // Read again in the configured encoding: only files that are not UTF-8
                // (an editor's buffer never reaches here, it is UTF-8 text already).
                crate::source::SourceEncoding::Utf8 => Ok(s),
                _ if s.undecodable.is_none() => Ok(s),
                enc => read_source_as(&m.path, enc),
            })
            // Parsed here, on the check threads: a set's files parse independently, and
            // one large set parsed file after file kept a run on one core (issue 33).
            .map(|s| {
                let parse = || parse_as(set.tool, m.role, &s.text);
                let parsed = match cache {
                    Some(c) => {
                        c.cache
                            .parse(set.tool.id(), m.role, &s.text, (c.store)(&m.path), parse)
                    }
                    None => parse(),
                };
                (m.clone(), s, parsed)
            })
    });
    let mut units = Vec::new();
    for r in read {
        match r {
            Ok((migration, source, parsed)) => {
                units.push(FileUnit {
                    index: units.len(),
                    source,
                    parsed,
                    migration,
                    transactions: Default::default(),
                    mentions: Default::default(),
                });
            }
            Err(e) => errs.push(e),
        }
    }
    // Without a Supabase project or `exposed_schemas`, the set's own statements may show
    // that clients reach its schemas (`platform::evidence`).
    if !set.platform.is_supabase() && !config.exposed_schemas_configured {
        set.platform.evidence = crate::platform::evidence(
            units
                .iter()
                .filter(|u| u.migration.role != Role::Down)
                .map(|u| (&*u.source, &u.parsed)),
        );
    }
    let config = resolve_platform(&set, config);
    (LoadedSet { set, config, units }, errs)
}

/// The config a set is judged with: its `migcheck.toml`, with the exposed schemas its platform
/// implies when the file does not say `exposed_schemas` (see [`crate::platform`]).
fn resolve_platform(set: &MigrationSet, config: Arc<Config>) -> Arc<Config> {
    if config.exposed_schemas_configured {
        return config;
    }
    let exposed = set.platform.default_exposed_schemas();
    if exposed == config.exposed_schemas {
        return config;
    }
    let mut c = (*config).clone();
    c.exposed_schemas = exposed;
    Arc::new(c)
}

/// The scope as the sets were loaded: the files left after `exclude`, and the exposed schemas
/// each set is judged with (its migcheck.toml, else its platform or its own evidence).
fn resolve_scope(shown: &mut crate::scope::ScopeSet, loaded: &LoadedSet) {
    let set = &loaded.set;
    debug_assert_eq!(shown.tool, set.tool.id());
    shown.files = set.files.iter().map(|f| display_path(&f.path)).collect();
    shown.exposed_schemas = loaded.config.exposed_schemas.clone();
    shown.exposed_why = match &loaded.config.path {
        Some(p) if loaded.config.exposed_schemas_configured => {
            format!("`exposed_schemas` in {}", display_path(p))
        }
        _ => set.platform.why(),
    };
}

/// What [`replay`] reports while it walks a set.
pub enum ReplayEvent<'a> {
    /// A statement (with its position in the file), with the schema just before it.
    Statement(
        &'a FileUnit,
        &'a crate::parse::Statement,
        usize,
        &'a SchemaState,
    ),
    /// The end of a file, with the schema after it.
    FileEnd(&'a FileUnit, &'a SchemaState),
}

/// Replays a set through the schema model in order. Returns the final state.
pub fn replay(loaded: &LoadedSet, visit: impl FnMut(ReplayEvent<'_>)) -> SchemaState {
    replay_visiting(loaded, |_| true, visit)
}

/// [`replay`], telling `visit` about the statements of the files `visited` accepts only: the
/// others change the schema and nothing else (no statement of theirs is parsed again for a
/// visitor, only those whose tree the schema model reads).
fn replay_visiting(
    loaded: &LoadedSet,
    visited: impl Fn(&FileUnit) -> bool,
    mut visit: impl FnMut(ReplayEvent<'_>),
) -> SchemaState {
    let mut state = SchemaState::default();
    for unit in &loaded.units {
        if unit.migration.role == Role::Unapplied {
            continue;
        }
        if !loaded.set.ordered {
            state = SchemaState::default();
        }
        state.start_file();
        let visited = visited(unit);
        for (index, stmt) in unit.parsed.statements.iter().enumerate() {
            crate::work::add(1);
            // Rules see the statement with its syntax tree, parsed again here: trees are not
            // kept after parsing (memory), and this one is dropped after the rules ran. A
            // statement no rule visits needs it only when the schema model reads it.
            let full = visited.then(|| stmt.with_tree(&unit.source.text));
            if let Some(full) = &full {
                visit(ReplayEvent::Statement(unit, full, index, &state));
            }
            if stmt.rollback {
                continue;
            }
            let origin = Origin {
                file: unit.index,
                span: stmt.span.clone(),
            };
            for e in &stmt.effects {
                state.apply(e, &origin);
            }
            match &full {
                Some(full) => state.note_facts(full),
                // Only the tree, not a copy of the statement with it.
                None if SchemaState::reads_tree_of(stmt) => {
                    if let Some(tree) = stmt.tree(&unit.source.text) {
                        state.note_facts_of(&tree);
                    }
                }
                None => {}
            }
        }
        if visited {
            visit(ReplayEvent::FileEnd(unit, &state));
        }
    }
    state
}

/// Runs every rule over one loaded set, handing each hit to `sink` as it is made (a file with
/// hundreds of thousands of findings never holds them twice: see docs/performance.md).
///
/// A file that is not reported (`MigrationFile::reported`: another file of the set was named,
/// or `--changed-since` left it out) only shapes the schema: the statement and file rules never
/// visit it. They could only report in the file they visit (their context holds no other file),
/// so what they would find there is never shown; the set rules still see every file.
///
/// With `Spread::Threads` the set rules run side by side: each hands its hits on in the order it
/// makes them, and the findings are sorted by file, position and rule afterwards, so the output
/// is the same as one after the other.
fn run_rules(loaded: &LoadedSet, spread: Spread, mut sink: impl FnMut(&'static str, Hit) + Send) {
    let config = &*loaded.config;
    let set = &loaded.set;
    let reported = |unit: &FileUnit| unit.migration.reported;
    let visit = |event: ReplayEvent<'_>| match event {
        ReplayEvent::Statement(unit, stmt, index, state) => {
            if unit.migration.role == Role::Unapplied {
                return;
            }
            let cx = StatementCx {
                set,
                unit,
                stmt,
                index,
                state,
                config,
            };
            // `create table if not exists` of a table that exists changes nothing.
            if cx.is_noop() {
                return;
            }
            for rule in rules::ALL {
                let id = rule.meta().id;
                rule.check_statement(&cx, &mut Hits::new(&mut |h| sink(id, h)));
            }
        }
        ReplayEvent::FileEnd(unit, state) => {
            let cx = FileCx {
                set,
                unit,
                state,
                config,
                locks: Default::default(),
            };
            for rule in rules::ALL {
                let id = rule.meta().id;
                rule.check_file(&cx, &mut Hits::new(&mut |h| sink(id, h)));
            }
        }
    };
    // With a thread to spare, what the set rules read without the schema (its policies and
    // functions) is read while the schema is replayed: the replay walks the files in order on
    // one thread, and it was the longest step of a one-file check of a large set.
    let (state, ahead) = match spread {
        Spread::Serial => (replay_visiting(loaded, reported, visit), None),
        Spread::Threads => {
            let (state, ahead) = rayon::join(
                || replay_visiting(loaded, reported, visit),
                || rules::read_ahead(&loaded.units),
            );
            (state, Some(ahead))
        }
    };
    let cx = SetCx::new(set, &loaded.units, &state, config, ahead);
    match spread {
        Spread::Serial => {
            for rule in rules::ALL {
                let id = rule.meta().id;
                rule.check_set(&cx, &mut Hits::new(&mut |h| sink(id, h)));
            }
        }
        Spread::Threads => {
            let sink = std::sync::Mutex::new(sink);
            rules::ALL.par_iter().for_each(|rule| {
                let id = rule.meta().id;
                rule.check_set(
                    &cx,
                    &mut Hits::new(&mut |h| {
                        (sink.lock().unwrap_or_else(|e| e.into_inner()))(id, h)
                    }),
                );
            });
        }
    }
}

/// A directive and what it covers.
struct Allow {
    directive: Directive,
    covers: Range<usize>,
    used: bool,
}

/// The `migcheck:allow` directives of a parsed SQL file, each with the byte range it covers
/// (the statement after it, or the whole file).
pub fn sql_allows(unit: &FileUnit) -> Vec<(Directive, Range<usize>)> {
    let text = &unit.source.text;
    let stmts = &unit.parsed.statements;
    let mut out = Vec::new();
    // The statement a directive covers is the first, in the file's statement order, that starts
    // after it. Statements are not sorted by start (a PL/pgSQL body's statements follow the
    // call that runs it), so: starts sorted, with the least statement index from each on.
    let mut by_start: Vec<(usize, usize)> = Vec::new();
    let mut least_from: Vec<usize> = Vec::new();
    for c in &unit.parsed.comments {
        let Some(d) = parse_directive(&text[c.body.clone()], c.body.start) else {
            continue;
        };
        if by_start.is_empty() && d.scope == Scope::Next {
            by_start = stmts
                .iter()
                .enumerate()
                .map(|(i, s)| (s.span.start, i))
                .collect();
            by_start.sort_unstable();
            least_from = by_start.iter().map(|&(_, i)| i).collect();
            for k in (0..least_from.len().saturating_sub(1)).rev() {
                least_from[k] = least_from[k].min(least_from[k + 1]);
            }
        }
        let covers = match d.scope {
            Scope::File => 0..text.len(),
            Scope::Next => {
                let k = by_start.partition_point(|&(start, _)| start < c.span.end);
                match least_from.get(k) {
                    Some(&i) => stmts[i].span.clone(),
                    None => continue,
                }
            }
        };
        out.push((d, covers));
    }
    out
}

/// Turns a set's rule hits into findings with their configured severity, grouped by the index
/// of the file they belong to (before allow directives are applied).
pub fn findings_by_file(
    loaded: &LoadedSet,
    hits: impl IntoIterator<Item = (&'static str, Hit)>,
) -> HashMap<usize, Findings> {
    let mut by_file: HashMap<usize, Findings> = HashMap::new();
    let units = UnitsBySource::of(loaded);
    for (rule, h) in hits {
        add_finding(&mut by_file, loaded, &units, rule, h);
    }
    by_file
}

/// A set's files by the address of their source, so a hit finds its file without a search of
/// the set (a set of 20,000 files with findings took N² steps). The address as a number: plain
/// data, shared by the set rules' threads.
struct UnitsBySource(HashMap<usize, usize>);

impl UnitsBySource {
    fn of(loaded: &LoadedSet) -> Self {
        Self(
            loaded
                .units
                .iter()
                .map(|u| (Arc::as_ptr(&u.source) as usize, u.index))
                .collect(),
        )
    }
}

/// One hit of `rule` as a finding with its configured severity, in the list of its file.
fn add_finding(
    by_file: &mut HashMap<usize, Findings>,
    loaded: &LoadedSet,
    units: &UnitsBySource,
    rule: &'static str,
    h: Hit,
) {
    let default = rules::by_id(rule).map_or(Severity::Warning, |r| r.meta().severity);
    let Some(&index) = units.0.get(&(Arc::as_ptr(&h.file) as usize)) else {
        return;
    };
    by_file.entry(index).or_default().push(Finding {
        impact: None,
        fix: h.fix,
        suggestion: h.suggestion,
        rule,
        severity: loaded.config.severity(rule, default),
        file: h.file,
        span: h.span,
        message: h.message,
        help: h.help,
    });
}

/// Applies directives to one file's findings and reports invalid and unused directives.
/// `findings` must all belong to `file`.
pub fn apply_allows(
    file: &Arc<SourceFile>,
    allows: Vec<(Directive, Range<usize>)>,
    findings: Findings,
    config: &Config,
) -> Findings {
    let mut allows: Vec<Allow> = allows
        .into_iter()
        .map(|(directive, covers)| Allow {
            directive,
            covers,
            used: false,
        })
        .collect();
    let mut extra = Vec::new();
    for a in &mut allows {
        let unknown: Vec<_> = a
            .directive
            .rules
            .iter()
            .filter(|r| rules::by_id(r).is_none())
            .cloned()
            .collect();
        let problem = if a.directive.rules.is_empty() {
            Some("names no rule; write `migcheck:allow <rule-id> reason: <why>`".to_string())
        } else if !unknown.is_empty() {
            Some(format!(
                "names unknown rule id(s) {} (see `migcheck rules`)",
                unknown
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else if a.directive.reason.is_none() {
            Some("has no `reason:`, so it is not honoured; say why the change is safe".to_string())
        } else {
            None
        };
        if let Some(p) = problem {
            a.used = true; // reported as invalid, not also as unused
            a.covers = 0..0;
            extra.push(Finding {
                impact: None,
                fix: None,
                suggestion: None,
                rule: "invalid-allow",
                severity: Severity::Warning,
                file: file.clone(),
                span: a.directive.span.clone(),
                message: format!("This migcheck:allow directive {p}"),
                help: "Write `-- migcheck:allow <rule-id> reason: <why this is safe>` on the line above the statement.".into(),
            });
        }
    }
    // Filtered in place: a file's findings are never held twice.
    let mut kept = findings;
    if !allows.is_empty() {
        // The directives that cover something, by where their range starts, with the furthest
        // end reached so far: a finding looks only at the ranges that can hold it, so a file of
        // many directives and many findings costs their sum, not their product.
        // Whole-file directives are looked at for every finding, apart.
        let covering = |a: &Allow| a.covers.end > a.covers.start;
        let whole: Vec<usize> = (0..allows.len())
            .filter(|&i| covering(&allows[i]) && allows[i].directive.scope == Scope::File)
            .collect();
        let mut order: Vec<usize> = (0..allows.len())
            .filter(|&i| covering(&allows[i]) && allows[i].directive.scope == Scope::Next)
            .collect();
        order.sort_by_key(|&i| allows[i].covers.start);
        let furthest: Vec<usize> = order
            .iter()
            .scan(0, |end, &i| {
                *end = allows[i].covers.end.max(*end);
                Some(*end)
            })
            .collect();
        kept.retain_meta(|f| {
            let at = f.span.start;
            let mut k = order.partition_point(|&i| allows[i].covers.start <= at);
            let mut silenced = false;
            for &i in &whole {
                let a = &mut allows[i];
                if a.covers.contains(&at) && a.directive.rules.iter().any(|r| r == f.rule) {
                    a.used = true;
                    silenced = true;
                }
            }
            while k > 0 && furthest[k - 1] > at {
                k -= 1;
                let a = &mut allows[order[k]];
                if a.covers.contains(&at) && a.directive.rules.iter().any(|r| r == f.rule) {
                    a.used = true;
                    silenced = true;
                }
            }
            !silenced
        });
    }
    for a in &allows {
        if !a.used {
            extra.push(Finding {
                impact: None,
                fix: None,
                suggestion: None,
                rule: "unused-allow",
                severity: Severity::Warning,
                file: file.clone(),
                span: a.directive.span.clone(),
                message: format!(
                    "This migcheck:allow for {} silences nothing: no such finding {}",
                    a.directive
                        .rules
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    match a.directive.scope {
                        Scope::Next => "on the statement it covers",
                        Scope::File => "in this file",
                    }
                ),
                help: "Remove the directive, or move it to the line directly above the statement it is meant for.".into(),
            });
        }
    }
    for mut f in extra {
        let meta = rules::by_id(f.rule)
            .map(|r| r.meta().severity)
            .unwrap_or(Severity::Warning);
        f.severity = config.severity(f.rule, meta);
        kept.push(f);
    }
    kept.retain_meta(|f| f.severity != Severity::Off);
    kept
}

/// Lints the migrations and deployment files under `paths`.
pub fn check(paths: &[PathBuf], opts: &CheckOptions) -> Report {
    let found = discover_scoped(paths, opts);
    let scope = crate::deploy_files::Scope::of(paths);
    let cache = opts.cache.as_deref().map(|cache| Cached {
        cache,
        store: &store_all,
    });
    on_check_threads(migration_files(&found), |spread| {
        check_found(found, opts, &read_source, cache, false, &scope, spread)
    })
}

/// Like [`check`], with the text of some files taken from memory instead of the disk: `overlay`
/// maps a file's canonical path to its text (an editor's unsaved buffer, a fix not yet
/// written). Sets, configs and every other file are found and read as [`check`] does.
pub fn check_overlay(
    paths: &[PathBuf],
    opts: &CheckOptions,
    overlay: &HashMap<PathBuf, String>,
) -> Report {
    let found = discover_scoped(paths, opts);
    let read = |path: &Path| match overlay.get(&canonical(path)) {
        Some(text) => Ok(SourceFile::new(
            path.to_path_buf(),
            display_path(path),
            text.clone(),
        )),
        None => read_source(path),
    };
    let scope = crate::deploy_files::Scope::of(paths);
    let saved = |path: &Path| !overlay.contains_key(&canonical(path));
    let cache = opts.cache.as_deref().map(|cache| Cached {
        cache,
        store: &saved,
    });
    on_check_threads(migration_files(&found), |spread| {
        check_found(found, opts, &read, cache, false, &scope, spread)
    })
}

/// Lints files held in memory, `(path, text)` pairs, as [`check`] would if they were on disk:
/// for embedders, editors and fuzzing. Every `.sql` file and deployment file given is
/// reported; the `.sql` files form migration sets by their paths (see
/// [`crate::discover::discover_named`]), and nothing else is read from disk except a config
/// file named by `opts.config` (without one, the defaults apply) and the markers some layouts
/// are recognised by (`migration_lock.toml`, Drizzle's journal, a sibling `package.json`).
pub fn check_sources(files: &[(PathBuf, String)], opts: &CheckOptions) -> Report {
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let found = crate::discover::discover_named(&paths, &crate::deploy_files::is_deploy_file);
    let by_path: HashMap<&Path, &str> = files
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_str()))
        .collect();
    let read = |path: &Path| match by_path.get(path) {
        Some(text) => Ok(SourceFile::new(
            path.to_path_buf(),
            path.to_string_lossy().into_owned(),
            (*text).to_string(),
        )),
        None => Err(InputError {
            path: path.to_string_lossy().into_owned(),
            line: None,
            message: "no such file in memory".into(),
        }),
    };
    let opts = CheckOptions {
        config: opts.config.clone(),
        // Paths in memory are never canonicalised against the disk.
        only: None,
        added: opts.added.clone(),
        force_exclude: false,
        no_ignore: opts.no_ignore,
        overrides: opts.overrides.clone(),
        cache: None,
    };
    let scope = crate::deploy_files::Scope::all_named();
    on_check_threads(migration_files(&found), |spread| {
        check_found(found, &opts, &read, None, true, &scope, spread)
    })
}

fn check_found(
    found: crate::discover::Discovery,
    opts: &CheckOptions,
    read: Reader<'_>,
    cache: Option<Cached<'_>>,
    in_memory: bool,
    scope: &crate::deploy_files::Scope,
    spread: Spread,
) -> Report {
    let mut report = Report {
        scope: crate::scope::Scope::of(&found),
        ..Report::default()
    };
    let mut configs = ConfigCache::new(opts.config.clone());
    configs.in_memory = in_memory;
    configs.overrides = opts.overrides.clone();
    let crate::discover::Discovery {
        sets,
        missing,
        deploy_files,
        ..
    } = found;
    let prepared = prepare(sets, missing, &mut configs, &mut report.errors);
    let only = opts.only.as_ref();
    let is_reported = |path: &Path, named: bool| match only {
        Some(set) => set.contains(&canonical(path)),
        None => named,
    };
    // Each set is read, checked and freed in one go: only the sets being checked are held,
    // never all of them (issue 33: memory). Its scope entry goes with it.
    let shown = std::mem::take(&mut report.scope.sets);
    debug_assert_eq!(shown.len(), prepared.len());
    let work = prepared.into_iter().zip(shown).collect();
    let per_set = spread.map(work, |((set, config), mut shown)| {
        let (mut loaded, errs) = load_set(set, config, read, cache.as_ref(), spread);
        resolve_scope(&mut shown, &loaded);
        if opts.added.is_some() || only.is_some() {
            for u in &mut loaded.units {
                let path = canonical(&u.migration.path);
                // Rules that compare the change with the rest of its set
                // (`migration-version-out-of-order`) read `is_new`: only git knows which files
                // a change adds.
                if let Some(added) = &opts.added {
                    u.migration.is_new = added.contains(&path);
                }
                // With a list of files to report (`--changed-since`), the other files of a set
                // are context: rules that ask whether a later migration ships with this one read
                // `reported`, and only the reported files' findings are kept below.
                if let Some(only) = only {
                    u.migration.reported = only.contains(&path);
                }
            }
        }
        let mut by_file = HashMap::new();
        let units = UnitsBySource::of(&loaded);
        run_rules(&loaded, spread, |rule, h| {
            add_finding(&mut by_file, &loaded, &units, rule, h)
        });
        let mut findings = Findings::new();
        let (mut files, mut statements) = (Vec::new(), 0);
        for unit in &loaded.units {
            if !unit.migration.reported {
                continue;
            }
            files.push(unit.source.display.clone());
            statements += unit.parsed.statements.len();
            let f = by_file.remove(&unit.index).unwrap_or_default();
            let f = apply_allows(&unit.source, sql_allows(unit), f, &loaded.config);
            if !f.is_empty() {
                // Every output places a finding by line and column: the file's line index is
                // built here, on the set's thread, not one file after another as it is written.
                unit.source.lines();
            }
            findings.append(f);
        }
        (findings, files, statements, shown, errs)
    });
    for (f, files, statements, shown, errs) in per_set {
        report.errors.extend(errs);
        report.scope.sets.push(shown);
        report.findings.append(f);
        report.files += files.len();
        report.checked.extend(files);
        report.statements += statements;
    }

    for path in deploy_files {
        if !is_reported(&path, true) || !scope.is_checked(&path) {
            continue;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let config = match configs.for_dir(dir) {
            Ok(c) => c,
            Err(e) => {
                if !report.errors.contains(&e) {
                    report.errors.push(e);
                }
                Arc::new(Config::default())
            }
        };
        if config.is_excluded(&path) {
            continue;
        }
        let named = scope.is_named(&path);
        match read(&path).and_then(|s| crate::deploy_files::check_source_in(s, &config, named)) {
            Ok(findings) => {
                report.files += 1;
                report.checked.push(display_path(&path));
                report.findings.extend(findings);
            }
            Err(e) => report.errors.push(e),
        }
    }
    for e in &mut report.errors {
        e.message = crate::finding::readable(std::mem::take(&mut e.message));
    }
    report.findings.sort();
    report.checked.sort();
    report.checked.dedup();
    report
        .errors
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    report
}
