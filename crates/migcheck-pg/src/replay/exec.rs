//! Applying one migration set to its database, statement by statement, with the lock trace.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use migcheck_core::discover::Role;
use migcheck_core::lint::LoadedSet;
use migcheck_core::rules::{FileUnit, Hit};
use migcheck_core::tool::{Applied, Tool};
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::plan::{plan_file, position_in_statement, token_at, FilePlan, TxControl};
use super::trace::{Event, Existing, LockRow, Tracer};
use crate::conn::{round_trip, PgError};
use crate::verify::display_table;

/// Rule ids of the findings replay produces.
pub const REPLAY_FAILED: &str = "replay-failed";
pub const REPLAY_LOCK: &str = "replay-lock";
pub const REPLAY_TABLE_REWRITE: &str = "replay-table-rewrite";

/// The tables (and materialized views) that exist now, outside the system schemas.
const SNAPSHOT_SQL: &str = "SELECT c.oid::pg_catalog.int8, c.relfilenode::pg_catalog.int8, n.nspname, c.relname \
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' \
AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

/// The relation locks this session holds now on relations whose oid is at most `max_oid`
/// (the tables that existed when the file started: see [`trace_sql`]), with the relation's
/// current relfilenode.
const TRACE_SQL_HEAD: &str = "SELECT l.relation::pg_catalog.int8, l.mode, c.relfilenode::pg_catalog.int8 \
FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation \
WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted \
AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) \
AND l.relation::pg_catalog.int8 <= ";

/// The trace query for a file that started with these tables, or `None` when there were
/// none (nothing can be locked that existed before, so there is nothing to trace).
///
/// Only locks on relations that existed when the file started matter, and they all have an
/// oid at most the largest oid of the snapshot: relations created since get new oids from
/// PostgreSQL's counter, which on a fresh throwaway server only grows. Filtering on that
/// keeps the rows per statement to the few existing tables touched, instead of every lock
/// the transaction holds, which grows with every table the file creates (one file creating
/// 1,000 tables made the trace quadratic: 50 s).
fn trace_sql(existing: &HashMap<u32, Existing>) -> Option<String> {
    let max = existing.keys().max()?;
    Some(format!("{TRACE_SQL_HEAD}{max}"))
}

/// What happened to one set.
#[derive(Debug, Default)]
pub struct SetRun {
    pub hits: Vec<(&'static str, Hit)>,
    /// Files that should be applied (forward, applied by the tool).
    pub files: usize,
    /// Files applied completely.
    pub applied: usize,
    /// Indexes (into `loaded.units`) of the files that were sent (applied or failed).
    pub attempted: Vec<usize>,
    pub statements: usize,
    /// The file where replay stopped.
    pub stopped_at: Option<String>,
    /// Where (1-based line of `stopped_at`) and why replay of the set stopped.
    pub stop: Option<Stop>,
    /// The connection failed (a deadline, a lost server): the set and the run end here.
    pub fatal: Option<PgError>,
}

/// Where and why replay of a set stopped.
#[derive(Debug, Clone)]
pub struct Stop {
    /// 1-based line in the file (`None` when the connection failed mid-file).
    pub line: Option<usize>,
    /// In words: PostgreSQL's message, or the extension the server lacks, or the fault.
    pub why: String,
    /// The server has no such extension installed: the server's gap, not the migrations'.
    pub missing_extension: Option<String>,
}

impl SetRun {
    /// Records a statement the server refused: a `replay-failed` finding, or for an
    /// extension the server lacks, a stop that is not a finding.
    fn stop_with(&mut self, f: Failure) {
        match f {
            Failure::Rejected(hit) => {
                let line = hit.file.text[..hit.span.start.min(hit.file.text.len())]
                    .matches('\n')
                    .count()
                    + 1;
                self.stop = Some(Stop {
                    line: Some(line),
                    why: hit.message.clone(),
                    missing_extension: None,
                });
                self.hits.push((REPLAY_FAILED, hit));
            }
            Failure::Missing {
                extension,
                line,
                why,
            } => {
                self.stop = Some(Stop {
                    line: Some(line),
                    why,
                    missing_extension: Some(extension),
                })
            }
            Failure::Fatal(_) => unreachable!("fatal failures end the run"),
        }
    }
}

/// Files the tool applies, in its order.
pub fn applied_units(loaded: &LoadedSet) -> impl Iterator<Item = &FileUnit> {
    loaded
        .units
        .iter()
        .filter(|u| matches!(u.migration.role, Role::Up | Role::Repeatable))
}

fn rows_of(msgs: &[SimpleQueryMessage]) -> Vec<Vec<Option<String>>> {
    // The rows of the last statement of the message.
    let mut last = Vec::new();
    let mut cur: Vec<Vec<Option<String>>> = Vec::new();
    for m in msgs {
        match m {
            SimpleQueryMessage::Row(r) => {
                cur.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            SimpleQueryMessage::CommandComplete(_) => last = std::mem::take(&mut cur),
            _ => {}
        }
    }
    last
}

fn lock_rows(msgs: &[SimpleQueryMessage]) -> Vec<LockRow> {
    rows_of(msgs)
        .into_iter()
        .filter_map(|r| {
            Some(LockRow {
                oid: r.first()?.as_deref()?.parse().ok()?,
                mode: r.get(1)?.clone()?,
                relfilenode: r.get(2)?.as_deref().and_then(|s| s.parse().ok()),
            })
        })
        .collect()
}

fn snapshot(msgs: &[SimpleQueryMessage]) -> (HashMap<u32, Existing>, Named) {
    let mut named = Named::default();
    let existing = rows_of(msgs)
        .into_iter()
        .filter_map(|r| {
            let oid: u32 = r.first()?.as_deref()?.parse().ok()?;
            let relfilenode = r.get(1)?.as_deref().and_then(|s| s.parse().ok());
            let relname = r.get(3)?.as_deref()?;
            named.add(relname);
            let name = display_table(r.get(2)?.as_deref()?, relname);
            Some((oid, Existing { name, relfilenode }))
        })
        .collect();
    (existing, named)
}

/// The names of the tables that existed when a file started, to tell which statements need
/// the lock trace.
///
/// Reading `pg_locks` costs time proportional to PostgreSQL's whole lock table, so tracing
/// every statement of a file that creates thousands of tables is slow. The statements below
/// only lock relations they name (the table created or altered, a referenced table, the
/// parent of a partition, the source of `LIKE`), so when such a statement names no table
/// that existed before the file, it cannot lock one, and its trace is skipped. Any other
/// statement (DO blocks, function calls, DROP SCHEMA ... CASCADE, ...) is always traced.
#[derive(Debug, Default)]
struct Named {
    /// Lower-cased names made of identifier characters only.
    words: std::collections::HashSet<String>,
    /// Lower-cased names with other characters (looked for as substrings).
    odd: Vec<String>,
}

/// Statement heads that lock only relations they name.
const NAMING_HEADS: [&str; 14] = [
    "CREATE TABLE",
    "CREATE UNLOGGED TABLE",
    "CREATE INDEX",
    "CREATE UNIQUE INDEX",
    "ALTER TABLE",
    "CREATE POLICY",
    "COMMENT ON",
    "GRANT",
    "REVOKE",
    "CREATE SEQUENCE",
    "CREATE TYPE",
    "CREATE VIEW",
    "CREATE OR REPLACE VIEW",
    "INSERT INTO",
];

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl Named {
    fn add(&mut self, relname: &str) {
        let lower = relname.to_lowercase();
        if lower.chars().all(ident_char) {
            self.words.insert(lower);
        } else {
            self.odd.push(lower);
        }
    }

    /// True when the statement may lock a table that existed before the file.
    fn may_touch(&self, head: &str, stmt: &str) -> bool {
        if !NAMING_HEADS.iter().any(|h| head.starts_with(h)) {
            return true;
        }
        let lower = stmt.to_lowercase();
        lower
            .split(|c: char| !ident_char(c))
            .any(|w| self.words.contains(w))
            || self.odd.iter().any(|n| lower.contains(n.as_str()))
    }
}

/// A statement failed: is it PostgreSQL saying no (a finding), or the connection (fatal)?
enum Failure {
    Rejected(Hit),
    /// `CREATE EXTENSION` of an extension the server does not have installed.
    Missing {
        extension: String,
        line: usize,
        why: String,
    },
    Fatal(PgError),
}

fn fatal(e: &tokio_postgres::Error, doing: &str) -> PgError {
    if e.is_closed() {
        PgError::Other(format!("the server closed the connection while {doing}"))
    } else {
        PgError::Other(format!("{doing}: {e}"))
    }
}

/// Turns a server error on a statement into a `replay-failed` hit at the place PostgreSQL names.
fn rejected(
    e: &tokio_postgres::Error,
    unit: &FileUnit,
    span: std::ops::Range<usize>,
    prefix_chars: usize,
    later: usize,
    doing: Option<&str>,
) -> Failure {
    let Some(db) = e.as_db_error() else {
        return Failure::Fatal(fatal(e, "applying a migration"));
    };
    if let Some(ext) = missing_extension(db) {
        let line = unit.source.text[..span.start].matches('\n').count() + 1;
        return Failure::Missing {
            why: missing_extension_message(
                &ext.0,
                ext.1.as_deref(),
                &format!("{}:{line}", unit.source.display),
            ),
            extension: ext.0,
            line,
        };
    }
    let text = &unit.source.text;
    let stmt = &text[span.clone()];
    let at = match db.position() {
        Some(ErrorPosition::Original(p)) => position_in_statement(stmt, prefix_chars, *p),
        Some(ErrorPosition::Internal { position, query }) => {
            // An error inside a DO block body points into the inner statement as written.
            stmt.find(query.as_str())
                .and_then(|o| position_in_statement(&stmt[o..], 0, *position).map(|p| o + p))
        }
        None => None,
    };
    // Without a position (e.g. ALTER TABLE on a missing relation), point at the name the
    // message quotes when the statement contains it.
    let at = at.or_else(|| quoted_name(db.message()).and_then(|n| find_name(stmt, n)));
    let span = match at {
        Some(off) => {
            let t = token_at(stmt, off);
            span.start + t.start..span.start + t.end
        }
        None => span,
    };
    let mut message = format!(
        "PostgreSQL rejected this statement{}: {} (SQLSTATE {})",
        doing.map(|d| format!(" {d}")).unwrap_or_default(),
        db.message(),
        db.code().code()
    );
    if let Some(d) = db.detail() {
        message.push_str(&format!(". Detail: {d}"));
    }
    if let Some(w) = db.where_() {
        message.push_str(&format!(". Context: {}", w.replace('\n', "; ")));
    }
    let mut help = String::new();
    if let Some(h) = db.hint() {
        help.push_str(&format!("PostgreSQL's hint: {h} "));
    }
    help.push_str(&format!(
        "Fix the statement so that it applies after the earlier migrations; replay of this set stopped here{}.",
        match later {
            0 => String::new(),
            1 => " (1 later migration not applied)".into(),
            n => format!(" ({n} later migrations not applied)"),
        }
    ));
    Failure::Rejected(Hit {
        fix: None,
        suggestion: None,
        file: unit.source.clone(),
        span,
        message,
        help: help.into(),
    })
}

/// The extension a `CREATE EXTENSION` failed on because the server does not have it
/// installed, with the server's major version when the error names it. PostgreSQL 15 says
/// `could not open extension control file ".../15/extension/vector.control"` (SQLSTATE
/// 58P01); 16 and later say `extension "vector" is not available`, with the path in DETAIL.
fn missing_extension(db: &tokio_postgres::error::DbError) -> Option<(String, Option<String>)> {
    let text = format!("{} {}", db.message(), db.detail().unwrap_or(""));
    let control = text.find("extension control file")?;
    let path = quoted_name(&text[control..])?;
    let name = Path::new(path).file_stem()?.to_string_lossy().into_owned();
    let major = path
        .split('/')
        .skip_while(|p| *p != "postgresql")
        .nth(1)
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string);
    Some((name, major))
}

/// The Debian package (of the PostgreSQL `major` server packages) that provides an extension,
/// where Debian has one (checked with `apt-cache search --names-only '^postgresql-15-'` on
/// Debian 12).
pub fn debian_package(extension: &str, major: &str) -> Option<String> {
    let suffix = match extension {
        "pg_cron" => "cron",
        "postgis" | "postgis_topology" | "postgis_raster" => "postgis-3",
        "pgrouting" => "pgrouting",
        "pg_partman" => "partman",
        "pg_repack" => "repack",
        "pgaudit" => "pgaudit",
        "pgtap" => "pgtap",
        "plpgsql_check" => "plpgsql-check",
        "hypopg" => "hypopg",
        "rum" => "rum",
        "orafce" => "orafce",
        "hll" => "hll",
        "ip4r" => "ip4r",
        "semver" => "semver",
        "q3c" => "q3c",
        "pg_stat_kcache" => "pg-stat-kcache",
        "pg_qualstats" => "pg-qualstats",
        "tdigest" => "tdigest",
        "periods" => "periods",
        "pllua" => "pllua",
        "plr" => "plr",
        "prefix" => "prefix",
        "unit" => "unit",
        "pgsphere" => "pgsphere",
        "pointcloud" => "pointcloud",
        _ => return None,
    };
    Some(format!("postgresql-{major}-{suffix}"))
}

/// Why replay stopped at a `CREATE EXTENSION`: the server lacks it (not the migrations' fault).
pub fn missing_extension_message(extension: &str, major: Option<&str>, at: &str) -> String {
    let major = major.unwrap_or("<version>");
    let install = match debian_package(extension, major) {
        Some(p) => format!("install it on this machine (Debian/Ubuntu: apt-get install {p}), or "),
        None => format!("no Debian package of PostgreSQL {major} provides it, so "),
    };
    format!(
        "{at}: replay stopped: the PostgreSQL server replay uses has no extension \"{extension}\" installed. This is not a bug in your migrations, it is missing from the server; {install}replay into a server that has it with --server-url (e.g. the Supabase CLI's local database after `supabase start`: DATABASE_URL=postgresql://postgres@127.0.0.1:54322/postgres PGPASSWORD=postgres migcheck replay --server-url --yes-this-is-disposable, or a supabase/postgres service container in CI; see docs/replay.md)"
    )
}

/// The first `"name"` of a message.
fn quoted_name(message: &str) -> Option<&str> {
    let open = message.find('"')?;
    let len = message[open + 1..].find('"')?;
    Some(&message[open + 1..open + 1 + len]).filter(|n| !n.is_empty())
}

/// Where `name` is written in `stmt`: quoted exactly, else unquoted as a whole word (any case).
fn find_name(stmt: &str, name: &str) -> Option<usize> {
    if let Some(i) = stmt.find(&format!("\"{name}\"")) {
        return Some(i);
    }
    let lower = stmt.to_lowercase();
    if lower.len() != stmt.len() {
        return None;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut from = 0;
    while let Some(i) = lower[from..].find(&name.to_lowercase()).map(|i| i + from) {
        let end = i + name.len();
        if !word(lower[..i].chars().next_back()) && !word(lower[end..].chars().next()) {
            return Some(i);
        }
        from = end;
    }
    None
}

fn event_hit(
    unit: &FileUnit,
    span: &std::ops::Range<usize>,
    event: &Event,
    until: &str,
) -> (&'static str, Hit) {
    match event {
        Event::Lock { table, mode } => (
            REPLAY_LOCK,
            Hit {
                fix: None,
                suggestion: None,
                file: unit.source.clone(),
                span: span.clone(),
                message: format!(
                    "This statement takes an {} lock on {table}, which existed before this migration: it blocks {} {until}",
                    mode.name(),
                    mode.blocks().unwrap_or("nothing")
                )
                .replace("an SHARE", "a SHARE"),
                help: "Set a short lock_timeout before it so that it gives up instead of queueing traffic behind it, keep the transaction short, and prefer a form that takes a weaker lock (see the rule documentation).".into(),
            },
        ),
        Event::Rewrite { table } => (
            REPLAY_TABLE_REWRITE,
            Hit {
                fix: None,
                suggestion: None,
                file: unit.source.clone(),
                span: span.clone(),
                message: format!(
                    "This statement rewrote {table} (a new copy of the table and its indexes), holding an ACCESS EXCLUSIVE lock for as long as the copy takes, which grows with the table's size"
                ),
                help: "Make the change without a rewrite: add a new column, backfill it in batches and switch over, or use a type change PostgreSQL can do in place.".into(),
            },
        ),
    }
}

/// The SQL the tool runs around `unit` in its history table (see
/// [`migcheck_core::tool::History`]): `(before the file, after it)`; empty when the tool keeps
/// no history or the file has no version.
fn history_sql(tool: &dyn Tool, unit: &FileUnit, plan: &FilePlan) -> (String, String) {
    let Some(h) = tool.history() else {
        return Default::default();
    };
    if unit.migration.version.is_none() {
        return Default::default();
    }
    let statements: Vec<&str> = plan
        .steps
        .iter()
        .map(|s| &unit.source.text[s.span.clone()])
        .collect();
    let a = Applied {
        file: &unit.migration,
        text: &unit.source.text,
        statements: &statements,
    };
    (h.before.map(|f| f(&a)).unwrap_or_default(), (h.after)(&a))
}

/// Applies the set's migrations in order; stops at the first statement PostgreSQL rejects.
/// `Err` only when the connection fails.
///
/// Every round trip has the client-side deadline `limit` (see [`crate::conn::round_trip`]):
/// a statement that gets no answer within it ends the run with
/// [`PgError::RoundTripTimeout`].
pub async fn run_set(
    client: &Client,
    loaded: &LoadedSet,
    server_major: u32,
    limit: Duration,
) -> Result<SetRun, PgError> {
    let tool = loaded.set.tool;
    let units: Vec<&FileUnit> = applied_units(loaded).collect();
    let mut run = SetRun {
        files: units.len(),
        ..SetRun::default()
    };
    if let Some(h) = tool.history() {
        send(client, h.create, limit)
            .await?
            .map_err(|e| fatal(&e, &format!("creating {}", h.table)))?;
    }
    for (k, unit) in units.iter().enumerate() {
        let later = units.len() - k - 1;
        run.attempted.push(unit.index);
        let wrapping = loaded.set.wrapping(&unit.migration, &unit.source.text);
        let plan = plan_file(&unit.source.text, &unit.parsed, wrapping, server_major);
        let ok = if plan.wrap {
            run_wrapped(client, unit, &plan, tool, later, limit, &mut run).await
        } else {
            run_unwrapped(client, unit, &plan, tool, later, limit, &mut run).await
        };
        let ok = ok.unwrap_or_else(|e| {
            run.stop = Some(Stop {
                line: None,
                why: e.to_string(),
                missing_extension: None,
            });
            run.fatal = Some(e);
            false
        });
        if !ok {
            run.stopped_at = Some(unit.source.display.clone());
            break;
        }
        run.applied += 1;
    }
    Ok(run)
}

/// One round trip within `limit`: `Err` when no answer came in time (fatal), else the
/// server's answer.
async fn send(
    client: &Client,
    sql: &str,
    limit: Duration,
) -> Result<Result<Vec<SimpleQueryMessage>, tokio_postgres::Error>, PgError> {
    round_trip(
        client,
        sql,
        limit,
        "applying a migration (no answer to a statement)",
    )
    .await
}

/// Sends ROLLBACK after a failure inside a transaction block.
async fn rollback(client: &Client, limit: Duration) -> Result<(), PgError> {
    send(client, "ROLLBACK", limit)
        .await?
        .map(|_| ())
        .map_err(|e| fatal(&e, "rolling back"))
}

/// The whole file in one transaction, traced after every statement. Ok(false): rejected.
async fn run_wrapped(
    client: &Client,
    unit: &FileUnit,
    plan: &FilePlan,
    tool: &dyn Tool,
    later: usize,
    limit: Duration,
    run: &mut SetRun,
) -> Result<bool, PgError> {
    let (before, after) = history_sql(tool, unit, plan);
    let before = if before.is_empty() {
        before
    } else {
        format!("{before};\n")
    };
    let msgs = send(client, &format!("BEGIN;\n{before}{SNAPSHOT_SQL}"), limit)
        .await?
        .map_err(|e| fatal(&e, "starting a migration"))?;
    let (existing, named) = snapshot(&msgs);
    let trace = trace_sql(&existing);
    let mut tracer = Tracer::new(existing);
    let until = "until the migration's transaction commits (the end of the file)";
    for step in &plan.steps {
        let stmt = &unit.source.text[step.span.clone()];
        run.statements += 1;
        let trace = trace.as_ref().filter(|_| named.may_touch(&step.head, stmt));
        let sql = match trace {
            Some(t) => format!("{stmt}\n;\n{t}"),
            None => stmt.to_string(),
        };
        match send(client, &sql, limit).await? {
            Ok(msgs) => {
                if trace.is_some() {
                    let truncate = step.head.starts_with("TRUNCATE");
                    for ev in tracer.observe(&lock_rows(&msgs), truncate) {
                        run.hits.push(event_hit(unit, &step.span, &ev, until));
                    }
                }
            }
            Err(e) => {
                return match rejected(&e, unit, step.span.clone(), 0, later, None) {
                    Failure::Fatal(f) => Err(f),
                    f => {
                        rollback(client, limit).await?;
                        run.stop_with(f);
                        Ok(false)
                    }
                };
            }
        }
    }
    let mut finish = after;
    finish.push_str(";\nCOMMIT");
    if let Err(e) = send(client, &finish, limit).await? {
        let span = plan.steps.last().map_or(0..0, |s| s.span.clone());
        return match rejected(&e, unit, span, usize::MAX / 2, later, Some("at COMMIT")) {
            Failure::Fatal(f) => Err(f),
            f => {
                rollback(client, limit).await?;
                run.stop_with(f);
                Ok(false)
            }
        };
    }
    Ok(true)
}

/// Statement by statement without a wrapping transaction. Each statement that can run in a
/// transaction gets one of its own for the trace (locks are visible only while held); inside
/// a transaction the file opened itself, the trace runs in that one.
async fn run_unwrapped(
    client: &Client,
    unit: &FileUnit,
    plan: &FilePlan,
    tool: &dyn Tool,
    later: usize,
    limit: Duration,
    run: &mut SetRun,
) -> Result<bool, PgError> {
    let (before, after) = history_sql(tool, unit, plan);
    if !before.is_empty() {
        if let Err(e) = send(client, &before, limit).await? {
            let span = plan.steps.first().map_or(0..0, |s| s.span.clone());
            return match rejected(
                &e,
                unit,
                span,
                0,
                later,
                Some("when recording the migration"),
            ) {
                Failure::Fatal(f) => Err(f),
                f => {
                    run.stop_with(f);
                    Ok(false)
                }
            };
        }
    }
    let msgs = send(client, SNAPSHOT_SQL, limit)
        .await?
        .map_err(|e| fatal(&e, "reading the catalog"))?;
    let (existing, named) = snapshot(&msgs);
    let trace = trace_sql(&existing);
    let mut tracer = Tracer::new(existing);
    let mut in_file_tx = false;
    for step in &plan.steps {
        let stmt = &unit.source.text[step.span.clone()];
        run.statements += 1;
        let trace = trace.as_ref().filter(|_| named.may_touch(&step.head, stmt));
        let (sql, prefix, traced, own_tx) = match (step.tx, trace) {
            (TxControl::Begin | TxControl::End | TxControl::Inside, _) | (_, None) => {
                (stmt.to_string(), 0, false, false)
            }
            (TxControl::None, Some(t)) if in_file_tx => (format!("{stmt}\n;\n{t}"), 0, true, false),
            (TxControl::None, Some(t)) if step.in_transaction_ok => (
                format!("BEGIN;\n{stmt}\n;\n{t};\nCOMMIT"),
                "BEGIN;\n".len(),
                true,
                true,
            ),
            (TxControl::None, _) => (stmt.to_string(), 0, false, false),
        };
        match send(client, &sql, limit).await? {
            Ok(msgs) => {
                if traced {
                    let until = if own_tx {
                        "while the statement runs"
                    } else {
                        "until the file's own transaction ends"
                    };
                    let truncate = step.head.starts_with("TRUNCATE");
                    // With our own BEGIN/COMMIT, the trace rows are not the last result.
                    let msgs = if own_tx {
                        strip_last_result(msgs)
                    } else {
                        msgs
                    };
                    for ev in tracer.observe(&lock_rows(&msgs), truncate) {
                        run.hits.push(event_hit(unit, &step.span, &ev, until));
                    }
                    if own_tx {
                        tracer.end_transaction();
                    }
                }
                match step.tx {
                    TxControl::Begin => in_file_tx = true,
                    TxControl::End => {
                        in_file_tx = false;
                        tracer.end_transaction();
                    }
                    _ => {}
                }
            }
            Err(e) => {
                return match rejected(&e, unit, step.span.clone(), prefix, later, None) {
                    Failure::Fatal(f) => Err(f),
                    f => {
                        if own_tx || in_file_tx || step.tx == TxControl::Begin {
                            rollback(client, limit).await?;
                        }
                        run.stop_with(f);
                        Ok(false)
                    }
                };
            }
        }
    }
    if in_file_tx {
        // The file left its transaction open; the tool's session would commit it.
        send(client, "COMMIT", limit)
            .await?
            .map_err(|e| fatal(&e, "committing"))?;
    }
    if !after.is_empty() {
        if let Err(e) = send(client, &after, limit).await? {
            let span = plan.steps.last().map_or(0..0, |s| s.span.clone());
            return match rejected(
                &e,
                unit,
                span,
                usize::MAX / 2,
                later,
                Some("when recording the migration"),
            ) {
                Failure::Fatal(f) => Err(f),
                f => {
                    run.stop_with(f);
                    Ok(false)
                }
            };
        }
    }
    Ok(true)
}

/// Drops the messages of the last statement (our COMMIT), so the trace rows come last.
fn strip_last_result(mut msgs: Vec<SimpleQueryMessage>) -> Vec<SimpleQueryMessage> {
    if matches!(msgs.last(), Some(SimpleQueryMessage::CommandComplete(_))) {
        msgs.pop();
    }
    msgs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_naming_no_existing_table_skip_the_trace() {
        let mut n = Named::default();
        n.add("users");
        n.add("TileSetting");
        n.add("odd name");
        let t = |head: &str, stmt: &str| n.may_touch(head, stmt);
        assert!(!t(
            "CREATE TABLE",
            "create table public.t1 (id int primary key)"
        ));
        assert!(!t("CREATE INDEX", "create index on public.users_log (x)"));
        assert!(t(
            "CREATE TABLE",
            "create table t2 (u uuid references auth.users (id))"
        ));
        assert!(t(
            "ALTER TABLE",
            "alter table public.\"TileSetting\" add x int"
        ));
        assert!(t("ALTER TABLE", "alter table \"odd name\" add x int"));
        // Statements that may lock what they do not name are always traced.
        assert!(t("DROP SCHEMA", "drop schema app cascade"));
        assert!(t("DO", "do $$ begin perform 1; end $$"));
        assert!(t("SELECT", "select f()"));
    }

    #[test]
    fn names_from_messages() {
        assert_eq!(
            quoted_name(r#"relation "tile_setting" does not exist"#),
            Some("tile_setting")
        );
        assert_eq!(quoted_name("no quotes"), None);
        let stmt = "ALTER TABLE tile_setting_x, Tile_Setting ENABLE";
        assert_eq!(find_name(stmt, "tile_setting"), Some(28));
        assert_eq!(find_name("select \"Tile\" from tile", "Tile"), Some(7));
        assert_eq!(find_name("select 1", "x"), None);
    }
}
