//! `migcheck verify`: compare what the migrations promise ([`Expectations`]) with a live
//! database, read-only.
//!
//! Everything runs inside `START TRANSACTION READ ONLY` (with `SET LOCAL statement_timeout`)
//! and ends with `ROLLBACK`. Only the simple query protocol is used (no named prepared
//! statements), so Supabase's transaction pooler (port 6543) works; values are inlined as
//! quoted literals by [`quote_literal`]. The number of round trips does not grow with the
//! number of tables: one statement per check kind, all statements of a phase in one
//! message (usually two round trips in total).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::Duration;

use migcheck_core::expect::{Expectations, ExpectedMigration};
use serde::Serialize;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::conn::{round_trip, ConnectionConfig, PgError};

/// Check ids (part of the JSON interface).
pub mod checks {
    pub const TABLE_EXISTS: &str = "table-exists";
    pub const COLUMN_EXISTS: &str = "column-exists";
    pub const RLS_ENABLED: &str = "rls-enabled";
    pub const POLICY_EXISTS: &str = "policy-exists";
    pub const RLS_HAS_POLICY: &str = "rls-has-policy";
    pub const MIGRATION_RECORDED: &str = "migration-recorded";
    /// `--all`: a policy on a table whose RLS is off does nothing.
    pub const POLICY_WITHOUT_RLS: &str = "policy-without-rls";
    /// `--drift`: a table or view in an exposed schema that no migration creates.
    pub const DRIFT_TABLE: &str = "drift-table";
    /// `--drift`: a column on a table the migrations create that they do not add.
    pub const DRIFT_COLUMN: &str = "drift-column";
    /// `--drift`: a column whose type in the database is not the one the migrations give it.
    pub const DRIFT_COLUMN_TYPE: &str = "drift-column-type";
    /// `--drift`: a policy on a table the migrations create that they do not create.
    pub const DRIFT_POLICY: &str = "drift-policy";
    /// `--drift`: a function in an exposed schema that no migration creates.
    pub const DRIFT_FUNCTION: &str = "drift-function";
    /// `--drift`: a function, procedure or view the migrations create is missing.
    pub const OBJECT_EXISTS: &str = "object-exists";
}

/// What to check beyond the expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Also audit every table of the exposed schemas in the live database (RLS off → fail
    /// unless allow-listed) and policies on tables whose RLS is off (→ warn).
    pub all: bool,
    /// More tables (schema, name) that must exist; RLS is required for them when their
    /// schema is exposed and they are not allow-listed.
    pub extra_tables: Vec<(String, String)>,
    /// Also report drift: what the live database has in its exposed schemas that no migration
    /// creates (tables, views, columns, policies, functions), and functions or views the
    /// migrations create that it lacks.
    pub drift: bool,
    /// `statement_timeout` for each statement, in milliseconds.
    pub statement_timeout_ms: u64,
    /// The client-side deadline of each round trip (the server's `statement_timeout` does
    /// nothing when the network stops answering). `None`: the statement timeout plus 10 s.
    pub round_trip_timeout: Option<Duration>,
    /// `--sizes`: also read the live size of each table checked ([`crate::stats`]), on the
    /// same connection ([`verify_with_config`]).
    pub sizes: bool,
}

impl VerifyOptions {
    fn round_trip(&self) -> Duration {
        self.round_trip_timeout.unwrap_or_else(|| {
            Duration::from_millis(self.statement_timeout_ms) + Duration::from_secs(10)
        })
    }
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            all: false,
            extra_tables: Vec::new(),
            drift: false,
            statement_timeout_ms: 15_000,
            round_trip_timeout: None,
            sizes: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
        }
    }
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The check id (see [`checks`]).
    pub check: &'static str,
    /// What was checked: `schema.table`, `schema.table.column`,
    /// `schema.table policy "name"`, or a migration.
    pub object: String,
    pub status: Status,
    pub message: String,
    /// The table (`schema.table`) the check belongs to, for grouping; `None` for migration
    /// checks. Not part of the JSON output.
    #[serde(skip)]
    pub table: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
}

/// The outcome of `verify`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerifyReport {
    /// The database, as a URL without the password (set by [`verify_blocking`] /
    /// [`verify_with_config`]; [`verify`] leaves it empty).
    pub database: String,
    pub checks: Vec<CheckResult>,
    /// Messages sent to the server (each a simple query, possibly several statements).
    pub round_trips: usize,
    /// Time spent talking to the server for the checks (connecting excluded).
    pub elapsed: Duration,
    /// `--sizes`: the live figures of the tables checked ([`crate::stats`]), largest first.
    pub sizes: Option<Vec<migcheck_core::impact::TableStats>>,
}

impl VerifyReport {
    /// True when no check failed (warnings allowed).
    pub fn ok(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Fail => s.fail += 1,
                Status::Warn => s.warn += 1,
            }
        }
        s
    }
}

/// A SQL string literal for any text (one definition, shared with replay's history writers).
pub use migcheck_core::tool::quote_literal;

/// `ARRAY[E'a', E'b']::text[]` (an empty array is fine too).
pub fn text_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<String> = items.into_iter().map(quote_literal).collect();
    format!("ARRAY[{}]::pg_catalog.text[]", parts.join(", "))
}

/// An identifier as PostgreSQL would need it written: bare when it is lower-case
/// alphanumeric, else double-quoted.
pub fn display_ident(s: &str) -> String {
    let bare = !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if bare {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// `schema.table` for messages.
pub fn display_table(schema: &str, name: &str) -> String {
    format!("{}.{}", display_ident(schema), display_ident(name))
}

#[derive(Debug, Clone)]
struct Wanted {
    schema: String,
    name: String,
    columns: Vec<String>,
    rls_required: bool,
    policies: Vec<String>,
    created_in: Option<String>,
    /// `(column, declared type as written)`.
    column_types: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
struct Live {
    relkind: Option<String>,
    schema_exists: bool,
    rls: bool,
    columns: BTreeSet<String>,
    /// Column → `format_type(atttypid, atttypmod)`.
    types: HashMap<String, String>,
    policies: BTreeSet<String>,
}

struct History {
    tool: &'static str,
    table: &'static str,
    schema: &'static str,
    name: &'static str,
    /// The SQL that lists recorded ids among `ids`.
    query: fn(&str) -> String,
    advice: &'static str,
}

/// The history tables `verify` reads: those of the tool modules that say how
/// ([`migcheck_core::tool::History::read`]).
fn histories() -> Vec<History> {
    migcheck_core::tool::ALL
        .iter()
        .filter_map(|t| {
            let h = t.history()?;
            let read = h.read.as_ref()?;
            let (schema, name) = h.table.split_once('.').unwrap_or(("public", h.table));
            Some(History {
                tool: t.id(),
                table: h.table,
                schema,
                name: name.trim_matches('"'),
                query: read.query,
                advice: read.advice,
            })
        })
        .collect()
}

/// The tool whose history table `schema.name` is (`verify --all` exempts it from the RLS
/// checks: it is the tool's bookkeeping, not application data; issue 29 item 6). The tables
/// are the tool modules' ([`migcheck_core::tool::History::table`], each modelled on the tool's
/// source: Prisma `_prisma_migrations`, Drizzle `__drizzle_migrations`, golang-migrate and
/// dbmate `schema_migrations`, goose `goose_db_version`, the Supabase CLI
/// `supabase_migrations.schema_migrations`, sqlx `_sqlx_migrations`, diesel
/// `__diesel_schema_migrations`, Flyway `flyway_schema_history`), matched by name in any
/// schema, since each tool lets the schema be configured (Drizzle's `migrationsSchema`,
/// Flyway's `defaultSchema`, the connection's search_path for the others). postgres-migrations'
/// `migrations` is too common a name for a user table: it is exempt only where the set is
/// applied by that tool (`used`).
fn history_tool(schema: &str, name: &str, used: &[&History]) -> Option<&'static str> {
    if let Some(h) = used.iter().find(|h| h.schema == schema && h.name == name) {
        return migcheck_core::tool::ALL
            .iter()
            .find(|t| t.id() == h.tool)
            .map(|t| t.name());
    }
    migcheck_core::tool::ALL.iter().find_map(|t| {
        let table = t.history()?.table;
        let (_, n) = table.split_once('.').unwrap_or(("public", table));
        (n.trim_matches('"') == name && n != "migrations").then(|| t.name())
    })
}

fn migration_object(m: &ExpectedMigration) -> String {
    if m.name.is_empty() || m.name == m.version || m.tool == "prisma" {
        m.version.clone()
    } else {
        format!("{}_{}", m.version, m.name)
    }
}

/// Splits the messages of a multi-statement simple query into one row list per statement.
pub(crate) fn split_results(msgs: Vec<SimpleQueryMessage>) -> Vec<Vec<Vec<Option<String>>>> {
    let mut out = Vec::new();
    let mut cur: Vec<Vec<Option<String>>> = Vec::new();
    for m in msgs {
        match m {
            SimpleQueryMessage::Row(r) => {
                cur.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect());
            }
            SimpleQueryMessage::CommandComplete(_) => out.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    out
}

pub(crate) fn query_error(e: &tokio_postgres::Error, doing: &str, timeout_ms: u64) -> PgError {
    if let Some(db) = e.as_db_error() {
        let message = db.message().replace(['\n', '\r'], " ");
        if *db.code() == SqlState::INSUFFICIENT_PRIVILEGE {
            return PgError::PermissionDenied {
                what: doing.to_string(),
                message,
            };
        }
        if *db.code() == SqlState::QUERY_CANCELED {
            return PgError::StatementTimeout {
                ms: timeout_ms,
                what: doing.to_string(),
            };
        }
        return PgError::Server {
            code: db.code().code().to_string(),
            doing: format!("reading {doing}"),
            message,
        };
    }
    if e.is_closed() {
        return PgError::Other(format!(
            "the server closed the connection while reading {doing}"
        ));
    }
    PgError::Other(format!("reading {doing}: {e}"))
}

fn flag(v: &Option<String>) -> bool {
    v.as_deref() == Some("t")
}

/// Runs every check over `client`. See the module docs for the rules (read-only, simple
/// protocol, few round trips). The report's `database` is left empty.
pub async fn verify(
    client: &Client,
    exp: &Expectations,
    opts: &VerifyOptions,
) -> Result<VerifyReport, PgError> {
    let started = std::time::Instant::now();
    let exposed: Vec<String> = if exp.exposed_schemas.is_empty() {
        vec!["public".to_string()]
    } else {
        exp.exposed_schemas.clone()
    };
    let allowed = |schema: &str, name: &str| {
        let plain = format!("{schema}.{name}");
        let shown = display_table(schema, name);
        exp.allow_without_rls
            .iter()
            .any(|a| *a == plain || *a == shown)
    };

    // The tables to look at, in order, without duplicates.
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for t in &exp.tables {
        let key = (t.schema.clone(), t.name.clone());
        if index.contains_key(&key) {
            continue;
        }
        index.insert(key, wanted.len());
        wanted.push(Wanted {
            schema: t.schema.clone(),
            name: t.name.clone(),
            columns: t.columns.clone(),
            rls_required: t.rls_required,
            policies: t.policies.clone(),
            created_in: t.created_in.clone(),
            column_types: t.column_types.clone(),
        });
    }
    for (schema, name) in &opts.extra_tables {
        let key = (schema.clone(), name.clone());
        if index.contains_key(&key) {
            continue;
        }
        index.insert(key, wanted.len());
        wanted.push(Wanted {
            schema: schema.clone(),
            name: name.clone(),
            columns: Vec::new(),
            rls_required: exposed.contains(schema) && !allowed(schema, name),
            policies: Vec::new(),
            created_in: None,
            column_types: Vec::new(),
        });
    }

    let schemas = text_array(wanted.iter().map(|w| w.schema.as_str()));
    let names = text_array(wanted.iter().map(|w| w.name.as_str()));
    let expected_rel = format!(
        "unnest({schemas}, {names}) WITH ORDINALITY AS e(nsp, rel, i) \
         JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) e.nsp \
         JOIN pg_catalog.pg_class c ON c.relnamespace OPERATOR(pg_catalog.=) n.oid AND c.relname OPERATOR(pg_catalog.=) e.rel"
    );
    let histories = histories();
    let tools: Vec<&History> = histories
        .iter()
        .filter(|h| exp.migrations.iter().any(|m| m.tool == h.tool))
        .collect();

    // Phase 1: open the read-only transaction and read the catalog.
    let mut sql = String::new();
    let _ = write!(
        sql,
        "START TRANSACTION READ ONLY; \
         SET LOCAL statement_timeout = {}; \
         SET LOCAL search_path = pg_catalog; ",
        opts.statement_timeout_ms
    );
    // 0: tables (every expected one, found or not).
    let _ = write!(
        sql,
        "SELECT e.i, (n.oid IS NOT NULL), c.relkind, c.relrowsecurity \
         FROM unnest({schemas}, {names}) WITH ORDINALITY AS e(nsp, rel, i) \
         LEFT JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) e.nsp \
         LEFT JOIN pg_catalog.pg_class c ON c.relnamespace OPERATOR(pg_catalog.=) n.oid AND c.relname OPERATOR(pg_catalog.=) e.rel \
         ORDER BY e.i; "
    );
    // 1: columns.
    let _ = write!(
        sql,
        "SELECT e.i, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM {expected_rel} \
         JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attnum > 0 AND NOT a.attisdropped; "
    );
    // 2: policies.
    let _ = write!(
        sql,
        "SELECT e.i, p.polname FROM {expected_rel} \
         JOIN pg_catalog.pg_policy p ON p.polrelid OPERATOR(pg_catalog.=) c.oid; "
    );
    // 3: migration history tables: present? readable? From the catalogs, which every role
    // can read, with the privileges checked before anything looks inside the schema
    // (`to_regclass` on a schema without USAGE fails with "permission denied for schema").
    let mut hist_sel: Vec<String> = Vec::new();
    for h in &tools {
        let found = format!(
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
             WHERE n.nspname OPERATOR(pg_catalog.=) {} AND c.relname OPERATOR(pg_catalog.=) {}",
            quote_literal(h.schema),
            quote_literal(h.name)
        );
        hist_sel.push(format!(
            "EXISTS (SELECT 1 {found}), \
             COALESCE((SELECT pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND pg_catalog.has_table_privilege(c.oid, 'SELECT') {found}), false)"
        ));
    }
    if hist_sel.is_empty() {
        hist_sel.push("NULL".into());
    }
    let _ = write!(sql, "SELECT {}; ", hist_sel.join(", "));
    // 4: --all: every table of the exposed schemas.
    if opts.all {
        let _ = write!(
            sql,
            "SELECT n.nspname, c.relname, c.relrowsecurity, \
             (SELECT pg_catalog.count(*) FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) c.oid) \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND n.nspname OPERATOR(pg_catalog.=) ANY({}) \
             ORDER BY 1, 2; ",
            text_array(exposed.iter().map(String::as_str))
        );
    }
    // 5, 6: --drift: relations and functions of the exposed schemas (extension members
    // excluded: they come with `CREATE EXTENSION`).
    if opts.drift {
        let exposed_arr = text_array(exposed.iter().map(String::as_str));
        let _ = write!(
            sql,
            "SELECT n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname OPERATOR(pg_catalog.=) ANY({exposed_arr}) \
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass \
               AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.deptype OPERATOR(pg_catalog.=) 'e') \
             ORDER BY 1, 2; \
             SELECT DISTINCT n.nspname, p.proname, p.prokind FROM pg_catalog.pg_proc p \
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace \
             WHERE n.nspname OPERATOR(pg_catalog.=) ANY({exposed_arr}) AND p.prokind IN ('f', 'p') \
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass \
               AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e') \
             ORDER BY 1, 2; "
        );
    }
    let mut round_trips = 1;
    let limit = opts.round_trip();
    let results = match round_trip(client, &sql, limit, "reading the catalog").await? {
        Ok(msgs) => split_results(msgs),
        Err(e) => {
            // Leave the session clean (ignore errors: the connection may be gone).
            let _ = round_trip(client, "ROLLBACK", limit, "rolling back").await;
            return Err(query_error(&e, "the catalog", opts.statement_timeout_ms));
        }
    };
    // START, SET, SET, then the SELECTs.
    let sel = |i: usize| results.get(3 + i).cloned().unwrap_or_default();
    let table_rows = sel(0);
    let column_rows = sel(1);
    let policy_rows = sel(2);
    let hist_row = sel(3).into_iter().next().unwrap_or_default();
    let audit_rows = if opts.all { sel(4) } else { Vec::new() };
    let drift_base = if opts.all { 5 } else { 4 };
    let (drift_rels, drift_funcs) = if opts.drift {
        (sel(drift_base), sel(drift_base + 1))
    } else {
        (Vec::new(), Vec::new())
    };

    let mut live: Vec<Live> = vec![Live::default(); wanted.len()];
    let idx = |v: &Option<String>| {
        v.as_deref()
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|i| i.checked_sub(1))
    };
    for r in &table_rows {
        if let Some(i) = idx(&r[0]).filter(|i| *i < live.len()) {
            live[i].schema_exists = flag(&r[1]);
            live[i].relkind = r[2].clone();
            live[i].rls = flag(&r[3]);
        }
    }
    for r in &column_rows {
        if let (Some(i), Some(c)) = (idx(&r[0]), &r[1]) {
            if let Some(l) = live.get_mut(i) {
                l.columns.insert(c.clone());
                if let Some(Some(t)) = r.get(2) {
                    l.types.insert(c.clone(), t.clone());
                }
            }
        }
    }
    for r in &policy_rows {
        if let (Some(i), Some(p)) = (idx(&r[0]), &r[1]) {
            if let Some(l) = live.get_mut(i) {
                l.policies.insert(p.clone());
            }
        }
    }

    // Phase 2: read the history tables that exist and are readable; end the transaction.
    let mut readable: Vec<(&History, bool, bool)> = Vec::new();
    for (k, h) in tools.iter().enumerate() {
        let present = hist_row.get(2 * k).map(flag).unwrap_or(false);
        let can_read = hist_row.get(2 * k + 1).map(flag).unwrap_or(false);
        readable.push((h, present, can_read));
    }
    let mut sql2 = String::new();
    let mut asked: Vec<&'static str> = Vec::new();
    for (h, present, can_read) in &readable {
        if *present && *can_read {
            let ids: Vec<&str> = exp
                .migrations
                .iter()
                .filter(|m| m.tool == h.tool)
                .map(|m| m.version.as_str())
                .collect();
            let _ = write!(sql2, "{}; ", (h.query)(&text_array(ids)));
            asked.push(h.tool);
        }
    }
    sql2.push_str("ROLLBACK");
    round_trips += 1;
    let recorded_rows =
        match round_trip(client, &sql2, limit, "reading the migration history").await? {
            Ok(msgs) => split_results(msgs),
            Err(e) => {
                let _ = round_trip(client, "ROLLBACK", limit, "rolling back").await;
                return Err(query_error(
                    &e,
                    "the migration history",
                    opts.statement_timeout_ms,
                ));
            }
        };
    let mut recorded: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (k, tool) in asked.iter().enumerate() {
        let set = recorded.entry(tool).or_default();
        for r in recorded_rows.get(k).into_iter().flatten() {
            if let Some(v) = &r[0] {
                set.insert(v.clone());
            }
        }
    }

    // Turn it all into checks.
    let mut out: Vec<CheckResult> = Vec::new();
    for (w, l) in wanted.iter().zip(&live) {
        let table = display_table(&w.schema, &w.name);
        let push = |out: &mut Vec<CheckResult>, check, object: String, status, message: String| {
            out.push(CheckResult {
                check,
                object,
                status,
                message,
                table: Some(table.clone()),
            })
        };
        let created = w
            .created_in
            .as_deref()
            .map(|f| format!(" (created in {f})"))
            .unwrap_or_default();
        let skipped = {
            let mut parts = Vec::new();
            if !w.columns.is_empty() {
                parts.push("column");
            }
            if w.rls_required {
                parts.push("RLS");
            }
            if !w.policies.is_empty() {
                parts.push("policy");
            }
            match parts.len() {
                0 => String::new(),
                1 => format!("; its {} checks are skipped", parts[0]),
                _ => format!(
                    "; its {} and {} checks are skipped",
                    parts[..parts.len() - 1].join(", "),
                    parts[parts.len() - 1]
                ),
            }
        };
        match l.relkind.as_deref() {
            Some("r") | Some("p") => {
                push(
                    &mut out,
                    checks::TABLE_EXISTS,
                    table.clone(),
                    Status::Pass,
                    "table exists".into(),
                );
            }
            Some(kind) => {
                let what = match kind {
                    "v" => "a view",
                    "m" => "a materialized view",
                    "f" => "a foreign table",
                    "S" => "a sequence",
                    "i" | "I" => "an index",
                    "c" => "a composite type",
                    _ => "not a table",
                };
                push(
                    &mut out,
                    checks::TABLE_EXISTS,
                    table.clone(),
                    Status::Fail,
                    format!("{table} exists but is {what}, not a table{created}{skipped}"),
                );
                continue;
            }
            None => {
                let why = if l.schema_exists {
                    format!("table is missing{created}")
                } else {
                    format!(
                        "table is missing: schema {} does not exist{created}",
                        display_ident(&w.schema)
                    )
                };
                push(
                    &mut out,
                    checks::TABLE_EXISTS,
                    table.clone(),
                    Status::Fail,
                    format!("{why}{skipped}"),
                );
                continue;
            }
        }
        for c in &w.columns {
            let object = format!("{table}.{}", display_ident(c));
            if l.columns.contains(c) {
                push(
                    &mut out,
                    checks::COLUMN_EXISTS,
                    object,
                    Status::Pass,
                    "column exists".into(),
                );
            } else {
                push(
                    &mut out,
                    checks::COLUMN_EXISTS,
                    object,
                    Status::Fail,
                    "column is missing".into(),
                );
            }
        }
        if w.rls_required {
            if l.rls {
                push(
                    &mut out,
                    checks::RLS_ENABLED,
                    table.clone(),
                    Status::Pass,
                    "row level security is on".into(),
                );
            } else {
                push(
                    &mut out,
                    checks::RLS_ENABLED,
                    table.clone(),
                    Status::Fail,
                    "row level security is off: the table is in an exposed schema, so the API roles read and write every row".into(),
                );
            }
        }
        for p in &w.policies {
            let object = format!("{table} policy \"{}\"", p.replace('"', "\"\""));
            if l.policies.contains(p) {
                push(
                    &mut out,
                    checks::POLICY_EXISTS,
                    object,
                    Status::Pass,
                    "policy exists".into(),
                );
            } else {
                push(
                    &mut out,
                    checks::POLICY_EXISTS,
                    object,
                    Status::Fail,
                    "policy is missing".into(),
                );
            }
        }
        if l.rls {
            if l.policies.is_empty() {
                push(
                    &mut out,
                    checks::RLS_HAS_POLICY,
                    table.clone(),
                    Status::Warn,
                    "row level security is on but the table has no policy: nobody but the owner (and roles that bypass RLS) can read or change it".into(),
                );
            } else {
                let n = l.policies.len();
                push(
                    &mut out,
                    checks::RLS_HAS_POLICY,
                    table.clone(),
                    Status::Pass,
                    format!("{n} {}", if n == 1 { "policy" } else { "policies" }),
                );
            }
        }
    }

    // --all: the live database's exposed tables.
    for r in &audit_rows {
        let (Some(schema), Some(name)) = (&r[0], &r[1]) else {
            continue;
        };
        let rls = flag(&r[2]);
        let npol: usize = r[3].as_deref().and_then(|s| s.parse().ok()).unwrap_or(0);
        let table = display_table(schema, name);
        let expected = index.contains_key(&(schema.clone(), name.clone()));
        if !expected && !rls {
            let (status, message) = if allowed(schema, name) {
                (
                    Status::Pass,
                    "row level security is off (allowed by allow_without_rls)".to_string(),
                )
            } else if let Some(tool) = history_tool(schema, name, &tools) {
                (
                    Status::Pass,
                    format!("row level security is off: the migration history table of {tool}, not application data"),
                )
            } else {
                (
                    Status::Fail,
                    "row level security is off on a table the migrations do not create (exposed schema, so the API roles read and write every row); enable RLS or add it to allow_without_rls".to_string(),
                )
            };
            out.push(CheckResult {
                check: checks::RLS_ENABLED,
                object: table.clone(),
                status,
                message,
                table: Some(table.clone()),
            });
        }
        if !rls && npol > 0 {
            out.push(CheckResult {
                check: checks::POLICY_WITHOUT_RLS,
                object: table.clone(),
                status: Status::Warn,
                message: format!(
                    "{npol} {} but row level security is off: the {} nothing until RLS is enabled",
                    if npol == 1 { "policy" } else { "policies" },
                    if npol == 1 {
                        "policy does"
                    } else {
                        "policies do"
                    }
                ),
                table: Some(table),
            });
        }
    }

    if opts.drift {
        drift_checks(
            &mut out,
            exp,
            &wanted,
            &live,
            &drift_rels,
            &drift_funcs,
            &tools,
        );
    }

    // Migration history.
    for (h, present, can_read) in &readable {
        let migs: Vec<&ExpectedMigration> =
            exp.migrations.iter().filter(|m| m.tool == h.tool).collect();
        if !present {
            out.push(CheckResult {
                check: checks::MIGRATION_RECORDED,
                object: h.table.to_string(),
                status: Status::Warn,
                message: format!(
                    "the migration history table {} does not exist, so none of the {} migrations is recorded (applied by hand, e.g. in the SQL editor?)",
                    h.table,
                    migs.len()
                ),
                table: None,
            });
            continue;
        }
        if !can_read {
            out.push(CheckResult {
                check: checks::MIGRATION_RECORDED,
                object: h.table.to_string(),
                status: Status::Warn,
                message: format!(
                    "history not checked: no access (this role lacks USAGE on schema {} or SELECT on {}); tables, columns, RLS and policies were still checked from the catalogs",
                    display_ident(h.schema),
                    h.table
                ),
                table: None,
            });
            continue;
        }
        let set = recorded.get(h.tool);
        for m in migs {
            let found = set.is_some_and(|s| s.contains(&m.version));
            out.push(CheckResult {
                check: checks::MIGRATION_RECORDED,
                object: migration_object(m),
                status: if found { Status::Pass } else { Status::Warn },
                message: if found {
                    format!("recorded in {}", h.table)
                } else {
                    format!("not recorded in {}: {}", h.table, h.advice)
                },
                table: None,
            });
        }
    }

    // `--sizes`: the tables checked, on the same connection, one more read-only round trip.
    let sizes = if opts.sizes {
        let tables = crate::stats::Tables::Named(
            wanted
                .iter()
                .map(|w| (w.schema.clone(), w.name.clone()))
                .collect(),
        );
        let stats_opts = crate::stats::StatsOptions {
            statement_timeout_ms: opts.statement_timeout_ms,
            round_trip_timeout: limit,
        };
        let mut sizes = crate::stats::read(client, &tables, &stats_opts)
            .await?
            .tables;
        sizes.sort_by(|a, b| {
            b.total_bytes()
                .cmp(&a.total_bytes())
                .then_with(|| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)))
        });
        round_trips += 1;
        Some(sizes)
    } else {
        None
    };
    Ok(VerifyReport {
        database: String::new(),
        checks: out,
        round_trips,
        elapsed: started.elapsed(),
        sizes,
    })
}

/// `--drift`: what the live database has that no migration creates, and the functions and
/// views the migrations create that it lacks. Extra things are warnings (someone made them by
/// hand, e.g. in the dashboard: they are not in version control); a missing function or view
/// fails like a missing table.
fn drift_checks(
    out: &mut Vec<CheckResult>,
    exp: &Expectations,
    wanted: &[Wanted],
    live: &[Live],
    rels: &[Vec<Option<String>>],
    funcs: &[Vec<Option<String>>],
    tools: &[&History],
) {
    let by_hand = "no migration creates it (made by hand, e.g. in the dashboard or SQL editor?): add it to a migration or remove it";
    // Columns and policies on the tables the migrations create.
    for (w, l) in wanted.iter().zip(live) {
        if l.relkind.is_none() || w.created_in.is_none() {
            continue;
        }
        let table = display_table(&w.schema, &w.name);
        if !w.columns.is_empty() {
            for c in l.columns.iter().filter(|c| !w.columns.contains(c)) {
                out.push(CheckResult {
                    check: checks::DRIFT_COLUMN,
                    object: format!("{table}.{}", display_ident(c)),
                    status: Status::Warn,
                    message: format!("column exists in the database but {by_hand}"),
                    table: Some(table.clone()),
                });
            }
        }
        for (c, declared) in &w.column_types {
            let Some(actual) = l.types.get(c) else {
                continue;
            };
            if same_type(declared, actual) {
                continue;
            }
            out.push(CheckResult {
                check: checks::DRIFT_COLUMN_TYPE,
                object: format!("{table}.{}", display_ident(c)),
                status: Status::Warn,
                message: format!(
                    "column is {actual} in the database but the migrations make it {declared} (changed by hand, e.g. in the dashboard or SQL editor?): add the change to a migration or undo it"
                ),
                table: Some(table.clone()),
            });
        }
        for p in l.policies.iter().filter(|p| !w.policies.contains(p)) {
            out.push(CheckResult {
                check: checks::DRIFT_POLICY,
                object: format!("{table} policy \"{}\"", p.replace('"', "\"\"")),
                status: Status::Warn,
                message: format!("policy exists in the database but {by_hand}"),
                table: Some(table.clone()),
            });
        }
    }
    // Relations of the exposed schemas nobody created.
    let created_table = |s: &str, n: &str| {
        exp.tables.iter().any(|t| t.schema == s && t.name == n)
            || exp
                .objects
                .iter()
                .any(|o| o.schema == s && o.name == n && o.kind.contains("view"))
            || tools.iter().any(|h| h.schema == s && h.name == n)
    };
    let mut live_objects: BTreeSet<(String, String)> = BTreeSet::new();
    for r in rels {
        let (Some(s), Some(n)) = (&r[0], &r[1]) else {
            continue;
        };
        live_objects.insert((s.clone(), n.clone()));
        if created_table(s, n) {
            continue;
        }
        let what = match r[2].as_deref() {
            Some("v") => "view",
            Some("m") => "materialized view",
            Some("f") => "foreign table",
            _ => "table",
        };
        let table = display_table(s, n);
        out.push(CheckResult {
            check: checks::DRIFT_TABLE,
            object: table.clone(),
            status: Status::Warn,
            message: format!("{what} exists in the database but {by_hand}"),
            table: Some(table),
        });
    }
    for r in funcs {
        let (Some(s), Some(n)) = (&r[0], &r[1]) else {
            continue;
        };
        let kind = if r[2].as_deref() == Some("p") {
            "procedure"
        } else {
            "function"
        };
        live_objects.insert((s.clone(), n.clone()));
        let created = exp
            .objects
            .iter()
            .any(|o| o.schema == *s && o.name == *n && !o.kind.contains("view"));
        if !created {
            out.push(CheckResult {
                check: checks::DRIFT_FUNCTION,
                object: format!("{}()", display_table(s, n)),
                status: Status::Warn,
                message: format!("{kind} exists in the database but {by_hand}"),
                table: Some(format!("{} (functions)", display_ident(s))),
            });
        }
    }
    // What the migrations create in the exposed schemas that the database lacks (tables,
    // columns and policies are already checked above).
    for o in &exp.objects {
        if !live_objects.contains(&(o.schema.clone(), o.name.clone()))
            && exposed_contains(exp, &o.schema)
        {
            let is_view = o.kind.contains("view");
            let object = if is_view {
                display_table(&o.schema, &o.name)
            } else {
                format!("{}()", display_table(&o.schema, &o.name))
            };
            out.push(CheckResult {
                check: checks::OBJECT_EXISTS,
                object: object.clone(),
                status: Status::Fail,
                message: format!("{} is missing: a migration creates it", o.kind),
                table: Some(if is_view {
                    object
                } else {
                    format!("{} (functions)", display_ident(&o.schema))
                }),
            });
        }
    }
}

/// Whether a type as a migration writes it (`int4`, `varchar(20)`, `timestamptz(3)`,
/// `decimal(10, 2)`, `serial`, `public.mood`) is the type PostgreSQL's `format_type` shows
/// (`integer`, `character varying(20)`, `timestamp(3) with time zone`, `numeric(10,2)`,
/// `mood`). The aliases are PostgreSQL's own (gram.y's `Numeric`, `Character`, `ConstDatetime`
/// and `format_type.c`); a type this does not know (an enum, a domain, an extension's type) is
/// compared by its unqualified name, so an unknown spelling is never reported as drift unless
/// the names differ.
pub fn same_type(declared: &str, actual: &str) -> bool {
    canonical_type(declared) == canonical_type(actual)
}

/// The canonical spelling of a type (see [`same_type`]).
pub fn canonical_type(t: &str) -> String {
    let t = t.trim().to_lowercase();
    let (mut base, mut dims) = (t.as_str(), 0);
    while let Some(b) = base.strip_suffix("[]") {
        base = b.trim_end();
        dims += 1;
    }
    // `integer array` is `integer[]`.
    if let Some(b) = base.strip_suffix(" array") {
        base = b.trim_end();
        dims = dims.max(1);
    }
    // The modifier: `(20)`, `(10, 2)`, also in the middle (`timestamp(3) with time zone`).
    let (name, modifier, rest) = match base.find('(') {
        Some(open) => match base[open..].find(')') {
            Some(close) => (
                base[..open].trim(),
                base[open..open + close + 1].replace(' ', ""),
                base[open + close + 1..].trim(),
            ),
            None => (base, String::new(), ""),
        },
        None => (base, String::new(), ""),
    };
    let name = if rest.is_empty() {
        name.to_string()
    } else {
        format!("{name} {rest}")
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    // An unqualified name, without quotes (`public.mood`, `"Mood"`).
    let unqualified = |n: &str| -> String {
        let last = match n.rfind("\".") {
            Some(i) if n.ends_with('"') => &n[i + 2..],
            _ => n.rsplit('.').next().unwrap_or(n),
        };
        last.trim_matches('"').to_string()
    };
    let (canon, modifier) = match name.as_str() {
        "int" | "int4" | "integer" | "serial" | "serial4" => ("integer".to_string(), modifier),
        "int8" | "bigint" | "bigserial" | "serial8" => ("bigint".to_string(), modifier),
        "int2" | "smallint" | "smallserial" | "serial2" => ("smallint".to_string(), modifier),
        "float8" | "double precision" => ("double precision".to_string(), modifier),
        "float4" | "real" => ("real".to_string(), modifier),
        // `float(p)`: 1-24 is real, 25-53 double precision (gram.y).
        "float" => match modifier.trim_matches(['(', ')']).parse::<u32>() {
            Ok(p) if p <= 24 => ("real".to_string(), String::new()),
            _ => ("double precision".to_string(), String::new()),
        },
        "bool" | "boolean" => ("boolean".to_string(), modifier),
        "decimal" | "numeric" | "dec" => ("numeric".to_string(), modifier),
        "varchar" | "character varying" | "char varying" => {
            ("character varying".to_string(), modifier)
        }
        // `char` alone is `character(1)`.
        "char" | "character" | "bpchar" => (
            "character".to_string(),
            if modifier.is_empty() {
                "(1)".to_string()
            } else {
                modifier
            },
        ),
        "timestamptz" | "timestamp with time zone" => {
            ("timestamp with time zone".to_string(), modifier)
        }
        "timestamp" | "timestamp without time zone" => {
            ("timestamp without time zone".to_string(), modifier)
        }
        "timetz" | "time with time zone" => ("time with time zone".to_string(), modifier),
        "time" | "time without time zone" => ("time without time zone".to_string(), modifier),
        "varbit" | "bit varying" => ("bit varying".to_string(), modifier),
        "bit" => (
            "bit".to_string(),
            if modifier.is_empty() {
                "(1)".to_string()
            } else {
                modifier
            },
        ),
        other => (unqualified(other), modifier),
    };
    // `timestamp(3) with time zone`: the modifier goes after the first word.
    let mut out = match canon.split_once(' ') {
        Some((head, tail)) if canon.starts_with("time") && !modifier.is_empty() => {
            format!("{head}{modifier} {tail}")
        }
        _ => format!("{canon}{modifier}"),
    };
    // PostgreSQL does not keep an array's dimensions: `int[][]` is shown `integer[]`.
    if dims > 0 {
        out.push_str("[]");
    }
    out
}

fn exposed_contains(exp: &Expectations, schema: &str) -> bool {
    if exp.exposed_schemas.is_empty() {
        schema == "public"
    } else {
        exp.exposed_schemas.iter().any(|s| s == schema)
    }
}

/// Connects with `cfg`, verifies, and fills the report's `database` (password masked).
pub async fn verify_with_config(
    cfg: &ConnectionConfig,
    exp: &Expectations,
    opts: &VerifyOptions,
) -> Result<VerifyReport, PgError> {
    let mut report =
        crate::conn::with_connection(cfg, async |client| verify(client, exp, opts).await).await?;
    report.database = cfg.display();
    Ok(report)
}

/// [`verify_with_config`] on a current-thread tokio runtime, for synchronous callers.
pub fn verify_blocking(
    cfg: &ConnectionConfig,
    exp: &Expectations,
    opts: &VerifyOptions,
) -> Result<VerifyReport, PgError> {
    crate::conn::block_on(verify_with_config(cfg, exp, opts))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 29 item 6: types as migrations write them against `format_type`'s spelling.
    #[test]
    fn types_compare_as_postgresql_spells_them() {
        for (written, shown) in [
            ("int4", "integer"),
            ("serial", "integer"),
            ("bigserial", "bigint"),
            ("varchar(40)", "character varying(40)"),
            ("varchar", "character varying"),
            ("char", "character(1)"),
            ("decimal(12, 2)", "numeric(12,2)"),
            ("timestamptz(3)", "timestamp(3) with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("timestamp", "timestamp without time zone"),
            ("text[]", "text[]"),
            ("int[][]", "integer[]"),
            ("float", "double precision"),
            ("float(10)", "real"),
            ("public.mood", "mood"),
            ("\"Mood\"", "\"Mood\""),
            ("bool", "boolean"),
        ] {
            assert!(same_type(written, shown), "{written} vs {shown}");
        }
        for (written, shown) in [
            ("integer", "bigint"),
            ("numeric", "text"),
            ("numeric(12,2)", "numeric(14,2)"),
            ("varchar(40)", "character varying(80)"),
            ("timestamptz", "timestamp without time zone"),
            ("text", "text[]"),
        ] {
            assert!(!same_type(written, shown), "{written} vs {shown}");
        }
    }

    #[test]
    fn literals_are_quoted() {
        assert_eq!(quote_literal("abc"), "E'abc'");
        assert_eq!(quote_literal("it's"), "E'it''s'");
        assert_eq!(
            quote_literal("a\\'; drop table x; --"),
            "E'a\\\\''; drop table x; --'"
        );
        assert_eq!(quote_literal("nul\0byte"), "E'nulbyte'");
        assert_eq!(
            text_array(["a", "b'c"]),
            "ARRAY[E'a', E'b''c']::pg_catalog.text[]"
        );
        assert_eq!(text_array([]), "ARRAY[]::pg_catalog.text[]");
    }

    #[test]
    fn identifiers_are_shown_as_written() {
        assert_eq!(display_ident("todos"), "todos");
        assert_eq!(display_ident("TileSetting"), "\"TileSetting\"");
        assert_eq!(display_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(display_ident("1x"), "\"1x\"");
        assert_eq!(display_table("public", "my table"), "public.\"my table\"");
    }

    #[test]
    fn report_summary_and_ok() {
        let mut r = VerifyReport::default();
        assert!(r.ok());
        for s in [Status::Pass, Status::Warn, Status::Pass] {
            r.checks.push(CheckResult {
                check: checks::TABLE_EXISTS,
                object: "x".into(),
                status: s,
                message: String::new(),
                table: None,
            });
        }
        assert!(r.ok());
        r.checks[0].status = Status::Fail;
        assert!(!r.ok());
        assert_eq!(
            r.summary(),
            Summary {
                pass: 1,
                fail: 1,
                warn: 1
            }
        );
    }
}
