//! Impact: what a lock or rewrite finding costs on the live table it hits (issue 32).
//!
//! `migcheck check --database-url …` (or `--stats FILE`, a snapshot written by
//! `migcheck stats`) gives each finding of a lock or rewrite rule the live figures of its table:
//! rows, heap, index and TOAST bytes, write rate, the lock and what it blocks, and an estimated
//! duration from the throughput model below (calibrated on a real server: docs/impact.md). The
//! severity then follows the table ([`Thresholds`], `[impact]` in migcheck.toml): a note on a
//! table that is empty, small or not there yet; an error, saying why, on a large or busy one.
//!
//! Data flows one way: the findings name their statements ([`targets`]), the caller reads the
//! figures of those tables (from a database or a snapshot: [`Snapshot`]), and [`apply`] sets
//! each finding's [`Impact`]. This module reads no database: `migcheck-pg` does.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation as Op, ColumnOption, Expr, Statement as Ast,
    TableConstraint,
};

use crate::effect::QualName;
use crate::extract::qual;
use crate::finding::{Finding, Impact, Severity};
use crate::findings::Findings;
use crate::rules::locks::Lock;
use crate::source::SourceFile;

/// What a statement does to the rows of its table, for the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Work {
    /// Takes a lock and touches no row (an `ALTER TABLE` that only changes the catalog).
    Lock,
    /// Reads every row (`SET NOT NULL`, validating a constraint).
    Scan,
    /// Builds an index: reads every row and sorts.
    IndexBuild,
    /// Writes a new copy of the table and rebuilds its indexes.
    Rewrite,
    /// A rewrite that also computes a volatile default for every row.
    RewriteComputing,
    /// Updates or deletes every row (row locks until commit).
    WriteAll,
}

impl Work {
    pub fn as_str(self) -> &'static str {
        match self {
            Work::Lock => "lock",
            Work::Scan => "scan",
            Work::IndexBuild => "index build",
            Work::Rewrite | Work::RewriteComputing => "rewrite",
            Work::WriteAll => "write every row",
        }
    }
}

/// The rules whose findings are about a lock held or work done on the table their statement
/// names: the only ones [`apply`] weighs, with the work the rule has established (`None`: the
/// statement says) and whether the live figures may lower the finding to a note.
///
/// Left out: destructive rules (drops, truncates, renames: losing data is as bad on a small
/// table), and `statements-after-access-exclusive`, whose hazard is the lock held on an
/// *earlier* statement's table. Weighed but never lowered: `column-type-change` (it also
/// breaks clients and can lose precision) and `update-all-rows` / `delete-all-rows` (they
/// change data): their impact is shown, and a large table still makes them errors.
const WEIGHED: &[(&str, Option<Work>, bool)] = &[
    (
        "add-column-rewrites-table",
        Some(Work::RewriteComputing),
        true,
    ),
    ("column-type-change", Some(Work::Rewrite), false),
    ("table-rewrite-command", Some(Work::Rewrite), true),
    ("replay-table-rewrite", Some(Work::Rewrite), true),
    (
        "refresh-matview-without-concurrently",
        Some(Work::Rewrite),
        true,
    ),
    ("set-not-null", Some(Work::Scan), true),
    ("constraint-without-not-valid", Some(Work::Scan), true),
    ("validate-in-same-transaction", Some(Work::Scan), true),
    ("attach-partition-without-check", Some(Work::Scan), true),
    ("require-concurrent-index", Some(Work::IndexBuild), true),
    (
        "unique-added-to-existing-table",
        Some(Work::IndexBuild),
        true,
    ),
    ("exclude-constraint", Some(Work::IndexBuild), true),
    ("update-all-rows", Some(Work::WriteAll), false),
    ("delete-all-rows", Some(Work::WriteAll), false),
    ("lock-timeout-missing", None, true),
    ("replay-lock", None, true),
    ("require-concurrent-index-drop", None, true),
    ("add-column-not-null-without-default", None, true),
];

/// The table a finding's statement locks, the lock, and the work it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `(schema, name)`; an unqualified name is taken in `public` (the search path of
    /// Supabase, Prisma and most tools' migrations).
    pub table: (String, String),
    /// `None`: row locks only (`UPDATE`, `DELETE`).
    pub lock: Option<Lock>,
    pub work: Work,
    /// False when the figures may raise the finding to an error but never lower it.
    pub lowers: bool,
}

/// What a lock blocks while it is held (PostgreSQL's "Conflicting lock modes" table).
pub fn blocks(lock: Option<Lock>) -> &'static str {
    match lock {
        Some(Lock::AccessExclusive) => "blocks every read and write of the table",
        Some(Lock::Exclusive) => "blocks writes (reads go on)",
        Some(Lock::ShareRowExclusive) | Some(Lock::Share) => {
            "blocks INSERT, UPDATE and DELETE (reads go on)"
        }
        Some(Lock::ShareUpdateExclusive) => {
            "blocks other schema changes and VACUUM (reads and writes go on)"
        }
        None => "locks each row it writes until the transaction ends",
    }
}

fn is_constant_default(e: &Expr) -> bool {
    match e {
        Expr::Value(_) | Expr::TypedString { .. } => true,
        Expr::Cast { expr, .. } | Expr::Nested(expr) | Expr::UnaryOp { expr, .. } => {
            is_constant_default(expr)
        }
        // `now()`, `CURRENT_TIMESTAMP` and friends are stable: evaluated once, no rewrite.
        Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_lowercase();
            let name = name.rsplit('.').next().unwrap_or(&name);
            matches!(
                name,
                "now"
                    | "current_timestamp"
                    | "current_date"
                    | "current_time"
                    | "localtimestamp"
                    | "localtime"
                    | "transaction_timestamp"
                    | "statement_timestamp"
                    | "current_user"
                    | "session_user"
            )
        }
        Expr::Identifier(i) => {
            let n = i.value.to_ascii_lowercase();
            n.starts_with("current_") || n.starts_with("local")
        }
        _ => false,
    }
}

/// The work an `ALTER TABLE` operation does.
fn op_work(op: &Op) -> Work {
    match op {
        Op::AlterColumn { op, .. } => match op {
            AlterColumnOperation::SetDataType { .. } => Work::Rewrite,
            AlterColumnOperation::SetNotNull => Work::Scan,
            _ => Work::Lock,
        },
        Op::AddColumn { column_def, .. } => {
            let rewrites = column_def.options.iter().any(|o| match &o.option {
                ColumnOption::Default(e) => !is_constant_default(e),
                ColumnOption::Generated { .. } => true,
                _ => false,
            }) || {
                let t = column_def.data_type.to_string().to_ascii_lowercase();
                t.contains("serial")
            };
            if rewrites {
                Work::RewriteComputing
            } else {
                Work::Lock
            }
        }
        Op::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::Check(_) | TableConstraint::ForeignKey(_) if !*not_valid => Work::Scan,
            TableConstraint::Unique(_) | TableConstraint::PrimaryKey(_) => Work::IndexBuild,
            _ => Work::Lock,
        },
        Op::ValidateConstraint { .. } | Op::AttachPartition { .. } => Work::Scan,
        _ => Work::Lock,
    }
}

/// The table, lock and work of one statement, when it names one table.
pub fn target_of(ast: &Ast, rule_work: Option<Work>) -> Option<Target> {
    let public = |q: QualName| {
        let schema = q.schema.clone().unwrap_or_else(|| "public".into());
        (schema, q.name.clone())
    };
    let (table, lock, work) = match ast {
        Ast::AlterTable(at) => {
            let lock = at
                .operations
                .iter()
                .map(crate::rules::locks::op_lock)
                .max()?;
            let work = at.operations.iter().map(op_work).max()?;
            (qual(&at.name), Some(lock), work)
        }
        Ast::CreateIndex(ci) => {
            let lock = if ci.concurrently {
                Lock::ShareUpdateExclusive
            } else {
                Lock::Share
            };
            (qual(&ci.table_name), Some(lock), Work::IndexBuild)
        }
        Ast::Update(u) => match &u.table.relation {
            sqlparser::ast::TableFactor::Table { name, .. } => (qual(name), None, Work::WriteAll),
            _ => return None,
        },
        Ast::Delete(d) => {
            let tables = match &d.from {
                sqlparser::ast::FromTable::WithFromKeyword(t)
                | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
            };
            match tables.first().map(|t| &t.relation) {
                Some(sqlparser::ast::TableFactor::Table { name, .. }) => {
                    (qual(name), None, Work::WriteAll)
                }
                _ => return None,
            }
        }
        Ast::RefreshMaterializedView(r) => {
            let lock = if r.concurrently {
                Lock::Exclusive
            } else {
                Lock::AccessExclusive
            };
            (qual(&r.name), Some(lock), Work::Rewrite)
        }
        Ast::CreateTrigger(t) => (
            qual(&t.table_name),
            Some(Lock::ShareRowExclusive),
            Work::Lock,
        ),
        Ast::Truncate(t) => (
            qual(&t.table_names.first()?.name),
            Some(Lock::AccessExclusive),
            Work::Lock,
        ),
        _ => return None,
    };
    let work = match (rule_work, work) {
        // The rule decided from the schema model (a type change it knows rewrites, a default
        // it knows is volatile); a statement it judged is at least that much work.
        (Some(r), w) => r.max(w),
        (None, w) => w,
    };
    Some(Target {
        table: public(table),
        lock,
        work,
        lowers: true,
    })
}

/// `VACUUM FULL t` and `CLUSTER t`, which sqlparser does not read as PostgreSQL writes them.
fn target_of_text(text: &str) -> Option<Target> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .filter(|w| !w.is_empty())
        .collect();
    let upper = |i: usize| words.get(i).map(|w| w.to_ascii_uppercase());
    let name = match (upper(0).as_deref(), upper(1).as_deref()) {
        (Some("VACUUM"), Some("FULL")) => words.get(2)?,
        (Some("CLUSTER"), Some(_)) => words.get(1)?,
        _ => return None,
    };
    let (schema, table) = match name.split_once('.') {
        Some((s, t)) => (s, t),
        None => ("public", *name),
    };
    let unquote = |s: &str| {
        if s.starts_with('"') {
            s.trim_matches('"').to_string()
        } else {
            s.to_ascii_lowercase()
        }
    };
    Some(Target {
        table: (unquote(schema), unquote(table)),
        lock: Some(Lock::AccessExclusive),
        work: Work::Rewrite,
        lowers: true,
    })
}

/// The target of every weighed finding, by its position in `findings`. Each file holding such a
/// finding is split once, and only the statements that hold one are parsed (parsing the whole
/// file, then each statement's tree again, was twice the parse of a large file).
pub fn targets(findings: &Findings) -> Vec<(usize, Target)> {
    let mut parsed: HashMap<usize, crate::split::Split> = HashMap::new();
    let mut out = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(&(_, rule_work, lowers)) = WEIGHED.iter().find(|(r, _, _)| *r == f.rule) else {
            continue;
        };
        let key = Arc::as_ptr(&f.file) as usize;
        let file: &SourceFile = &f.file;
        let p = parsed
            .entry(key)
            .or_insert_with(|| crate::split::split(&file.text));
        // The statement holding the finding's start: statements are in file order, so a
        // binary search (a search from the top for each of 2,000 findings was N² steps).
        crate::work::add(1);
        let at = p
            .statements
            .partition_point(|s| s.span.start <= f.span.start);
        let Some(stmt) = at
            .checked_sub(1)
            .map(|i| &p.statements[i])
            .filter(|s| f.span.start < s.span.end.max(s.span.start + 1))
        else {
            continue;
        };
        let text = &file.text[stmt.span.clone()];
        let target = match crate::parse::parse_one(text).ok() {
            Some(ast) => target_of(&ast, rule_work),
            None => target_of_text(text),
        };
        if let Some(mut t) = target {
            t.lowers = lowers;
            out.push((i, t));
        }
    }
    out
}

/// The live figures of one table, as a snapshot keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableStats {
    pub schema: String,
    pub name: String,
    /// `pg_class.reltuples`, never below 0 (-1: never vacuumed nor analyzed → 0).
    pub rows: u64,
    pub heap_bytes: u64,
    pub index_bytes: u64,
    pub toast_bytes: u64,
    /// Rows inserted, updated and deleted per second since the statistics were reset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writes_per_second: Option<f64>,
}

impl TableStats {
    pub fn total_bytes(&self) -> u64 {
        self.heap_bytes + self.index_bytes + self.toast_bytes
    }
}

/// The figures `apply` weighs findings with: from a live database (`--database-url`) or a
/// snapshot file (`--stats`, written by `migcheck stats`). No data, no secrets: names and sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_KIND`]: a file that is something else is refused by name.
    pub kind: String,
    pub version: u32,
    /// When the figures were read, as the server's clock says (UTC, RFC 3339).
    pub taken_at: String,
    /// The same instant in seconds since 1970 (what the age is computed from).
    pub taken_at_unix: i64,
    /// Where they were read: the connection without its password.
    pub database: String,
    /// `server_version` of that server.
    pub server_version: String,
    /// The tables looked up. A table named here with `exists: false` was asked for and is not
    /// in the database; a table not named at all was not asked for.
    pub tables: Vec<TableStats>,
    /// Tables asked for that the database does not have, as `schema.name`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// True when the snapshot holds every table of the database's own schemas (what
    /// `migcheck stats` writes): a table it does not list does not exist.
    #[serde(default)]
    pub complete: bool,
}

pub const SNAPSHOT_KIND: &str = "migcheck-stats";

impl Snapshot {
    /// Reads a snapshot written by `migcheck stats` (shown as `display` in the error, which
    /// is `(line, message)`).
    pub fn parse(text: &str, display: &str) -> Result<Snapshot, (usize, String)> {
        let s: Snapshot = serde_json::from_str(text).map_err(|e| {
            (
                e.line().max(1),
                format!(
                    "not a migcheck statistics snapshot: {e} (write one with `migcheck stats --output {display}`)"
                ),
            )
        })?;
        if s.kind != SNAPSHOT_KIND || s.version != 1 {
            return Err((
                1,
                format!(
                    "not a migcheck statistics snapshot (kind `{}`, version {}; expected `{SNAPSHOT_KIND}`, version 1)",
                    s.kind, s.version
                ),
            ));
        }
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a snapshot serializes");
        s.push('\n');
        s
    }

    /// The snapshot by table, for [`Snapshot::lookup`]: one pass, so weighing N findings
    /// against N tables is N steps, not N² (2,000 tables took 12 ms in a linear search).
    pub fn index(&self) -> Index<'_> {
        Index {
            snapshot: self,
            tables: self
                .tables
                .iter()
                .map(|t| ((t.schema.as_str(), t.name.as_str()), t))
                .collect(),
            missing: self.missing.iter().map(String::as_str).collect(),
        }
    }

    /// Age in seconds at `now_unix` (never negative).
    pub fn age_seconds(&self, now_unix: i64) -> u64 {
        (now_unix - self.taken_at_unix).max(0) as u64
    }
}

pub use crate::config::Thresholds;

/// A [`Snapshot`] looked up by table ([`Snapshot::index`]).
pub struct Index<'a> {
    snapshot: &'a Snapshot,
    tables: HashMap<(&'a str, &'a str), &'a TableStats>,
    missing: std::collections::HashSet<&'a str>,
}

impl Index<'_> {
    /// The figures of `schema.name`: `Some(Some(_))` found, `Some(None)` known to be absent,
    /// `None` not asked for.
    pub fn lookup(&self, schema: &str, name: &str) -> Option<Option<&TableStats>> {
        crate::work::add(1);
        if let Some(t) = self.tables.get(&(schema, name)) {
            return Some(Some(t));
        }
        if self.snapshot.complete || self.missing.contains(format!("{schema}.{name}").as_str()) {
            return Some(None);
        }
        None
    }
}

/// The throughput model: `seconds = heap / R + rows × c + indexes / I` per kind of work,
/// fitted on PostgreSQL 15 with its default settings (`fsync` on, `shared_buffers` 128 MB,
/// `maintenance_work_mem` 64 MB) on a 2-core machine, tables of 10^5 to 10^7 rows (narrow and
/// wide rows, one and three indexes): every estimate within 1.3× of the measured median there
/// (docs/impact.md; rerun with `cargo bench -p migcheck-pg --bench impact`). A busy or slower
/// server takes longer: an estimate is an order of magnitude, not a promise.
pub mod model {
    /// `SET NOT NULL`, `VALIDATE CONSTRAINT`: a sequential read of the heap.
    pub const SCAN_HEAP_BYTES_PER_SECOND: f64 = 4.0e9;
    pub const SCAN_SECONDS_PER_ROW: f64 = 50e-9;
    /// `CREATE INDEX` (one B-tree, built without parallel workers): reading and sorting.
    pub const INDEX_HEAP_BYTES_PER_SECOND: f64 = 1.0e9;
    pub const INDEX_SECONDS_PER_ROW: f64 = 0.5e-6;
    /// A rewrite (`ALTER COLUMN TYPE`, `VACUUM FULL`): a new heap and TOAST with WAL, then
    /// every index built again.
    pub const REWRITE_HEAP_BYTES_PER_SECOND: f64 = 250.0e6;
    pub const REWRITE_INDEX_BYTES_PER_SECOND: f64 = 50.0e6;
    /// A rewrite that computes a volatile default for each row (`ADD COLUMN … DEFAULT
    /// gen_random_uuid()`): the rewrite plus the function call, per row.
    pub const DEFAULT_SECONDS_PER_ROW: f64 = 1.5e-6;
}

/// Estimated seconds of `work` on a table with these figures; `None` for a lock alone.
/// `UPDATE` / `DELETE` of every row is estimated as a rewrite computing each row (not
/// calibrated: a new version of every row, its index entries and WAL cost about that much).
pub fn estimate_seconds(work: Work, t: &TableStats) -> Option<f64> {
    use model::*;
    let heap = t.heap_bytes as f64;
    let rows = t.rows as f64;
    let rewrite = (heap + t.toast_bytes as f64) / REWRITE_HEAP_BYTES_PER_SECOND
        + t.index_bytes as f64 / REWRITE_INDEX_BYTES_PER_SECOND;
    Some(match work {
        Work::Lock => return None,
        Work::Scan => heap / SCAN_HEAP_BYTES_PER_SECOND + rows * SCAN_SECONDS_PER_ROW,
        Work::IndexBuild => heap / INDEX_HEAP_BYTES_PER_SECOND + rows * INDEX_SECONDS_PER_ROW,
        Work::Rewrite => rewrite,
        Work::RewriteComputing | Work::WriteAll => rewrite + rows * DEFAULT_SECONDS_PER_ROW,
    })
}

/// `1.2 M`, `3,400`, `12`.
pub fn rows_text(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.0} k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} M", n as f64 / 1e6),
        _ => format!("{:.1} G", n as f64 / 1e9),
    }
}

/// `0 B`, `8 kB`, `3.1 GB` (powers of 1024, as `pg_size_pretty`).
pub fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 || v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `under a second`, `about 40 s`, `about 12 min`.
pub fn seconds_text(s: f64) -> String {
    if s < 1.0 {
        "under a second".into()
    } else if s < 90.0 {
        format!("about {s:.0} s")
    } else if s < 5400.0 {
        format!("about {:.0} min", s / 60.0)
    } else {
        format!("about {:.1} h", s / 3600.0)
    }
}

/// The impact of `target` on a table with figures `stats` (`None`: the table does not exist),
/// and the severity the finding should have given `configured`.
pub fn weigh(
    target: &Target,
    stats: Option<&TableStats>,
    configured: Severity,
    limits: &Thresholds,
) -> (Impact, Severity) {
    let shown = format!(
        "{}.{}",
        crate::effect::quote_ident(&target.table.0),
        crate::effect::quote_ident(&target.table.1)
    );
    let lock = target.lock.map(Lock::name);
    let Some(t) = stats else {
        let summary = format!(
            "`{shown}` is not in the database yet: nothing there to block. Note: the table does \
             not exist yet."
        );
        return (
            Impact {
                table: shown,
                exists: false,
                rows: 0,
                heap_bytes: 0,
                index_bytes: 0,
                toast_bytes: 0,
                writes_per_second: None,
                lock,
                blocks: blocks(target.lock),
                work: target.work.as_str(),
                estimate_seconds: None,
                reason: Some("the table does not exist yet".into()),
                summary,
            },
            if target.lowers {
                Severity::Note.min(configured)
            } else {
                configured
            },
        );
    };
    let estimate = estimate_seconds(target.work, t);
    let mut why_large = Vec::new();
    if t.rows >= limits.large_rows {
        why_large.push(format!(
            "{} rows ≥ `large_rows` {}",
            rows_text(t.rows),
            rows_text(limits.large_rows)
        ));
    }
    if t.total_bytes() >= limits.large_bytes {
        why_large.push(format!(
            "{} ≥ `large_size` {}",
            bytes_text(t.total_bytes()),
            bytes_text(limits.large_bytes)
        ));
    }
    if let Some(w) = t
        .writes_per_second
        .filter(|w| *w >= limits.large_writes_per_second)
    {
        why_large.push(format!(
            "{w:.0} writes/s ≥ `large_writes_per_second` {}",
            limits.large_writes_per_second
        ));
    }
    if let Some(e) = estimate.filter(|e| *e >= limits.large_seconds) {
        why_large.push(format!(
            "{e:.0} s estimated ≥ `large_seconds` {}",
            limits.large_seconds
        ));
    }
    let small = t.rows <= limits.small_rows && t.total_bytes() <= limits.small_bytes;
    let (severity, reason) = if !why_large.is_empty() {
        (
            Severity::Error,
            Some(format!("a large table ({})", why_large.join("; "))),
        )
    } else if small && target.lowers {
        (
            Severity::Note.min(configured),
            Some(format!(
                "a small table ({} rows ≤ `small_rows` {}, {} ≤ `small_size` {})",
                rows_text(t.rows),
                rows_text(limits.small_rows),
                bytes_text(t.total_bytes()),
                bytes_text(limits.small_bytes)
            )),
        )
    } else {
        (configured, None)
    };
    let mut summary = format!(
        "`{shown}`: {} rows, {}",
        rows_text(t.rows),
        bytes_text(t.total_bytes())
    );
    if let Some(w) = t.writes_per_second {
        summary.push_str(&format!(", {w:.1} writes/s"));
    }
    summary.push_str(". ");
    let during = match estimate {
        Some(e) => format!(
            " during the {}: {} (estimated)",
            target.work.as_str(),
            seconds_text(e)
        ),
        None => " while the statement waits and runs".into(),
    };
    match lock {
        Some(l) => summary.push_str(&format!("Its {l} lock {}{during}.", blocks(target.lock))),
        None => summary.push_str(&format!("It {}{during}.", blocks(None))),
    }
    if let Some(r) = &reason {
        let level = if severity == Severity::Error {
            "Error"
        } else {
            "Note"
        };
        summary.push_str(&format!(" {level}: {r}."));
    }
    (
        Impact {
            table: shown,
            exists: true,
            rows: t.rows,
            heap_bytes: t.heap_bytes,
            index_bytes: t.index_bytes,
            toast_bytes: t.toast_bytes,
            writes_per_second: t.writes_per_second,
            lock,
            blocks: blocks(target.lock),
            work: target.work.as_str(),
            estimate_seconds: estimate.map(|e| (e * 100.0).round() / 100.0),
            reason,
            summary,
        },
        severity,
    )
}

/// Sets the impact (and the severity it implies) of every finding whose target `snapshot`
/// knows. Findings are sorted again by nothing: position and rule do not change.
pub fn apply(
    findings: &mut Findings,
    targets: &[(usize, Target)],
    snapshot: &Snapshot,
    limits: &Thresholds,
) -> usize {
    let by_index: HashMap<usize, &Target> = targets.iter().map(|(i, t)| (*i, t)).collect();
    let index = snapshot.index();
    let mut weighed = 0;
    let mut i = 0;
    findings.for_each_mut(|f: &mut Finding| {
        if let Some(target) = by_index.get(&i) {
            if let Some(stats) = index.lookup(&target.table.0, &target.table.1) {
                let (impact, severity) = weigh(target, stats, f.severity, limits);
                f.impact = Some(Box::new(impact));
                f.severity = severity;
                weighed += 1;
            }
        }
        i += 1;
    });
    weighed
}

/// Where a run's figures came from, for every format's header (and JSON's `impact`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Run {
    /// `the database postgres://…` or `the snapshot FILE`.
    pub source: String,
    /// When the figures were read (UTC, RFC 3339); `None` when none could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_seconds: Option<u64>,
    /// Findings given an impact.
    pub weighed: usize,
    /// Messages sent to the server (`--database-url`): fixed, whatever the number of tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<usize>,
    /// Why figures are missing or doubtful: an unreachable database, a stale snapshot.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Run {
    /// One line for people: where the figures are from and how old they are.
    pub fn describe(&self) -> String {
        let mut s = format!("Impact from {}", self.source);
        if let Some(t) = &self.taken_at {
            s.push_str(&format!(" (read {t}"));
            if let Some(a) = self.age_seconds.filter(|a| *a >= 60) {
                s.push_str(&format!(", {} ago", age_text(a)));
            }
            s.push(')');
        }
        s.push_str(&format!(
            ": {} weighed.",
            crate::render::plural(self.weighed, "finding")
        ));
        s
    }
}

/// `3 days`, `5 h`, `12 min`.
pub fn age_text(secs: u64) -> String {
    match secs {
        0..=5_399 => format!("{} min", secs / 60),
        5_400..=172_799 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// The tables the targets name, each once, in order of first mention.
pub fn tables(targets: &[(usize, Target)]) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    targets
        .iter()
        .filter(|(_, t)| seen.insert(t.table.clone()))
        .map(|(_, t)| t.table.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(sql: &str, rule: &str) -> Option<Target> {
        let work = WEIGHED
            .iter()
            .find(|(r, _, _)| *r == rule)
            .and_then(|(_, w, _)| *w);
        let ast = crate::parse::parse_one(sql).ok()?;
        target_of(&ast, work)
    }

    #[test]
    fn statements_name_their_table_lock_and_work() {
        let t = target("CREATE INDEX i ON orders (a)", "require-concurrent-index").unwrap();
        assert_eq!(t.table, ("public".into(), "orders".into()));
        assert_eq!((t.lock, t.work), (Some(Lock::Share), Work::IndexBuild));
        let t = target(
            "ALTER TABLE app.orders ALTER COLUMN a TYPE bigint",
            "column-type-change",
        )
        .unwrap();
        assert_eq!(t.table, ("app".into(), "orders".into()));
        assert_eq!(
            (t.lock, t.work),
            (Some(Lock::AccessExclusive), Work::Rewrite)
        );
        let t = target(
            "ALTER TABLE orders ADD COLUMN d uuid DEFAULT gen_random_uuid()",
            "lock-timeout-missing",
        )
        .unwrap();
        assert_eq!(t.work, Work::RewriteComputing);
        let t = target(
            "ALTER TABLE orders ADD COLUMN d timestamptz DEFAULT now()",
            "lock-timeout-missing",
        )
        .unwrap();
        assert_eq!(t.work, Work::Lock);
        let t = target(
            "ALTER TABLE orders ALTER COLUMN c SET NOT NULL",
            "lock-timeout-missing",
        )
        .unwrap();
        assert_eq!(t.work, Work::Scan);
        let t = target("UPDATE orders SET a = 1", "update-all-rows").unwrap();
        assert_eq!((t.lock, t.work), (None, Work::WriteAll));
        assert_eq!(
            target_of_text("VACUUM FULL \"Big\".t").unwrap().table,
            ("Big".into(), "t".into())
        );
    }

    fn stats(rows: u64, heap: u64) -> TableStats {
        TableStats {
            schema: "public".into(),
            name: "orders".into(),
            rows,
            heap_bytes: heap,
            index_bytes: heap / 4,
            toast_bytes: 0,
            writes_per_second: None,
        }
    }

    #[test]
    fn severity_follows_the_table() {
        let limits = Thresholds::default();
        let t = target("CREATE INDEX i ON orders (a)", "require-concurrent-index").unwrap();
        let (i, s) = weigh(&t, Some(&stats(40, 8192)), Severity::Error, &limits);
        assert_eq!(s, Severity::Note);
        assert!(i.reason.unwrap().starts_with("a small table"));
        let (i, s) = weigh(
            &t,
            Some(&stats(12_400_000, 3 << 30)),
            Severity::Warning,
            &limits,
        );
        assert_eq!(s, Severity::Error);
        assert!(i.summary.contains("12.4 M rows"), "{}", i.summary);
        assert!(i.estimate_seconds.unwrap() > 5.0);
        let (i, s) = weigh(
            &t,
            Some(&stats(50_000, 20 << 20)),
            Severity::Warning,
            &limits,
        );
        assert_eq!((s, i.reason), (Severity::Warning, None));
        let (i, s) = weigh(&t, None, Severity::Error, &limits);
        assert_eq!((s, i.exists), (Severity::Note, false));
    }

    #[test]
    fn sizes_read_like_pg_size_pretty() {
        assert_eq!(bytes_text(8192), "8.0 kB");
        assert_eq!(bytes_text(3 << 30), "3.0 GB");
        assert_eq!(bytes_text(0), "0 B");
        assert_eq!(rows_text(12_400_000), "12.4 M");
        assert_eq!(seconds_text(41.6), "about 42 s");
    }
}
