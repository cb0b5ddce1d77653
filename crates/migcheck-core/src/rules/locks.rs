//! Which table-level locks a statement takes, on tables that existed before its file.
//!
//! Only what the locking rules need: the strongest lock per statement and table, named the way
//! PostgreSQL's documentation names it, with what it blocks. Tables created earlier in the same
//! file are left out: nobody else can be using them yet.

use sqlparser::ast::{self, AlterTableOperation, Statement as Ast, TableConstraint};

use super::StatementCx;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::qual;
use crate::parse::TreeKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lock {
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl Lock {
    pub fn name(self) -> &'static str {
        match self {
            Lock::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            Lock::Share => "SHARE",
            Lock::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            Lock::Exclusive => "EXCLUSIVE",
            Lock::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }
}

/// A lock on a table (or, for `DROP INDEX`, on the table of an index).
#[derive(Debug, Clone)]
pub struct TableLock {
    /// How to name the locked object in a message, e.g. "`public.orders`".
    pub label: String,
    /// The resolved table, when known.
    pub table: Option<(String, String)>,
    pub lock: Lock,
}

/// The lock one `ALTER TABLE` operation takes (also [`crate::impact`]'s).
pub fn op_lock(op: &AlterTableOperation) -> Lock {
    use AlterTableOperation as Op;
    match op {
        Op::AddConstraint {
            constraint: TableConstraint::ForeignKey(_),
            ..
        } => Lock::ShareRowExclusive,
        Op::ValidateConstraint { .. } | Op::SetTblProperties { .. } => Lock::ShareUpdateExclusive,
        Op::EnableTrigger { .. }
        | Op::DisableTrigger { .. }
        | Op::EnableAlwaysTrigger { .. }
        | Op::EnableReplicaTrigger { .. } => Lock::ShareRowExclusive,
        Op::AttachPartition { .. } => Lock::ShareUpdateExclusive,
        // `DETACH PARTITION ... CONCURRENTLY` (and its `FINALIZE`): "a SHARE UPDATE EXCLUSIVE
        // lock is taken on both the parent table and the partition" (ALTER TABLE, PostgreSQL
        // 14+); the plain form takes ACCESS EXCLUSIVE.
        Op::DetachPartitionOf { mode: Some(_), .. } => Lock::ShareUpdateExclusive,
        _ => Lock::AccessExclusive,
    }
}

/// Locks the statement takes on objects that existed before its file.
///
/// Each kind of tree matched here (and in [`work`]) has a [`TreeKind`] of its own:
/// [`scan_file`] does not read back the tree of a `TreeKind::Other` or `Function` statement. A
/// new kind matched here needs its variant there.
pub fn existing_table_locks(cx: &StatementCx<'_>) -> Vec<TableLock> {
    if !cx.is_forward() {
        return Vec::new();
    }
    let mut raw: Vec<(QualName, Lock)> = Vec::new();
    let mut out = Vec::new();
    match cx.stmt.ast.as_deref() {
        Some(Ast::AlterTable(at)) => {
            if let Some(l) = at.operations.iter().map(op_lock).max() {
                raw.push((qual(&at.name), l));
            }
        }
        Some(Ast::CreateIndex(ci)) if !ci.concurrently => {
            raw.push((qual(&ci.table_name), Lock::Share));
        }
        Some(Ast::Lock(l)) => {
            use ast::LockTableMode as M;
            let lock = match l.lock_mode {
                None | Some(M::AccessExclusive) => Some(Lock::AccessExclusive),
                Some(M::Exclusive) => Some(Lock::Exclusive),
                Some(M::ShareRowExclusive) => Some(Lock::ShareRowExclusive),
                Some(M::Share) => Some(Lock::Share),
                Some(M::ShareUpdateExclusive) => Some(Lock::ShareUpdateExclusive),
                _ => None,
            };
            if let Some(lock) = lock {
                for t in &l.tables {
                    raw.push((qual(&t.name), lock));
                }
            }
        }
        Some(Ast::CreatePolicy(p)) => raw.push((qual(&p.table_name), Lock::AccessExclusive)),
        Some(Ast::AlterPolicy(p)) => raw.push((qual(&p.table_name), Lock::AccessExclusive)),
        Some(Ast::DropPolicy(p)) => raw.push((qual(&p.table_name), Lock::AccessExclusive)),
        Some(Ast::CreateTrigger(t)) => raw.push((qual(&t.table_name), Lock::ShareRowExclusive)),
        Some(Ast::DropTrigger(t)) => {
            if let Some(n) = &t.table_name {
                raw.push((qual(n), Lock::AccessExclusive));
            }
        }
        Some(Ast::Truncate(_)) => {
            for e in &cx.stmt.effects {
                if let Effect::Truncate { table } = e {
                    raw.push((table.clone(), Lock::AccessExclusive));
                }
            }
        }
        Some(Ast::Drop {
            object_type: ast::ObjectType::Table,
            ..
        }) => {
            for e in &cx.stmt.effects {
                if let Effect::DropTable { table } = e {
                    raw.push((table.clone(), Lock::AccessExclusive));
                }
            }
        }
        Some(Ast::Drop {
            object_type: ast::ObjectType::Index,
            names,
            if_exists,
            ..
        }) => {
            for n in names {
                let q = qual(n);
                // `IF EXISTS` of an index provably absent (gone with its table, or a set that
                // starts empty never made it): PostgreSQL skips it and locks nothing.
                let skipped =
                    *if_exists && super::drop_object::provably_absent(cx, ObjectKind::Index, &q);
                if !skipped
                    && !cx
                        .state
                        .object_created_in(ObjectKind::Index, &q, None, cx.unit.index)
                {
                    out.push(TableLock {
                        label: format!("the table of index `{q}`"),
                        table: None,
                        lock: Lock::AccessExclusive,
                    });
                }
            }
        }
        Some(Ast::RefreshMaterializedView(r)) if !r.concurrently => {
            let q = qual(&r.name);
            if !cx
                .state
                .object_created_in(ObjectKind::MaterializedView, &q, None, cx.unit.index)
            {
                out.push(TableLock {
                    label: format!("materialized view `{q}`"),
                    table: None,
                    lock: Lock::AccessExclusive,
                });
            }
        }
        Some(_) => {}
        None => {
            // Unparsed: what the token-level fallback recognised.
            for e in &cx.stmt.effects {
                match e {
                    Effect::DropTable { table }
                    | Effect::Truncate { table }
                    | Effect::RenameTable { table, .. }
                    | Effect::DropColumn { table, .. }
                    | Effect::RenameColumn { table, .. }
                    | Effect::ColumnTypeChange { table, .. }
                    | Effect::AddColumn { table, .. }
                    | Effect::EnableRls { table }
                    | Effect::DisableRls { table, .. }
                    | Effect::ForceRls { table } => {
                        raw.push((table.clone(), Lock::AccessExclusive))
                    }
                    Effect::DropObject {
                        kind: ObjectKind::Index,
                        name,
                        ..
                    } if !cx.stmt.head.contains("CONCURRENTLY")
                        && !cx.state.object_created_in(
                            ObjectKind::Index,
                            name,
                            None,
                            cx.unit.index,
                        ) =>
                    {
                        out.push(TableLock {
                            label: format!("the table of index `{name}`"),
                            table: None,
                            lock: Lock::AccessExclusive,
                        })
                    }
                    _ => {}
                }
            }
        }
    }
    // Each table once, at its first mention (a set, not a search of `out`: one `DROP TABLE` of
    // 80,000 names took N² steps).
    let mut seen = std::collections::HashSet::new();
    for (table, lock) in raw {
        crate::work::add(1);
        if cx.table_is_new(&table) {
            continue;
        }
        let key = cx.state.resolve_table(&table);
        if !seen.insert(key.clone()) {
            continue;
        }
        out.push(TableLock {
            label: format!("`{}`", cx.table_name(&table)),
            table: Some(key),
            lock,
        });
    }
    out
}

/// What one pass over a file found about lock handling.
#[derive(Debug, Default)]
pub struct FileLocks {
    /// The first statement that takes ACCESS EXCLUSIVE on an existing table with no
    /// `lock_timeout` set before it in the file.
    pub without_timeout: Option<(usize, TableLock)>,
    /// The same for `statement_timeout` (read by `lock-timeout-missing` when `migcheck.toml`
    /// says `statement_timeout`).
    pub without_statement_timeout: Option<(usize, TableLock)>,
    /// The first statement that does work while an ACCESS EXCLUSIVE lock taken earlier in the
    /// same transaction is held: (statement, statement that took the lock, the lock, the work).
    pub after_exclusive: Option<(usize, usize, TableLock, String)>,
}

/// True when the statement really sets `lock_timeout`: `SET [SESSION | LOCAL] lock_timeout
/// {= | TO} <non-zero>` or `set_config('lock_timeout', '<non-zero>', ...)`. A custom setting
/// that merely ends in `lock_timeout` (`SET app.lock_timeout = ...`), `SET lock_timeout = 0`
/// (no timeout) and `RESET lock_timeout` do not count.
pub fn sets_lock_timeout(text: &str) -> bool {
    sets_timeout(text, "lock_timeout")
}

/// As [`sets_lock_timeout`], for `statement_timeout`.
pub fn sets_statement_timeout(text: &str) -> bool {
    sets_timeout(text, "statement_timeout")
}

/// True when the statement sets the setting `name` (lower case) to a non-zero value.
fn sets_timeout(text: &str, name: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if !lower.contains(name) {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    use super::sql::Tok;
    let toks = super::sql::tokens(text);
    let zero = |v: Option<&Tok>, raw: &str| -> bool {
        match v {
            Some(Tok::Str(s)) => is_zero(s),
            Some(Tok::Word(w, _)) => w == "DEFAULT",
            _ => is_zero(raw),
        }
    };
    // SET [SESSION | LOCAL] <name> ...
    if matches!(toks.first(), Some(Tok::Word(w, _)) if w == "SET") {
        let mut i = 1;
        if matches!(toks.get(i), Some(Tok::Word(w, _)) if w == "SESSION" || w == "LOCAL") {
            i += 1;
        }
        if matches!(toks.get(i), Some(Tok::Word(w, _)) if *w == upper)
            && toks.get(i + 1) != Some(&Tok::Dot)
        {
            // The value: after `=` (an Other token) or `TO`.
            let v = toks.get(i + 2);
            let raw = lower
                .split_once(name)
                .map(|(_, r)| r.trim_start_matches(|c: char| c.is_whitespace() || c == '='))
                .map(|r| r.trim_start_matches("to").trim())
                .unwrap_or("");
            return !zero(v, raw.trim_end_matches(';'));
        }
        return false;
    }
    // set_config('<name>', '5s', ...)
    toks.windows(5).any(|w| {
        matches!(&w[0], Tok::Word(f, _) if f == "SET_CONFIG")
            && w[1] == Tok::LParen
            && matches!(&w[2], Tok::Str(s) if s.eq_ignore_ascii_case(name))
            && w[3] == Tok::Comma
            && !matches!(&w[4], Tok::Str(s) if is_zero(s))
    })
}

fn is_zero(v: &str) -> bool {
    let v = v.trim().trim_matches('\'').trim();
    let digits: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    !digits.is_empty() && digits.chars().all(|c| c == '0' || c == '.')
}

/// True when a query statement reads the locked table (its name appears among its tokens).
fn reads_table(text: &str, table: &(String, String)) -> bool {
    use super::sql::Tok;
    super::sql::tokens(text).iter().any(|t| match t {
        Tok::Word(_, f) => *f == table.1,
        Tok::Quoted(q) => *q == table.1,
        _ => false,
    })
}

/// What a statement does that makes holding a lock meanwhile costly, if anything.
fn work(
    stmt: &crate::parse::Statement,
    text: &str,
    locks: &[TableLock],
    held: &TableLock,
) -> Option<String> {
    // A query keeps its tree only when it runs an INSERT, UPDATE, DELETE or MERGE (`WITH c AS
    // (...) UPDATE ...`): the first of them is its work.
    let ast = match stmt.ast.as_deref() {
        Some(Ast::Query(q)) => crate::extract::data_modifying(q).first().copied(),
        other => other,
    };
    match ast {
        Some(Ast::Insert(_)) => return Some("insert rows".into()),
        Some(Ast::Update(_)) => return Some("update rows".into()),
        Some(Ast::Delete(_)) => return Some("delete rows".into()),
        Some(Ast::Copy { .. }) => return Some("copy rows".into()),
        Some(Ast::Merge(_)) => return Some("merge rows".into()),
        // On a table of this file the build is instant; on an existing one `locks` has it.
        Some(Ast::CreateIndex(_)) if !locks.is_empty() => return Some("build an index".into()),
        Some(Ast::RefreshMaterializedView(_)) => return Some("refresh a materialized view".into()),
        _ => {}
    }
    // Data statements keep no tree (`Statement::tree`): an INSERT is known by its first word.
    if stmt.ast.is_none() && stmt.unparsed.is_none() && stmt.head.starts_with("INSERT") {
        return Some("insert rows".into());
    }
    if stmt.ast.is_none()
        && stmt.unparsed.is_none()
        && matches!(stmt.head.split(' ').next(), Some("SELECT" | "WITH"))
    {
        if let Some(t) = &held.table {
            if reads_table(text, t) {
                return Some("read the locked table".into());
            }
        }
    }
    let other = locks.iter().find(|l| l.label != held.label)?;
    let article = if other.lock == Lock::AccessExclusive {
        "an"
    } else {
        "a"
    };
    Some(format!(
        "acquire {article} {} lock on {} (which may itself wait behind other sessions)",
        other.lock.name(),
        other.label
    ))
}

/// Adds the tables `stmt` creates to `created`.
fn note_created(
    created: &mut std::collections::HashSet<(String, String)>,
    stmt: &crate::parse::Statement,
    state: &crate::schema::SchemaState,
) {
    for e in &stmt.effects {
        if let Effect::CreateTable { table, .. } = e {
            created.insert(state.resolve_table(table));
        }
    }
}

/// One pass over a file, with the schema at its end.
pub fn scan_file(fcx: &super::FileCx<'_>) -> FileLocks {
    use super::transaction::{control, file_is_one_transaction, Control};
    let mut found = FileLocks::default();
    let one_txn = file_is_one_transaction(fcx.set, fcx.unit);
    let (mut explicit, mut ended) = (false, false);
    let mut timeout = false;
    let mut statement_timeout = false;
    let mut held: Option<(usize, TableLock)> = None;
    let mut created_here: std::collections::HashSet<(String, String)> = Default::default();
    for (i, stmt) in fcx.unit.parsed.statements.iter().enumerate() {
        if stmt.rollback {
            continue;
        }
        match control(stmt) {
            Some(Control::Begin) => {
                explicit = true;
                held = None;
                continue;
            }
            Some(Control::End) => {
                explicit = false;
                ended = true;
                held = None;
                continue;
            }
            None => {}
        }
        if sets_lock_timeout(&fcx.unit.source.text[stmt.span.clone()]) {
            timeout = true;
        }
        if sets_statement_timeout(&fcx.unit.source.text[stmt.span.clone()]) {
            statement_timeout = true;
        }
        if matches!(stmt.kind, TreeKind::Other | TreeKind::Function) {
            // A kind that locks no existing table and does no work under a lock held
            // ([`existing_table_locks`], [`work`] find nothing in it): its tree is not read
            // back. What it creates still counts.
            note_created(&mut created_here, stmt, fcx.state);
            continue;
        }
        let full = stmt.with_tree(&fcx.unit.source.text);
        let stmt: &crate::parse::Statement = &full;
        let cx = StatementCx {
            set: fcx.set,
            unit: fcx.unit,
            stmt,
            index: i,
            state: fcx.state,
            config: fcx.config,
        };
        let locks: Vec<TableLock> = existing_table_locks(&cx)
            .into_iter()
            .filter(|l| l.table.as_ref().is_none_or(|t| !created_here.contains(t)))
            .collect();
        note_created(&mut created_here, stmt, fcx.state);
        if let Some((h, lock)) = &held {
            if found.after_exclusive.is_none() {
                if let Some(w) = work(stmt, &fcx.unit.source.text[stmt.span.clone()], &locks, lock)
                {
                    found.after_exclusive = Some((i, *h, lock.clone(), w));
                }
            }
        }
        let Some(exclusive) = locks.iter().find(|l| l.lock == Lock::AccessExclusive) else {
            continue;
        };
        if !timeout && found.without_timeout.is_none() {
            found.without_timeout = Some((i, exclusive.clone()));
        }
        if !statement_timeout && found.without_statement_timeout.is_none() {
            found.without_statement_timeout = Some((i, exclusive.clone()));
        }
        let in_txn = explicit || (one_txn && !ended);
        if in_txn && held.is_none() {
            held = Some((i, exclusive.clone()));
        }
    }
    found
}
