//! `migcheck replay`: apply the migrations to a throwaway PostgreSQL and check the result.
//!
//! 1. Load the migration sets (as `check` does), start a [`ThrowawayServer`].
//! 2. Per set, a database of its own (`CREATE DATABASE replay_<n>_<kind>`); for a Supabase
//!    set, the Supabase baseline first.
//! 3. Apply each migration the tool applies, in its order, the way the tool does (see
//!    [`plan`]): one transaction per file for tools that wrap files in one, unless the file
//!    cannot run in one; statement by statement otherwise. Each statement's exact text is sent
//!    with the simple query protocol, followed in the same message by the lock trace query
//!    (see [`trace`]): one round trip per statement. The migration is recorded in the tool's
//!    history table as the tool does (see `migcheck_core::tool`).
//! 4. A rejected statement becomes a `replay-failed` finding at the position PostgreSQL names;
//!    replay of that set stops there. Locks that block reads or writes on tables that existed
//!    before the file started are `replay-lock` findings, rewrites `replay-table-rewrite`.
//! 5. After the last migration of a set, `verify` (with `--all` semantics) compares the
//!    database with the set's expectations.
//!
//! The server is stopped and removed at the end, on error, and on Ctrl-C / SIGTERM (then
//! [`ReplayError::Interrupted`]); with `keep` it is left running after a run that completed.

pub mod exec;
pub mod plan;
pub mod remote;
pub mod trace;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use migcheck_core::expect;
use migcheck_core::finding::Severity;
use migcheck_core::findings::Findings;
use migcheck_core::lint::{self, ConfigCache, InputError, LoadedSet, Report};
use migcheck_core::rules::FileUnit;
use migcheck_core::suppress::Directive;

use crate::conn::{connect, ConnectionConfig, PgError};
use crate::server::{find_bin_dir, install_hint, ServerError, ServerOptions, ThrowawayServer};
use crate::supabase::apply_supabase_baseline;
use crate::verify::{verify, VerifyOptions, VerifyReport};

pub use exec::{REPLAY_FAILED, REPLAY_LOCK, REPLAY_TABLE_REWRITE};

/// The rule ids replay reports.
pub const REPLAY_RULES: [&str; 3] = [REPLAY_FAILED, REPLAY_LOCK, REPLAY_TABLE_REWRITE];

/// How to replay.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    /// The directory with `initdb`, `postgres`, `pg_ctl`.
    pub pg_bin: Option<PathBuf>,
    /// Prefer this major version's binaries (`/usr/lib/postgresql/N/bin`, ...). When they
    /// are not installed, replay runs on the installed major with a warning (in `notes`),
    /// unless `strict_pg_version`.
    pub pg_version: Option<u32>,
    /// With `pg_version`: stop (exit 2) when that major is not installed.
    pub strict_pg_version: bool,
    /// Leave the server running at the end.
    pub keep: bool,
    /// Use this configuration file instead of the nearest `migcheck.toml`.
    pub config: Option<PathBuf>,
    /// Replay into this disposable server (e.g. the Supabase CLI's local database, a
    /// `supabase/postgres` service container) instead of starting one: a fresh database per
    /// set, dropped afterwards; no other database is touched.
    pub server_url: Option<String>,
    /// Accept a `server_url` whose server does not look disposable (user tables, unknown
    /// roles, replication).
    pub disposable: bool,
    /// `statement_timeout` of each migration statement (server-side), and with 10 s more the
    /// client-side deadline of each round trip. Default [`DEFAULT_STATEMENT_TIMEOUT`].
    pub statement_timeout: Option<Duration>,
}

/// One set's replay.
#[derive(Debug)]
pub struct SetOutcome {
    /// The tool that applies the set.
    pub tool: &'static dyn migcheck_core::tool::Tool,
    /// The set directory, as shown to users.
    pub dir: String,
    /// The database it was replayed into.
    pub database: String,
    /// Migrations the tool would apply.
    pub files: usize,
    /// Migrations applied completely.
    pub applied: usize,
    /// The file whose statement PostgreSQL rejected.
    pub stopped_at: Option<String>,
    /// Where in that file and why replay of the set stopped.
    pub stop: Option<exec::Stop>,
    /// The verify checks, when every migration applied.
    pub verify: Option<VerifyReport>,
    pub elapsed: Duration,
}

/// A server left running with `keep`.
#[derive(Debug, Clone)]
pub struct KeptServer {
    /// Connection URL over the unix socket (no password needed), to the `postgres` database.
    pub url: String,
    pub stop_command: String,
    /// The directory to delete once stopped.
    pub dir: PathBuf,
}

/// Everything a replay found.
#[derive(Debug, Default)]
pub struct ReplayOutcome {
    /// Findings (`replay-*` rules) in `check`'s shape; `files` are the files sent,
    /// `statements` the statements sent.
    pub report: Report,
    pub sets: Vec<SetOutcome>,
    /// PostgreSQL major version of the server.
    pub server_version: String,
    /// initdb + start-up.
    pub startup: Duration,
    /// The whole run, start-up included.
    pub total: Duration,
    pub kept: Option<KeptServer>,
    /// With `--server-url`: the server (URL without password); nothing was started.
    pub remote: Option<String>,
    /// Things the user should know (leftovers of earlier runs removed, clean-up problems).
    pub notes: Vec<String>,
    /// The run ended early (a deadline passed, the connection was lost): the sets done so
    /// far are in `sets`, the one it stopped in last.
    pub error: Option<String>,
}

impl ReplayOutcome {
    /// Error-severity findings or failed verify checks.
    pub fn failed(&self) -> bool {
        self.report.count(Severity::Error) > 0
            || self
                .sets
                .iter()
                .any(|s| s.verify.as_ref().is_some_and(|v| !v.ok()))
    }

    /// A set stopped at an extension the server does not have: replay could not check the
    /// rest of it (exit 2 when nothing else failed).
    pub fn incomplete(&self) -> bool {
        self.sets.iter().any(|s| {
            s.stop
                .as_ref()
                .is_some_and(|t| t.missing_extension.is_some())
        })
    }
}

/// What an interrupted run with the built-in server did.
const STOPPED: &str = "the throwaway server was stopped and removed";

/// The default `--statement-timeout`: a migration statement may legitimately run long.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(300);

/// Why replay could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Input(Vec<InputError>),
    #[error("{0}")]
    Server(#[from] ServerError),
    #[error("{0}")]
    Pg(#[from] PgError),
    /// Ctrl-C or SIGTERM; the text says what was cleaned up.
    #[error("interrupted; {0}")]
    Interrupted(String),
    #[error("{0}")]
    Other(String),
}

/// The server binaries: `pg_bin`, else `pg_version`'s usual folders, else [`find_bin_dir`].
pub fn bin_dir(pg_bin: Option<&Path>, pg_version: Option<u32>) -> Result<PathBuf, ServerError> {
    let Some(n) = pg_version.filter(|_| pg_bin.is_none()) else {
        return find_bin_dir(pg_bin);
    };
    let candidates = [
        format!("/usr/lib/postgresql/{n}/bin"),
        format!("/usr/pgsql-{n}/bin"),
        format!("/opt/homebrew/opt/postgresql@{n}/bin"),
        format!("/usr/local/opt/postgresql@{n}/bin"),
    ];
    for c in &candidates {
        let d = Path::new(c);
        if ["initdb", "postgres", "pg_ctl"]
            .iter()
            .all(|b| d.join(b).is_file())
        {
            return Ok(d.to_path_buf());
        }
    }
    let generic = install_hint();
    let install = if generic.starts_with("apt-get install postgresql") && !generic.contains('(') {
        // Debian and Ubuntu ship one major each (Debian 12: 15); the others come from the
        // PostgreSQL apt repository.
        format!(
            "apt-get install postgresql-{n} after adding the PostgreSQL apt repository (apt.postgresql.org, see https://wiki.postgresql.org/wiki/Apt: `apt-get install postgresql-common && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh`)"
        )
    } else if generic.starts_with("dnf") {
        format!("dnf install postgresql{n}-server")
    } else if generic.starts_with("brew") {
        format!("brew install postgresql@{n}")
    } else {
        format!("{generic} (version {n})")
    };
    Err(ServerError::NotFound {
        searched: candidates.join(", "),
        install,
    })
}

/// Replays the migration sets under `paths` (blocking; installs its own SIGINT/SIGTERM
/// handling for the duration of the call).
pub fn run_blocking(paths: &[PathBuf], opts: &ReplayOptions) -> Result<ReplayOutcome, ReplayError> {
    let began = Instant::now();
    let mut errors = Vec::new();
    let mut configs = ConfigCache::new(opts.config.clone());
    let (sets, _) = lint::load(paths, &mut configs, &mut errors);
    if !errors.is_empty() {
        return Err(ReplayError::Input(errors));
    }
    let sets: Vec<LoadedSet> = sets
        .into_iter()
        .filter(|s| exec::applied_units(s).next().is_some())
        .collect();
    if sets.is_empty() {
        return Ok(ReplayOutcome::default());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ReplayError::Other(format!("cannot start the async runtime: {e}")))?;
    if let Some(url) = &opts.server_url {
        // A bare `--server-url` (empty here): DATABASE_URL, else the libpq variables.
        let cfg = ConnectionConfig::from_env(Some(url.as_str()).filter(|u| !u.is_empty()))?;
        for w in &cfg.warnings {
            // As libpq, which prints its password-file warnings to stderr.
            eprintln!("WARNING: {w}");
        }
        let mut outcome = rt.block_on(run_on_server(sets, cfg, opts, began))?;
        outcome.total = began.elapsed();
        return Ok(outcome);
    }
    let (bin, fallback) = match bin_dir(opts.pg_bin.as_deref(), opts.pg_version) {
        Ok(b) => (b, None),
        // `--pg-version N` without N installed: the installed major, with a warning, unless
        // `--strict-pg-version` (issue 29 item 8).
        Err(e @ ServerError::NotFound { .. })
            if opts.pg_version.is_some() && opts.pg_bin.is_none() && !opts.strict_pg_version =>
        {
            match find_bin_dir(None) {
                Ok(b) => (b, Some(e)),
                Err(_) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let settings = extension_settings(&bin, &sets);
    let server_opts = ServerOptions {
        pg_bin: Some(bin),
        // `keep` is applied at the very end, so that errors and Ctrl-C always stop the server.
        keep: false,
        // A kept server must outlive this process; any other stops with it.
        stop_with_parent: !opts.keep,
        settings,
        ..ServerOptions::default()
    };
    let mut outcome = rt.block_on(run_async(sets, server_opts, opts, began))?;
    if let (Some(missing), Some(wanted)) = (fallback, opts.pg_version) {
        let installed: u32 = outcome
            .server_version
            .split('.')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        outcome
            .notes
            .insert(0, version_fallback_warning(wanted, installed, &missing));
    }
    outcome.total = began.elapsed();
    Ok(outcome)
}

/// What a major version changed that a migration may meet (the release notes' headline SQL
/// changes), for the warning of a replay on another major than asked.
const MAJOR_CHANGES: [(u32, &str); 7] = [
    (
        12,
        "generated columns, ALTER TYPE ... ADD VALUE inside a transaction",
    ),
    (
        13,
        "DROP DATABASE ... WITH (FORCE), ALTER COLUMN ... DROP EXPRESSION",
    ),
    (14, "multirange types, CREATE OR REPLACE TRIGGER"),
    (
        15,
        "MERGE, UNIQUE NULLS NOT DISTINCT, CREATE on schema public no longer granted to PUBLIC",
    ),
    (
        16,
        "SQL/JSON constructors (JSON_ARRAY, JSON_OBJECT), GRANT ... WITH INHERIT / SET",
    ),
    (
        17,
        "MERGE ... RETURNING, JSON_TABLE, identity columns on partitioned tables",
    ),
    (
        18,
        "virtual generated columns (the default), OLD and NEW in RETURNING, uuidv7()",
    ),
];

/// `--pg-version N` is not installed: replay runs on `installed`; says what may differ.
pub fn version_fallback_warning(wanted: u32, installed: u32, missing: &ServerError) -> String {
    let (lo, hi) = (wanted.min(installed), wanted.max(installed));
    let changes: Vec<String> = MAJOR_CHANGES
        .iter()
        .filter(|(v, _)| *v > lo && *v <= hi)
        .map(|(v, c)| format!("{v}: {c}"))
        .collect();
    let differ = if changes.is_empty() {
        String::new()
    } else if wanted > installed {
        format!(
            "; what PostgreSQL {wanted} accepts and {installed} does not may fail here ({})",
            changes.join("; ")
        )
    } else {
        format!(
            "; what {installed} added after PostgreSQL {wanted} applies here but would fail there ({})",
            changes.join("; ")
        )
    };
    let install = match missing {
        ServerError::NotFound { install, .. } => install.as_str(),
        _ => "",
    };
    format!(
        "warning: PostgreSQL {wanted} is not installed, so this replay ran on the installed PostgreSQL {installed}{differ}. Default privileges, catalog columns and error messages differ between majors too. For PostgreSQL {wanted}: {install}; or pass --strict-pg-version to stop instead"
    )
}

/// SIGINT or SIGTERM.
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Signals, ReplayError> {
        use tokio::signal::unix::{signal, SignalKind};
        let err = |e: std::io::Error| ReplayError::Other(format!("cannot handle Ctrl-C: {e}"));
        Ok(Signals {
            int: signal(SignalKind::interrupt()).map_err(err)?,
            term: signal(SignalKind::terminate()).map_err(err)?,
        })
    }

    async fn recv(&mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }
}

async fn run_async(
    sets: Vec<LoadedSet>,
    server_opts: ServerOptions,
    opts: &ReplayOptions,
    began: Instant,
) -> Result<ReplayOutcome, ReplayError> {
    let mut signals = Signals::new()?;
    let mut start = tokio::task::spawn_blocking(move || ThrowawayServer::start(server_opts));
    let server = tokio::select! {
        biased;
        _ = signals.recv() => {
            // Let the start finish so the server is dropped (stopped, removed) before we exit.
            let _ = (&mut start).await;
            return Err(ReplayError::Interrupted(STOPPED.into()));
        }
        r = &mut start => r.map_err(|e| ReplayError::Other(format!("server start-up failed: {e}")))??,
    };
    let result = tokio::select! {
        biased;
        _ = signals.recv() => Err(ReplayError::Interrupted(STOPPED.into())),
        r = replay_sets(&server, &sets, opts) => r,
    };
    let result = match result {
        // The terminal's Ctrl-C reaches the server too, which may close our connection
        // before our own handler runs.
        Err(ReplayError::Pg(_)) | Ok((_, _, Some(ReplayError::Pg(_))))
            if tokio::time::timeout(Duration::from_millis(300), signals.recv())
                .await
                .is_ok() =>
        {
            Err(ReplayError::Interrupted(STOPPED.into()))
        }
        r => r,
    };
    let (mut findings_sets, set_outcomes, abort) = result?;
    let mut outcome = ReplayOutcome {
        server_version: server.version().to_string(),
        startup: server.startup_time(),
        error: abort.map(|e| e.to_string()),
        ..ReplayOutcome::default()
    };
    collect_findings(&mut outcome, &sets, &mut findings_sets, set_outcomes, began);
    if opts.keep {
        outcome.kept = Some(KeptServer {
            url: server.url(),
            stop_command: server.stop_command(),
            dir: server.socket_dir().to_path_buf(),
        });
        // Neither stop the server nor remove its directory.
        std::mem::forget(server);
    }
    Ok(outcome)
}

/// Each set's run and outcome, and the error that ended the run early (the sets before it
/// and the one it happened in are in the vectors).
type SetResults = (Vec<exec::SetRun>, Vec<SetOutcome>, Option<ReplayError>);

/// The database replay creates for set `i` (0-based) on the built-in server.
fn database_name(i: usize, tool: &dyn migcheck_core::tool::Tool) -> String {
    format!("replay_{}_{}", i + 1, tool.id().replace('-', "_"))
}

/// Server settings for the extensions installed next to the server binaries: `pg_cron` must
/// be preloaded and told which database it lives in (`cron.database_name`, a server-wide
/// setting: the first set that mentions pg_cron gets it).
fn extension_settings(bin: &Path, sets: &[LoadedSet]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !extension_installed(bin, "pg_cron") {
        return out;
    }
    let user = sets
        .iter()
        .position(|s| s.units.iter().any(|u| u.source.text.contains("pg_cron")))
        .unwrap_or(0);
    out.push(("shared_preload_libraries".into(), "pg_cron".into()));
    out.push((
        "cron.database_name".into(),
        database_name(user, sets[user].set.tool),
    ));
    out
}

/// Whether `<sharedir>/extension/<name>.control` exists for the server in `bin`.
pub fn extension_installed(bin: &Path, name: &str) -> bool {
    let sharedir = std::process::Command::new(bin.join("pg_config"))
        .arg("--sharedir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let candidates = [
        sharedir,
        bin.parent().map(|p| p.join("share")),
        bin.parent()
            .and_then(|p| p.file_name())
            .map(|v| Path::new("/usr/share/postgresql").join(v)),
    ];
    candidates.iter().flatten().any(|d| {
        d.join("extension")
            .join(format!("{name}.control"))
            .is_file()
    })
}

async fn replay_sets(
    server: &ThrowawayServer,
    sets: &[LoadedSet],
    opts: &ReplayOptions,
) -> Result<SetResults, ReplayError> {
    let major: u32 = server
        .version()
        .split('.')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let names: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, s)| database_name(i, s.set.tool))
        .collect();
    replay_into(&server.connection_config(), major, sets, &names, opts).await
}

/// `--server-url`: replay into a disposable server the user runs (see [`remote`]). Refuses a
/// server that does not look disposable (unless `disposable`), removes what dead runs left,
/// creates one fresh database per set and drops it afterwards with the roles it created,
/// also on error, on a frozen network (every round trip has a deadline) and on Ctrl-C /
/// SIGTERM (the run stops at once; clean-up is bounded by [`remote::CLEANUP_DEADLINE`]).
async fn run_on_server(
    sets: Vec<LoadedSet>,
    cfg: ConnectionConfig,
    opts: &ReplayOptions,
    began: Instant,
) -> Result<ReplayOutcome, ReplayError> {
    let mut signals = Signals::new()?;
    let run = remote::RunId::new();
    let shown = cfg.display();
    let mut st = RemoteState::default();
    let result = tokio::select! {
        biased;
        _ = signals.recv() => Err(ReplayError::Interrupted(String::new())),
        r = remote_work(&sets, &cfg, opts, &run, &mut st) => r,
    };
    // Clean up on a fresh connection, bounded; a second signal abandons it.
    let mut cleaned = remote::Cleaned::default();
    if !st.databases.is_empty() || st.roles_before.is_some() {
        let new_since = st.roles_before.as_ref().map(|b| (b, &run));
        tokio::select! {
            biased;
            _ = signals.recv() => {}
            _ = tokio::time::timeout(
                remote::CLEANUP_DEADLINE,
                remote::cleanup(&cfg, st.major, &st.databases, &[], new_since, &mut cleaned),
            ) => {}
        }
    }
    if let Some((admin, driver)) = st.admin.take() {
        // The advisory lock goes with the session; a frozen session is just dropped.
        let _ =
            tokio::time::timeout(Duration::from_secs(1), crate::conn::close(admin, driver)).await;
    }
    let cleanup_note = cleaned.sentence(&shown);
    let (mut findings_sets, set_outcomes, abort) = match result {
        Ok(r) => r,
        Err(ReplayError::Interrupted(_)) => {
            return Err(ReplayError::Interrupted(format!(
                "nothing was started (--server-url); {cleanup_note}"
            )))
        }
        Err(e) if !cleaned.failed.is_empty() || !cleaned.databases.is_empty() => {
            return Err(ReplayError::Other(format!("{e}\n{cleanup_note}")))
        }
        Err(e) => return Err(e),
    };
    let mut outcome = ReplayOutcome {
        server_version: (st.major).to_string(),
        remote: Some(shown.clone()),
        notes: std::mem::take(&mut st.notes),
        ..ReplayOutcome::default()
    };
    match abort {
        Some(e) if !cleaned.failed.is_empty() || !cleaned.databases.is_empty() => {
            outcome.error = Some(format!("{e}\n{cleanup_note}"))
        }
        Some(e) => {
            outcome.error = Some(e.to_string());
            if !cleaned.failed.is_empty() {
                outcome.notes.push(cleanup_note);
            }
        }
        None if !cleaned.failed.is_empty() => outcome.notes.push(cleanup_note),
        None => {}
    }
    collect_findings(&mut outcome, &sets, &mut findings_sets, set_outcomes, began);
    Ok(outcome)
}

/// What a `--server-url` run has made so far (for clean-up, even when cut short).
#[derive(Default)]
struct RemoteState {
    admin: Option<(tokio_postgres::Client, crate::conn::Driver)>,
    major: u32,
    /// Databases this run may have created (recorded before CREATE DATABASE is sent).
    databases: Vec<String>,
    /// The roles before this run created any.
    roles_before: Option<std::collections::BTreeSet<String>>,
    notes: Vec<String>,
}

async fn remote_work(
    sets: &[LoadedSet],
    cfg: &ConnectionConfig,
    opts: &ReplayOptions,
    run: &remote::RunId,
    st: &mut RemoteState,
) -> Result<SetResults, ReplayError> {
    let shown = cfg.display();
    let (admin, driver) = remote::open(cfg).await?;
    let ins = remote::inspect(&admin, cfg).await;
    st.admin = Some((admin, driver));
    let ins = ins?;
    let admin = &st.admin.as_ref().expect("just set").0;
    st.major = ins.version_num / 10000;
    if !ins.can_create_db {
        return Err(ReplayError::Other(format!(
            "cannot replay into {shown}: the role {} may not create databases (replay creates a fresh database per set and drops it afterwards)",
            cfg.user
        )));
    }
    if let Some(why) = ins.refusal().filter(|_| !opts.disposable) {
        return Err(ReplayError::Other(format!(
            "refusing to replay into {shown}: it does not look disposable: {why}. Replay runs your migrations there as {} and creates cluster-wide roles for a Supabase set; nothing was changed. Use a throwaway server (`supabase start` on a fresh project, a supabase/postgres service container) or, if this server really is disposable, pass --yes-this-is-disposable",
            cfg.user
        )));
    }
    remote::lock(admin, run).await?;
    // What dead runs left: their lock is free.
    for lo in &ins.stale {
        let mut done = remote::Cleaned::default();
        remote::cleanup(cfg, st.major, &lo.databases, &lo.roles, None, &mut done).await;
        let what: Vec<String> = done.databases.iter().chain(&done.roles).cloned().collect();
        if !what.is_empty() {
            st.notes.push(format!(
                "removed what an earlier replay (run {}{}) left on {shown}: {}",
                lo.key,
                lo.origin
                    .as_deref()
                    .map(|o| format!(", {o}"))
                    .unwrap_or_default(),
                what.join(", ")
            ));
        }
        if !done.failed.is_empty() {
            st.notes.push(format!(
                "could not remove {} left by an earlier replay (run {})",
                done.failed.join(", "),
                lo.key
            ));
        }
    }
    st.roles_before = Some(
        remote::roles(admin)
            .await?
            .into_iter()
            .map(|(n, _)| n)
            .collect(),
    );
    let names: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, s)| run.database(i + 1, s.set.tool.id()))
        .collect();
    let mut runs = Vec::new();
    let mut outcomes = Vec::new();
    for (i, loaded) in sets.iter().enumerate() {
        let began = Instant::now();
        let database = names[i].clone();
        st.databases.push(database.clone());
        remote::create_database(admin, &database, run).await?;
        let before = st.roles_before.as_ref().expect("taken above");
        let r = replay_one(cfg, st.major, loaded, &database, opts, || async {
            remote::mark_new_roles(admin, before, run).await
        })
        .await;
        // Roles the migrations made are this run's too (not worth a wait when the server
        // stopped answering: the clean-up drops them by the snapshot anyway).
        let silent = matches!(
            &r,
            Err(ReplayError::Pg(
                PgError::RoundTripTimeout { .. } | PgError::Timeout { .. }
            ))
        ) || matches!(
            &r,
            Ok((run_i, _)) if matches!(
                run_i.fatal,
                Some(PgError::RoundTripTimeout { .. } | PgError::Timeout { .. })
            )
        );
        if !silent {
            remote::mark_new_roles(admin, before, run).await?;
        }
        let (mut run_i, outcome) = r?;
        let fatal = run_i.fatal.take();
        outcomes.push(SetOutcome {
            elapsed: began.elapsed(),
            ..outcome
        });
        runs.push(run_i);
        if let Some(e) = fatal {
            // The clean-up drops the database on a fresh connection.
            return Ok((runs, outcomes, Some(e.into())));
        }
        // Dropped as soon as the set is done (also at the end, if this fails).
        remote::drop_database(admin, &database, st.major).await?;
        st.databases.retain(|d| d != &database);
    }
    Ok((runs, outcomes, None))
}

/// Replays each set into a database of its own (`names[i]`), created here (built-in server).
async fn replay_into(
    cfg: &ConnectionConfig,
    major: u32,
    sets: &[LoadedSet],
    names: &[String],
    opts: &ReplayOptions,
) -> Result<SetResults, ReplayError> {
    let admin = connect(cfg).await?;
    let mut runs = Vec::new();
    let mut outcomes = Vec::new();
    for (i, loaded) in sets.iter().enumerate() {
        let began = Instant::now();
        let database = names[i].clone();
        crate::conn::round_trip(
            &admin,
            &format!("CREATE DATABASE {database}"),
            remote::CONTROL_TIMEOUT,
            "creating a database",
        )
        .await?
        .map_err(|e| PgError::Other(format!("cannot create database {database}: {e}")))?;
        let (mut run, outcome) =
            replay_one(cfg, major, loaded, &database, opts, || async { Ok(()) }).await?;
        let fatal = run.fatal.take();
        outcomes.push(SetOutcome {
            elapsed: began.elapsed(),
            ..outcome
        });
        runs.push(run);
        if let Some(e) = fatal {
            return Ok((runs, outcomes, Some(e.into())));
        }
    }
    Ok((runs, outcomes, None))
}

/// The statement deadline: `statement_timeout` on the server, and the client-side deadline
/// of each round trip (that plus 10 s, as `verify`), for a network that stops answering.
fn statement_limits(opts: &ReplayOptions) -> (Duration, Duration) {
    let st = opts.statement_timeout.unwrap_or(DEFAULT_STATEMENT_TIMEOUT);
    (st, st + Duration::from_secs(10))
}

/// Replays one set into `database` (which exists), then verifies it. `after_baseline` runs
/// once the Supabase baseline is in (to mark the roles it created).
async fn replay_one<F, Fut>(
    cfg: &ConnectionConfig,
    major: u32,
    loaded: &LoadedSet,
    database: &str,
    opts: &ReplayOptions,
    after_baseline: F,
) -> Result<(exec::SetRun, SetOutcome), ReplayError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), PgError>>,
{
    let began = Instant::now();
    let tool = loaded.set.tool;
    let (statement_timeout, limit) = statement_limits(opts);
    let (client, driver) = crate::conn::connect_with_driver(&cfg.with_dbname(database)).await?;
    crate::conn::round_trip(
        &client,
        &format!("SET statement_timeout = {}", statement_timeout.as_millis()),
        remote::CONTROL_TIMEOUT,
        "setting statement_timeout",
    )
    .await?
    .map_err(|e| PgError::Other(format!("cannot set statement_timeout: {e}")))?;
    // The Supabase platform (roles, `auth`, ...) serves every set of a Supabase project.
    if loaded.set.platform.is_supabase() {
        let applied = tokio::time::timeout(limit, apply_supabase_baseline(&client)).await;
        after_baseline().await?;
        applied.map_err(|_| PgError::RoundTripTimeout {
            secs: limit.as_secs(),
            phase: "applying the Supabase baseline".into(),
        })??;
    }
    let run = exec::run_set(&client, loaded, major, limit).await?;
    let verify = if run.stopped_at.is_none() && run.fatal.is_none() {
        let mut exp = expect::from_replayed_set(loaded);
        // The tool's own history table is not the user's: it needs no RLS.
        if let Some(h) = tool.history() {
            exp.allow_without_rls.push(h.table.to_string());
        }
        let vopts = VerifyOptions {
            all: true,
            statement_timeout_ms: statement_timeout.as_millis() as u64,
            round_trip_timeout: Some(limit),
            ..VerifyOptions::default()
        };
        let mut report = verify(&client, &exp, &vopts).await?;
        report.database = database.to_string();
        Some(report)
    } else {
        None
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), crate::conn::close(client, driver)).await;
    let outcome = SetOutcome {
        tool,
        dir: migcheck_core::source::display_path(&loaded.set.dir),
        database: database.to_string(),
        files: run.files,
        applied: run.applied,
        stopped_at: run.stopped_at.clone(),
        stop: run.stop.clone(),
        verify,
        elapsed: began.elapsed(),
    };
    Ok((run, outcome))
}

/// The `migcheck:allow` directives of a file that name a replay rule, with what they cover.
fn replay_allows(unit: &FileUnit) -> Vec<(Directive, Range<usize>)> {
    lint::sql_allows(unit)
        .into_iter()
        .filter(|(d, _)| d.rules.iter().any(|r| REPLAY_RULES.contains(&r.as_str())))
        .collect()
}

/// Findings of one set with configured severities and allow directives applied; also the
/// number of files and statements sent.
/// Fills the outcome's report from every set's run (built-in server and `--server-url` alike).
fn collect_findings(
    outcome: &mut ReplayOutcome,
    sets: &[LoadedSet],
    runs: &mut [exec::SetRun],
    set_outcomes: Vec<SetOutcome>,
    began: std::time::Instant,
) {
    for (loaded, run) in sets.iter().zip(runs.iter_mut()) {
        let (findings, files, statements) = findings_of(loaded, run);
        outcome.report.findings.append(findings);
        outcome.report.files += files;
        outcome.report.statements += statements;
    }
    outcome.report.findings.sort();
    outcome.sets = set_outcomes;
    outcome.total = began.elapsed();
}

fn findings_of(loaded: &LoadedSet, run: &mut exec::SetRun) -> (Findings, usize, usize) {
    let mut by_file = lint::findings_by_file(loaded, run.hits.drain(..));
    let mut out = Findings::new();
    for &i in &run.attempted {
        let Some(unit) = migcheck_core::rules::unit_at(&loaded.units, i) else {
            continue;
        };
        let findings = by_file.remove(&i).unwrap_or_default();
        out.append(lint::apply_allows(
            &unit.source,
            replay_allows(unit),
            findings,
            &loaded.config,
        ));
    }
    (out, run.attempted.len(), run.statements)
}
