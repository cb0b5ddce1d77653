//! Applying one migration set to its database, statement by statement, with the lock trace.

use std::collections::HashMap;

use migcheck_core::discover::Role;
use migcheck_core::lint::LoadedSet;
use migcheck_core::rules::{FileUnit, Hit};
use migcheck_core::tool::{Applied, Tool};
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::plan::{plan_file, position_in_statement, token_at, FilePlan, TxControl};
use super::trace::{Event, Existing, LockRow, Tracer};
use crate::conn::PgError;
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

/// The relation locks this session holds now, with the relation's current relfilenode.
const TRACE_SQL: &str = "SELECT l.relation::pg_catalog.int8, l.mode, c.relfilenode::pg_catalog.int8 \
FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation \
WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted \
AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())";

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

fn snapshot(msgs: &[SimpleQueryMessage]) -> HashMap<u32, Existing> {
    rows_of(msgs)
        .into_iter()
        .filter_map(|r| {
            let oid: u32 = r.first()?.as_deref()?.parse().ok()?;
            let relfilenode = r.get(1)?.as_deref().and_then(|s| s.parse().ok());
            let name = display_table(r.get(2)?.as_deref()?, r.get(3)?.as_deref()?);
            Some((oid, Existing { name, relfilenode }))
        })
        .collect()
}

/// A statement failed: is it PostgreSQL saying no (a finding), or the connection (fatal)?
enum Failure {
    Rejected(Hit),
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
        file: unit.source.clone(),
        span,
        message,
        help,
    })
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
pub async fn run_set(
    client: &Client,
    loaded: &LoadedSet,
    server_major: u32,
) -> Result<SetRun, PgError> {
    let tool = loaded.set.tool;
    let units: Vec<&FileUnit> = applied_units(loaded).collect();
    let mut run = SetRun {
        files: units.len(),
        ..SetRun::default()
    };
    if let Some(h) = tool.history() {
        client
            .batch_execute(h.create)
            .await
            .map_err(|e| fatal(&e, &format!("creating {}", h.table)))?;
    }
    for (k, unit) in units.iter().enumerate() {
        let later = units.len() - k - 1;
        run.attempted.push(unit.index);
        let wrapping = loaded.set.wrapping(&unit.migration, &unit.source.text);
        let plan = plan_file(&unit.source.text, &unit.parsed, wrapping, server_major);
        let ok = if plan.wrap {
            run_wrapped(client, unit, &plan, tool, later, &mut run).await?
        } else {
            run_unwrapped(client, unit, &plan, tool, later, &mut run).await?
        };
        if !ok {
            run.stopped_at = Some(unit.source.display.clone());
            break;
        }
        run.applied += 1;
    }
    Ok(run)
}

async fn send(
    client: &Client,
    sql: &str,
) -> Result<Vec<SimpleQueryMessage>, tokio_postgres::Error> {
    client.simple_query(sql).await
}

/// Sends ROLLBACK after a failure inside a transaction block.
async fn rollback(client: &Client) -> Result<(), PgError> {
    client
        .batch_execute("ROLLBACK")
        .await
        .map_err(|e| fatal(&e, "rolling back"))
}

/// The whole file in one transaction, traced after every statement. Ok(false): rejected.
async fn run_wrapped(
    client: &Client,
    unit: &FileUnit,
    plan: &FilePlan,
    tool: &dyn Tool,
    later: usize,
    run: &mut SetRun,
) -> Result<bool, PgError> {
    let (before, after) = history_sql(tool, unit, plan);
    let before = if before.is_empty() {
        before
    } else {
        format!("{before};\n")
    };
    let msgs = send(client, &format!("BEGIN;\n{before}{SNAPSHOT_SQL}"))
        .await
        .map_err(|e| fatal(&e, "starting a migration"))?;
    let mut tracer = Tracer::new(snapshot(&msgs));
    let until = "until the migration's transaction commits (the end of the file)";
    for step in &plan.steps {
        let stmt = &unit.source.text[step.span.clone()];
        run.statements += 1;
        match send(client, &format!("{stmt}\n;\n{TRACE_SQL}")).await {
            Ok(msgs) => {
                let truncate = step.head.starts_with("TRUNCATE");
                for ev in tracer.observe(&lock_rows(&msgs), truncate) {
                    run.hits.push(event_hit(unit, &step.span, &ev, until));
                }
            }
            Err(e) => {
                return match rejected(&e, unit, step.span.clone(), 0, later, None) {
                    Failure::Rejected(hit) => {
                        rollback(client).await?;
                        run.hits.push((REPLAY_FAILED, hit));
                        Ok(false)
                    }
                    Failure::Fatal(f) => Err(f),
                };
            }
        }
    }
    let mut finish = after;
    finish.push_str(";\nCOMMIT");
    if let Err(e) = send(client, &finish).await {
        let span = plan.steps.last().map_or(0..0, |s| s.span.clone());
        return match rejected(&e, unit, span, usize::MAX / 2, later, Some("at COMMIT")) {
            Failure::Rejected(hit) => {
                rollback(client).await?;
                run.hits.push((REPLAY_FAILED, hit));
                Ok(false)
            }
            Failure::Fatal(f) => Err(f),
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
    run: &mut SetRun,
) -> Result<bool, PgError> {
    let (before, after) = history_sql(tool, unit, plan);
    if !before.is_empty() {
        if let Err(e) = send(client, &before).await {
            let span = plan.steps.first().map_or(0..0, |s| s.span.clone());
            return match rejected(
                &e,
                unit,
                span,
                0,
                later,
                Some("when recording the migration"),
            ) {
                Failure::Rejected(hit) => {
                    run.hits.push((REPLAY_FAILED, hit));
                    Ok(false)
                }
                Failure::Fatal(f) => Err(f),
            };
        }
    }
    let msgs = send(client, SNAPSHOT_SQL)
        .await
        .map_err(|e| fatal(&e, "reading the catalog"))?;
    let mut tracer = Tracer::new(snapshot(&msgs));
    let mut in_file_tx = false;
    for step in &plan.steps {
        let stmt = &unit.source.text[step.span.clone()];
        run.statements += 1;
        let (sql, prefix, traced, own_tx) = match step.tx {
            TxControl::Begin | TxControl::End | TxControl::Inside => {
                (stmt.to_string(), 0, false, false)
            }
            TxControl::None if in_file_tx => (format!("{stmt}\n;\n{TRACE_SQL}"), 0, true, false),
            TxControl::None if step.in_transaction_ok => (
                format!("BEGIN;\n{stmt}\n;\n{TRACE_SQL};\nCOMMIT"),
                "BEGIN;\n".len(),
                true,
                true,
            ),
            TxControl::None => (stmt.to_string(), 0, false, false),
        };
        match send(client, &sql).await {
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
                    Failure::Rejected(hit) => {
                        if own_tx || in_file_tx || step.tx == TxControl::Begin {
                            rollback(client).await?;
                        }
                        run.hits.push((REPLAY_FAILED, hit));
                        Ok(false)
                    }
                    Failure::Fatal(f) => Err(f),
                };
            }
        }
    }
    if in_file_tx {
        // The file left its transaction open; the tool's session would commit it.
        client
            .batch_execute("COMMIT")
            .await
            .map_err(|e| fatal(&e, "committing"))?;
    }
    if !after.is_empty() {
        if let Err(e) = send(client, &after).await {
            let span = plan.steps.last().map_or(0..0, |s| s.span.clone());
            return match rejected(
                &e,
                unit,
                span,
                usize::MAX / 2,
                later,
                Some("when recording the migration"),
            ) {
                Failure::Rejected(hit) => {
                    run.hits.push((REPLAY_FAILED, hit));
                    Ok(false)
                }
                Failure::Fatal(f) => Err(f),
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
