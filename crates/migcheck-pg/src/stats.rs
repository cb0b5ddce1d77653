//! Live table sizes for `check --database-url`, `migcheck stats` and `verify --sizes`
//! (issue 32): rows estimate, heap, index and TOAST bytes and write rate of the tables asked
//! for (or of every table of the database's own schemas), as a
//! [`migcheck_core::impact::Snapshot`].
//!
//! Like [`crate::verify`]: one read-only transaction (`START TRANSACTION READ ONLY` …
//! `ROLLBACK`, in the same message), the simple query protocol only (Supabase's pooler and
//! PgBouncer in transaction mode), values inlined as quoted literals, a `statement_timeout`
//! and a client-side deadline on the round trip. One round trip whatever the number of
//! tables. Only catalog functions and statistics views are read: never a row of a table.

use std::fmt::Write as _;
use std::time::Duration;

use migcheck_core::impact::{Snapshot, TableStats, SNAPSHOT_KIND};
use tokio_postgres::Client;

use crate::conn::{round_trip, ConnectionConfig, PgError};
use crate::verify::{query_error, split_results, text_array};

/// The shortest window a write rate is averaged over: statistics reset (or a server started)
/// less than an hour ago give no rate.
pub const MIN_RATE_WINDOW_SECONDS: f64 = 3600.0;

/// Which tables to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tables {
    /// These `(schema, name)` pairs; the ones the database lacks are listed as missing.
    Named(Vec<(String, String)>),
    /// Every table, partitioned table and materialized view outside the system schemas
    /// (`migcheck stats`): the snapshot is then complete.
    All,
}

/// Deadlines of the one round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsOptions {
    /// `statement_timeout`, in milliseconds.
    pub statement_timeout_ms: u64,
    /// The client-side deadline of the round trip (a frozen network answers nothing).
    pub round_trip_timeout: Duration,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            statement_timeout_ms: 15_000,
            round_trip_timeout: Duration::from_secs(25),
        }
    }
}

/// The SQL of the one round trip (public for the tests that read the server log).
pub fn sql(tables: &Tables, statement_timeout_ms: u64) -> String {
    let mut sql = String::new();
    let _ = write!(
        sql,
        "START TRANSACTION READ ONLY; \
         SET LOCAL statement_timeout = {statement_timeout_ms}; \
         SET LOCAL search_path = pg_catalog; \
         SELECT pg_catalog.to_char(pg_catalog.timezone('UTC', pg_catalog.now()), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
         pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.now()))::bigint, \
         pg_catalog.current_setting('server_version'); "
    );
    // What each table row reads: found?, rows, heap, indexes, TOAST, writes, and the seconds
    // since the database's statistics were reset (or the server started), computed once. A
    // partitioned table has no storage of its own: its figures are the sums over its leaf
    // partitions (`pg_partition_tree`, PostgreSQL 12+), which a lock on it reaches. The
    // statistics functions are called directly, not through the `pg_stat_all_tables` view
    // (which computes every table's row before a join picks a few).
    let figures = "c.oid IS NOT NULL, f.rows, f.heap, f.idx, f.toast, f.writes, w.secs";
    let parts = "LEFT JOIN LATERAL (SELECT \
         COALESCE(pg_catalog.sum(GREATEST(p.reltuples, 0)), 0)::bigint AS rows, \
         COALESCE(pg_catalog.sum(pg_catalog.pg_relation_size(p.oid)), 0) AS heap, \
         COALESCE(pg_catalog.sum(pg_catalog.pg_indexes_size(p.oid)), 0) AS idx, \
         COALESCE(pg_catalog.sum(CASE WHEN p.reltoastrelid OPERATOR(pg_catalog.<>) 0 THEN pg_catalog.pg_total_relation_size(p.reltoastrelid) ELSE 0 END), 0) AS toast, \
         pg_catalog.sum(pg_catalog.pg_stat_get_tuples_inserted(p.oid) + pg_catalog.pg_stat_get_tuples_updated(p.oid) + pg_catalog.pg_stat_get_tuples_deleted(p.oid)) AS writes \
         FROM pg_catalog.pg_class p WHERE p.oid OPERATOR(pg_catalog.=) ANY (CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'p' \
           THEN ARRAY(SELECT t.relid FROM pg_catalog.pg_partition_tree(c.oid) t WHERE t.isleaf) ELSE ARRAY[c.oid] END)) f ON true";
    let window = "(SELECT EXTRACT(epoch FROM pg_catalog.now() - COALESCE((SELECT d.stats_reset FROM pg_catalog.pg_stat_database d \
         WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()), pg_catalog.pg_postmaster_start_time())) AS secs) w";
    match tables {
        Tables::Named(named) => {
            let schemas = text_array(named.iter().map(|(s, _)| s.as_str()));
            let names = text_array(named.iter().map(|(_, n)| n.as_str()));
            let _ = write!(
                sql,
                "SELECT e.nsp, e.rel, {figures} \
                 FROM unnest({schemas}, {names}) WITH ORDINALITY AS e(nsp, rel, i) \
                 LEFT JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) e.nsp \
                 LEFT JOIN pg_catalog.pg_class c ON c.relnamespace OPERATOR(pg_catalog.=) n.oid \
                   AND c.relname OPERATOR(pg_catalog.=) e.rel AND c.relkind IN ('r', 'p', 'm') \
                 {parts} \
                 CROSS JOIN {window} \
                 ORDER BY e.i; "
            );
        }
        Tables::All => {
            let _ = write!(
                sql,
                "SELECT n.nspname, c.relname, {figures} \
                 FROM pg_catalog.pg_class c \
                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                 {parts} \
                 CROSS JOIN {window} \
                 WHERE c.relkind IN ('r', 'p', 'm') \
                   AND n.nspname OPERATOR(pg_catalog.<>) ALL(ARRAY['pg_catalog', 'information_schema']) \
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
                 ORDER BY 1, 2; "
            );
        }
    }
    sql.push_str("ROLLBACK");
    sql
}

/// Reads the figures over `client`: one round trip. The snapshot's `database` is left empty.
pub async fn read(
    client: &Client,
    tables: &Tables,
    opts: &StatsOptions,
) -> Result<Snapshot, PgError> {
    let text = sql(tables, opts.statement_timeout_ms);
    let limit = opts.round_trip_timeout;
    let results = match round_trip(client, &text, limit, "reading table sizes").await? {
        Ok(msgs) => split_results(msgs),
        Err(e) => {
            let _ = round_trip(client, "ROLLBACK", limit, "rolling back").await;
            return Err(query_error(&e, "table sizes", opts.statement_timeout_ms));
        }
    };
    // START, SET, SET, clock, tables, ROLLBACK.
    let clock = results
        .get(3)
        .and_then(|r| r.first())
        .cloned()
        .unwrap_or_default();
    let field = |i: usize| clock.get(i).cloned().flatten().unwrap_or_default();
    let mut snapshot = Snapshot {
        kind: SNAPSHOT_KIND.into(),
        version: 1,
        taken_at: field(0),
        taken_at_unix: field(1).parse().unwrap_or(0),
        database: String::new(),
        server_version: field(2),
        tables: Vec::new(),
        missing: Vec::new(),
        complete: matches!(tables, Tables::All),
    };
    let num = |v: &Option<String>| -> Option<f64> { v.as_deref()?.parse().ok() };
    for r in results.get(4).cloned().unwrap_or_default() {
        let (Some(schema), Some(name)) = (r[0].clone(), r[1].clone()) else {
            continue;
        };
        if r[2].as_deref() != Some("t") {
            snapshot.missing.push(format!("{schema}.{name}"));
            continue;
        }
        let int = |i: usize| num(&r[i]).unwrap_or(0.0).max(0.0) as u64;
        // An average over less than an hour (statistics just reset, a server just started)
        // says little about the table's traffic: not given.
        let writes_per_second = match (num(&r[7]), num(&r[8])) {
            (Some(w), Some(s)) if s >= MIN_RATE_WINDOW_SECONDS => {
                Some((w / s * 100.0).round() / 100.0)
            }
            _ => None,
        };
        snapshot.tables.push(TableStats {
            schema,
            name,
            rows: int(3),
            heap_bytes: int(4),
            index_bytes: int(5),
            toast_bytes: int(6),
            writes_per_second,
        });
    }
    Ok(snapshot)
}

/// Connects with `cfg`, reads, closes; the snapshot names the database (password masked).
pub async fn read_with_config(
    cfg: &ConnectionConfig,
    tables: &Tables,
    opts: &StatsOptions,
) -> Result<Snapshot, PgError> {
    let mut snapshot =
        crate::conn::with_connection(cfg, async |client| read(client, tables, opts).await).await?;
    snapshot.database = cfg.display();
    Ok(snapshot)
}

/// [`read_with_config`] on a current-thread runtime, for synchronous callers.
pub fn read_blocking(
    cfg: &ConnectionConfig,
    tables: &Tables,
    opts: &StatsOptions,
) -> Result<Snapshot, PgError> {
    crate::conn::block_on(read_with_config(cfg, tables, opts))
}
