//! `--server-url`: replaying into a server the user runs, without harming it.
//!
//! * **Disposable means provably disposable.** Before anything is created, [`inspect`] reads
//!   (read-only, every round trip with a deadline) every database the role can connect to,
//!   the cluster's roles and its replication; [`Inspection::refusal`] says what makes the
//!   server look like someone's (user tables, unknown roles, replication, databases that
//!   cannot be read) unless the user passed `--yes-this-is-disposable`.
//! * **Everything replay creates is marked** with its run: databases are named
//!   `migcheck_replay_<pid>_<key>_<n>_<tool>` and commented, roles (the Supabase baseline's,
//!   and those the migrations create) get a comment `migcheck replay run <key> pid <pid> host
//!   <host> started <unix time>`. The live run holds the session advisory lock
//!   `(`[`LOCK_CLASS`]`, key)` on its control connection, so the next run knows a run is dead
//!   when nobody holds its lock ([`pg_locks`] shows every session's advisory locks), and
//!   removes what it left ([`remove_leftovers`]), saying so.
//! * **Clean-up** ([`cleanup`]) drops this run's databases (after ending their sessions) and
//!   the roles this run created, within a bounded deadline, on success, error and signals.
//!
//! [`pg_locks`]: https://www.postgresql.org/docs/current/view-pg-locks.html

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio_postgres::{Client, SimpleQueryMessage};

use crate::conn::{connect_with_driver, round_trip, ConnectionConfig, PgError};
use crate::verify::quote_literal;

/// The first key of replay's advisory locks (`pg_locks.classid`): "mcrp" in ASCII.
pub const LOCK_CLASS: u32 = 0x6d63_7270;

/// The prefix of the databases replay creates on a `--server-url` server.
pub const DB_PREFIX: &str = "migcheck_replay_";

/// The prefix of the comment replay puts on what it creates.
const MARKER_PREFIX: &str = "migcheck replay run ";

/// Client-side deadline of each of replay's own round trips (inspection, CREATE/COMMENT/DROP
/// DATABASE, role bookkeeping); the server is also told `statement_timeout` =
/// [`CONTROL_STATEMENT_TIMEOUT`] on those connections.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(15);
pub const CONTROL_STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// The whole clean-up (connecting included) at the end, on errors and on signals.
pub const CLEANUP_DEADLINE: Duration = Duration::from_secs(10);

/// Schemas PostgreSQL itself owns.
const SYSTEM_SCHEMAS: [&str; 2] = ["pg_catalog", "information_schema"];

/// Schemas the Supabase platform creates and owns (supabase/postgres,
/// `migrations/db/init-scripts/*.sql` and `migrations/db/migrations/*.sql`, plus the schemas of
/// the extensions it preinstalls): their tables are the platform's, not the user's data.
/// Tables that belong to an extension (pg_depend `deptype = 'e'`, e.g. postgis's
/// `spatial_ref_sys` in `public`) are the extension's, wherever they are.
pub const PLATFORM_SCHEMAS: [&str; 20] = [
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "extensions",
    "graphql",
    "graphql_public",
    "supabase_functions",
    "supabase_migrations",
    "net",
    "pgsodium",
    "pgsodium_masks",
    "vault",
    "pgbouncer",
    "cron",
    "pgmq",
    "_analytics",
    "_supavisor",
    "pgtle",
    "repack",
];

/// Roles the Supabase platform creates (supabase/postgres
/// `migrations/db/init-scripts/00000000000000-initial-schema.sql` and later migrations):
/// a server holding only these, the system's `pg_*` roles, the bootstrap superuser and the
/// connecting role has no unknown roles.
pub const PLATFORM_ROLES: [&str; 19] = [
    "postgres",
    "supabase_admin",
    "anon",
    "authenticated",
    "service_role",
    "authenticator",
    "supabase_auth_admin",
    "supabase_storage_admin",
    "supabase_functions_admin",
    "supabase_realtime_admin",
    "supabase_replication_admin",
    "supabase_read_only_user",
    "supabase_etl_admin",
    "supabase_privileged_role",
    "dashboard_user",
    "pgbouncer",
    "pgsodium_keyholder",
    "pgsodium_keyiduser",
    "pgsodium_keymaker",
];

/// This run's identity on the server.
#[derive(Debug, Clone)]
pub struct RunId {
    /// The advisory lock's second key (positive).
    pub key: u32,
    pub marker: String,
}

impl RunId {
    pub fn new() -> RunId {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let pid = std::process::id();
        let key = (now.subsec_nanos() ^ pid.rotate_left(16) ^ (now.as_secs() as u32)) & 0x7fff_ffff;
        let key = key.max(1);
        RunId {
            key,
            marker: format!(
                "{MARKER_PREFIX}{key} pid {pid} host {} started {}",
                hostname(),
                now.as_secs()
            ),
        }
    }

    /// `migcheck_replay_<pid>_<key>_<n>_<tool>` (at most 63 bytes: PostgreSQL's limit).
    pub fn database(&self, n: usize, tool: &str) -> String {
        let mut name = format!(
            "{DB_PREFIX}{}_{:08x}_{n}_{}",
            std::process::id(),
            self.key,
            tool.replace('-', "_")
        );
        name.truncate(63);
        name
    }
}

impl Default for RunId {
    fn default() -> Self {
        RunId::new()
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// The run key of a comment replay wrote, or of a database name replay chose.
fn key_of_marker(comment: &str) -> Option<u32> {
    comment
        .strip_prefix(MARKER_PREFIX)?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

fn key_of_database(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(DB_PREFIX)?;
    let mut parts = rest.split('_');
    parts.next()?.parse::<u32>().ok()?;
    let key = parts.next()?;
    (key.len() == 8)
        .then(|| u32::from_str_radix(key, 16).ok())
        .flatten()
}

/// A control round trip: rows of the last statement, or the error naming `doing`.
pub async fn control(
    client: &Client,
    sql: &str,
    doing: &str,
) -> Result<Vec<Vec<Option<String>>>, PgError> {
    let msgs = round_trip(client, sql, CONTROL_TIMEOUT, doing)
        .await?
        .map_err(|e| {
            PgError::Other(format!(
                "{doing}: {}",
                e.as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string())
            ))
        })?;
    let mut last = Vec::new();
    let mut cur: Vec<Vec<Option<String>>> = Vec::new();
    for m in &msgs {
        match m {
            SimpleQueryMessage::Row(r) => {
                cur.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            SimpleQueryMessage::CommandComplete(_) => last = std::mem::take(&mut cur),
            _ => {}
        }
    }
    Ok(last)
}

/// An identifier, always quoted (safe for any name, keywords included).
fn qi(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn set_timeout_sql(t: Duration) -> String {
    format!("SET statement_timeout = {}", t.as_millis())
}

/// Opens a control connection to `cfg` (connect deadline from `cfg`), with the server-side
/// statement timeout of control statements.
pub async fn open(cfg: &ConnectionConfig) -> Result<(Client, crate::conn::Driver), PgError> {
    let (client, driver) = connect_with_driver(cfg).await?;
    control(
        &client,
        &set_timeout_sql(CONTROL_STATEMENT_TIMEOUT),
        "setting statement_timeout",
    )
    .await?;
    Ok((client, driver))
}

/// What the server holds, read before anything is created.
#[derive(Debug, Default)]
pub struct Inspection {
    pub version_num: u32,
    pub can_create_db: bool,
    /// `(database, table count, up to 5 example names)` for databases holding user tables.
    pub user_tables: Vec<(String, u64, Vec<String>)>,
    /// Databases replay could not read (no CONNECT privilege, connections not allowed, or
    /// connecting failed), with why.
    pub unreadable: Vec<(String, String)>,
    pub unknown_roles: Vec<String>,
    /// `(what, count)`: walsenders, replication slots, subscriptions.
    pub replication: Vec<(&'static str, u64)>,
    /// Leftovers of dead runs: `(key, databases, roles, one of their comments)`.
    pub stale: Vec<Leftover>,
}

#[derive(Debug, Default, Clone)]
pub struct Leftover {
    pub key: u32,
    pub databases: Vec<String>,
    pub roles: Vec<String>,
    /// `pid P host H started T`, when a comment says it.
    pub origin: Option<String>,
}

impl Inspection {
    /// Why the server does not look disposable, or `None`.
    pub fn refusal(&self) -> Option<String> {
        let mut why = Vec::new();
        for (db, n, examples) in &self.user_tables {
            why.push(format!(
                "database {db} holds {n} table{} outside the system and platform schemas ({}{})",
                if *n == 1 { "" } else { "s" },
                examples.join(", "),
                if *n as usize > examples.len() {
                    ", ..."
                } else {
                    ""
                }
            ));
        }
        for (db, reason) in &self.unreadable {
            why.push(format!("database {db} could not be inspected ({reason})"));
        }
        if !self.unknown_roles.is_empty() {
            let n = self.unknown_roles.len();
            let shown: Vec<&str> = self
                .unknown_roles
                .iter()
                .take(5)
                .map(String::as_str)
                .collect();
            why.push(format!(
                "{n} role{} replay does not recognise (not a system, Supabase platform or migcheck role: {}{})",
                if n == 1 { "" } else { "s" },
                shown.join(", "),
                if n > shown.len() { ", ..." } else { "" }
            ));
        }
        for (what, n) in &self.replication {
            why.push(format!("{n} {what}"));
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

fn num(v: &Option<String>) -> u64 {
    v.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn in_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| quote_literal(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The user tables of one database: tables, partitioned tables, materialized views and
/// foreign tables outside the system and platform schemas, not owned by an extension.
fn user_tables_sql() -> String {
    format!(
        "WITH t AS (SELECT n.nspname, c.relname FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'm', 'f') \
         AND n.nspname NOT IN ({}, {}) \
         AND n.nspname !~ '^pg_(toast|temp)' \
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d \
           WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e')) \
         SELECT (SELECT pg_catalog.count(*) FROM t)::text, \
         (SELECT pg_catalog.string_agg(n, ', ') FROM (SELECT pg_catalog.quote_ident(nspname) || '.' || pg_catalog.quote_ident(relname) AS n \
          FROM t ORDER BY nspname, relname LIMIT 5) s)",
        in_list(&SYSTEM_SCHEMAS),
        in_list(&PLATFORM_SCHEMAS)
    )
}

/// Reads the server (read-only; every round trip within [`CONTROL_TIMEOUT`], every connection
/// within the connect timeout). `admin` is connected to `cfg`'s database.
pub async fn inspect(admin: &Client, cfg: &ConnectionConfig) -> Result<Inspection, PgError> {
    let mut ins = Inspection::default();
    let facts = control(
        admin,
        "SELECT pg_catalog.current_setting('server_version_num'), \
         (SELECT (rolsuper OR rolcreatedb)::text FROM pg_catalog.pg_roles WHERE rolname = current_user)",
        "reading the server's version",
    )
    .await?;
    let row = facts.first().cloned().unwrap_or_default();
    ins.version_num = row
        .first()
        .and_then(|v| v.as_deref())
        .and_then(|v| v.parse().ok())
        .unwrap_or(150000);
    ins.can_create_db = row.get(1).and_then(|v| v.as_deref()) == Some("true");

    // Which runs are alive: their advisory locks are held.
    let live: BTreeSet<u32> = control(
        admin,
        &format!(
            "SELECT objid::pg_catalog.int8::text FROM pg_catalog.pg_locks \
             WHERE locktype = 'advisory' AND classid = {LOCK_CLASS} AND objsubid = 2 AND granted"
        ),
        "reading advisory locks",
    )
    .await?
    .iter()
    .filter_map(|r| r.first()?.as_deref()?.parse().ok())
    .collect();
    let mut stale: std::collections::BTreeMap<u32, Leftover> = Default::default();
    let note_origin = |lo: &mut Leftover, comment: Option<&str>| {
        if lo.origin.is_none() {
            lo.origin = comment
                .and_then(|c| c.strip_prefix(MARKER_PREFIX))
                .and_then(|c| c.split_once(' '))
                .map(|(_, o)| o.to_string());
        }
    };

    let dbs = control(
        admin,
        "SELECT d.datname, (d.datallowconn)::text, pg_catalog.has_database_privilege(d.oid, 'CONNECT')::text, \
         pg_catalog.shobj_description(d.oid, 'pg_database') FROM pg_catalog.pg_database d ORDER BY 1",
        "listing databases",
    )
    .await?;
    let mut to_read = Vec::new();
    for r in &dbs {
        let Some(name) = r.first().cloned().flatten() else {
            continue;
        };
        let comment = r.get(3).cloned().flatten();
        let key = key_of_database(&name).or_else(|| comment.as_deref().and_then(key_of_marker));
        if let Some(key) = key.filter(|_| name.starts_with(DB_PREFIX)) {
            if !live.contains(&key) {
                let lo = stale.entry(key).or_insert_with(|| Leftover {
                    key,
                    ..Leftover::default()
                });
                lo.databases.push(name.clone());
                note_origin(lo, comment.as_deref());
            }
            // A live run's database is that run's business.
            continue;
        }
        let allow = r.get(1).and_then(|v| v.as_deref()) == Some("true");
        let connect = r.get(2).and_then(|v| v.as_deref()) == Some("true");
        if name == "template0" && !allow {
            continue;
        }
        if !allow {
            ins.unreadable
                .push((name, "it does not allow connections".into()));
        } else if !connect {
            ins.unreadable.push((
                name,
                format!("role {} has no CONNECT privilege on it", cfg.user),
            ));
        } else {
            to_read.push(name);
        }
    }
    for name in to_read {
        match tables_of(&cfg.with_dbname(&name)).await {
            Ok((0, _)) => {}
            Ok((n, examples)) => ins.user_tables.push((name, n, examples)),
            Err(e) => ins.unreadable.push((name, e.to_string())),
        }
    }

    let roles = control(
        admin,
        "SELECT r.rolname, pg_catalog.shobj_description(r.oid, 'pg_authid') FROM pg_catalog.pg_roles r \
         WHERE r.rolname !~ '^pg_' AND r.oid <> 10 AND r.rolname <> current_user ORDER BY 1",
        "listing roles",
    )
    .await?;
    for r in &roles {
        let Some(name) = r.first().cloned().flatten() else {
            continue;
        };
        let comment = r.get(1).cloned().flatten();
        if let Some(key) = comment.as_deref().and_then(key_of_marker) {
            if !live.contains(&key) {
                let lo = stale.entry(key).or_insert_with(|| Leftover {
                    key,
                    ..Leftover::default()
                });
                lo.roles.push(name);
                note_origin(lo, comment.as_deref());
            }
            continue;
        }
        if !PLATFORM_ROLES.contains(&name.as_str()) {
            ins.unknown_roles.push(name);
        }
    }

    let repl = control(
        admin,
        "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_replication)::text, \
         (SELECT pg_catalog.count(*) FROM pg_catalog.pg_replication_slots)::text, \
         (SELECT pg_catalog.count(subname) FROM pg_catalog.pg_subscription)::text",
        "reading replication",
    )
    .await?;
    let row = repl.first().cloned().unwrap_or_default();
    for (i, what) in [
        "replication connections (pg_stat_replication)",
        "replication slots (pg_replication_slots)",
        "subscriptions (pg_subscription)",
    ]
    .into_iter()
    .enumerate()
    {
        let n = num(row.get(i).unwrap_or(&None));
        if n > 0 {
            ins.replication.push((what, n));
        }
    }
    ins.stale = stale.into_values().collect();
    Ok(ins)
}

/// `(count, examples)` of the user tables of the database `cfg` names, read in a read-only
/// transaction that ends in ROLLBACK.
async fn tables_of(cfg: &ConnectionConfig) -> Result<(u64, Vec<String>), PgError> {
    let (client, driver) = connect_with_driver(cfg).await?;
    let sql = format!(
        "START TRANSACTION READ ONLY; SET LOCAL statement_timeout = {}; {}; ROLLBACK",
        CONTROL_STATEMENT_TIMEOUT.as_millis(),
        user_tables_sql()
    );
    let msgs = round_trip(&client, &sql, CONTROL_TIMEOUT, "counting user tables")
        .await?
        .map_err(|e| crate::conn::classify(&e, cfg, "counting user tables"))?;
    let row: Vec<Option<String>> = msgs
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .unwrap_or_default();
    crate::conn::close(client, driver).await;
    let n = num(row.first().unwrap_or(&None));
    let examples = row
        .get(1)
        .cloned()
        .flatten()
        .map(|s| s.split(", ").map(str::to_string).collect())
        .unwrap_or_default();
    Ok((n, examples))
}

/// Takes this run's advisory lock on the control connection (held until it closes).
pub async fn lock(admin: &Client, run: &RunId) -> Result<(), PgError> {
    control(
        admin,
        &format!(
            "SELECT pg_catalog.pg_advisory_lock({}, {})",
            LOCK_CLASS as i32, run.key as i32
        ),
        "taking replay's advisory lock",
    )
    .await
    .map(|_| ())
}

/// The role names (not `pg_*`) on the server now, with their comments.
pub async fn roles(admin: &Client) -> Result<Vec<(String, Option<String>)>, PgError> {
    Ok(control(
        admin,
        "SELECT r.rolname, pg_catalog.shobj_description(r.oid, 'pg_authid') FROM pg_catalog.pg_roles r \
         WHERE r.rolname !~ '^pg_' ORDER BY 1",
        "listing roles",
    )
    .await?
    .into_iter()
    .filter_map(|r| Some((r.first()?.clone()?, r.get(1).cloned().flatten())))
    .collect())
}

/// Marks the roles that appeared since `before` and carry no replay marker as this run's.
pub async fn mark_new_roles(
    admin: &Client,
    before: &BTreeSet<String>,
    run: &RunId,
) -> Result<(), PgError> {
    let mut sql = String::new();
    for (name, comment) in roles(admin).await? {
        if before.contains(&name) || comment.as_deref().and_then(key_of_marker).is_some() {
            continue;
        }
        sql.push_str(&format!(
            "COMMENT ON ROLE {} IS {};\n",
            qi(&name),
            quote_literal(&run.marker)
        ));
    }
    if !sql.is_empty() {
        control(admin, &sql, "marking the roles replay created").await?;
    }
    Ok(())
}

/// Ends the sessions on a database, then drops it (two round trips: DROP DATABASE cannot run
/// in the implicit transaction of a multi-statement message).
pub async fn drop_database(client: &Client, name: &str, major: u32) -> Result<(), PgError> {
    control(
        client,
        &format!(
            "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity \
             WHERE datname = {} AND pid <> pg_catalog.pg_backend_pid()",
            quote_literal(name)
        ),
        "ending the sessions on a database",
    )
    .await?;
    let force = if major >= 13 { " WITH (FORCE)" } else { "" };
    control(
        client,
        &format!("DROP DATABASE IF EXISTS {}{force}", qi(name)),
        "dropping a database",
    )
    .await
    .map(|_| ())
}

/// What a clean-up did.
#[derive(Debug, Default)]
pub struct Cleaned {
    pub databases: Vec<String>,
    pub roles: Vec<String>,
    /// What could not be removed, with why (removed by the next run).
    pub failed: Vec<String>,
}

impl Cleaned {
    pub fn sentence(&self, server: &str) -> String {
        let mut s = String::new();
        if self.databases.is_empty() && self.roles.is_empty() {
            s.push_str(&format!("nothing of replay's was left on {server}"));
        } else {
            s.push_str(&format!("dropped from {server}"));
            if !self.databases.is_empty() {
                s.push_str(&format!(" the databases {}", self.databases.join(", ")));
            }
            if !self.roles.is_empty() {
                if !self.databases.is_empty() {
                    s.push_str(" and");
                }
                s.push_str(&format!(" the roles {}", self.roles.join(", ")));
            }
        }
        if !self.failed.is_empty() {
            s.push_str(&format!(
                "; could not remove {} (the next `migcheck replay --server-url` into this server removes them)",
                self.failed.join(", ")
            ));
        }
        s
    }
}

/// Drops `databases`, then `roles` and (with `new_since`) the roles this run created, on a
/// fresh connection (the run's may be dead), each step within [`CONTROL_TIMEOUT`]; the caller
/// bounds the whole with [`CLEANUP_DEADLINE`]. Records into `done` as it goes, so a clean-up
/// cut short still says what is left.
pub async fn cleanup(
    cfg: &ConnectionConfig,
    major: u32,
    databases: &[String],
    roles: &[String],
    new_since: Option<(&BTreeSet<String>, &RunId)>,
    done: &mut Cleaned,
) {
    let mut cfg = cfg.clone();
    let limit = if cfg.connect_timeout.is_zero() {
        CONTROL_TIMEOUT
    } else {
        cfg.connect_timeout.min(CONTROL_TIMEOUT)
    };
    cfg.set_connect_timeout(limit);
    done.failed = databases.iter().chain(roles).cloned().collect();
    if new_since.is_some() {
        done.failed.push("the roles this run created".into());
    }
    let (client, driver) = match open(&cfg).await {
        Ok(c) => c,
        Err(_) => return,
    };
    for db in databases {
        if drop_database(&client, db, major).await.is_ok() {
            done.failed.retain(|f| f != db);
            done.databases.push(db.clone());
        }
    }
    let mut roles = roles.to_vec();
    if let Some((before, run)) = new_since {
        if let Ok(mine) = roles_to_drop(&client, before, run).await {
            done.failed.retain(|f| f != "the roles this run created");
            done.failed.extend(mine.iter().cloned());
            roles.extend(mine);
        }
    }
    for role in &roles {
        let sql = format!("DROP ROLE IF EXISTS {}", qi(role));
        if control(&client, &sql, "dropping a role").await.is_ok() {
            done.failed.retain(|f| f != role);
            done.roles.push(role.clone());
        }
    }
    crate::conn::close(client, driver).await;
}

/// The roles of this run to drop: those that did not exist before it and carry its marker
/// or none (created by its migrations after the last marking).
pub async fn roles_to_drop(
    admin: &Client,
    before: &BTreeSet<String>,
    run: &RunId,
) -> Result<Vec<String>, PgError> {
    Ok(roles(admin)
        .await?
        .into_iter()
        .filter(|(name, comment)| {
            !before.contains(name)
                && comment
                    .as_deref()
                    .and_then(key_of_marker)
                    .is_none_or(|k| k == run.key)
        })
        .map(|(name, _)| name)
        .collect())
}

/// Creates set `n`'s database and marks it as this run's.
pub async fn create_database(admin: &Client, name: &str, run: &RunId) -> Result<(), PgError> {
    control(
        admin,
        &format!("CREATE DATABASE {}", qi(name)),
        &format!("creating database {name}"),
    )
    .await?;
    control(
        admin,
        &format!(
            "COMMENT ON DATABASE {} IS {}",
            qi(name),
            quote_literal(&run.marker)
        ),
        &format!("marking database {name}"),
    )
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_markers_round_trip() {
        let run = RunId::new();
        assert!(run.key > 0);
        assert_eq!(key_of_marker(&run.marker), Some(run.key));
        let db = run.database(3, "postgres-migrations");
        assert!(db.len() <= 63, "{db}");
        assert_eq!(key_of_database(&db), Some(run.key));
        assert_eq!(key_of_database("migcheck_replay_12_1_supabase"), None);
        assert_eq!(key_of_marker("someone else's comment"), None);
    }

    #[test]
    fn refusal_names_what_it_found() {
        let ins = Inspection {
            user_tables: vec![("postgres".into(), 1, vec!["public.orders".into()])],
            unknown_roles: vec!["alice".into()],
            replication: vec![("replication slots (pg_replication_slots)", 1)],
            ..Inspection::default()
        };
        let r = ins.refusal().unwrap();
        assert!(
            r.contains("database postgres holds 1 table outside the system and platform schemas (public.orders)"),
            "{r}"
        );
        assert!(r.contains("1 role replay does not recognise"), "{r}");
        assert!(r.contains("alice"), "{r}");
        assert!(r.contains("1 replication slots"), "{r}");
        assert_eq!(Inspection::default().refusal(), None);
    }
}
