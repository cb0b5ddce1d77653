use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct LockTimeoutMissing;

static META: RuleMeta = rule_meta!(
    "lock-timeout-missing",
    Warning,
    Locking,
    "A statement takes an ACCESS EXCLUSIVE lock on an existing table with no `lock_timeout` set earlier in the file",
    offers: Fix
);

impl Rule for LockTimeoutMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        // Settings only accumulate through a file, so when either is missing it is missing at
        // the file's first locking statement: one finding there names what is missing.
        let missing = Missing::of(cx);
        let Some((i, lock)) = missing.at(cx) else {
            return;
        };
        let stmt = &cx.unit.parsed.statements[i];
        let (message, help) = match (missing.lock, missing.statement) {
            (true, false) => (
                format!(
                    "This statement needs an ACCESS EXCLUSIVE lock on {} and no `lock_timeout` is set before it: while it waits behind any long-running query on the table, every other read and write of the table queues behind it",
                    lock.label
                ),
                "Start the migration with `SET lock_timeout = '5s';` (or `SET LOCAL`) so a blocked lock fails fast and can be retried, instead of stalling traffic.".to_string(),
            ),
            (false, _) => (
                format!(
                    "This statement needs an ACCESS EXCLUSIVE lock on {} and no `statement_timeout` is set before it (`migcheck.toml` asks for one): once it holds the lock, every read and write of the table waits for as long as it runs, and a rewrite or a scan of a large table can run for minutes",
                    lock.label
                ),
                format!(
                    "Set `statement_timeout` beside `lock_timeout` at the top of the migration, e.g. `SET statement_timeout = '{}';`, so a statement that runs too long fails and releases its lock instead of blocking traffic.",
                    cx.config.statement_timeout.as_deref().unwrap_or("30s")
                ),
            ),
            (true, true) => (
                format!(
                    "This statement needs an ACCESS EXCLUSIVE lock on {} and neither `lock_timeout` nor `statement_timeout` (which `migcheck.toml` asks for) is set before it: while it waits behind any long-running query every other read and write of the table queues behind it, and once it holds the lock they wait for as long as it runs",
                    lock.label
                ),
                format!(
                    "Start the migration with `SET lock_timeout = '5s';` and `SET statement_timeout = '{}';` so a blocked lock or a statement that runs too long fails and can be retried, instead of stalling traffic.",
                    cx.config.statement_timeout.as_deref().unwrap_or("30s")
                ),
            ),
        };
        out.push(Hit {
            fix: fix(cx, &missing).map(Box::new),
            suggestion: None,
            file: cx.unit.source.clone(),
            span: stmt.span.clone(),
            message,
            help: help.into(),
        });
    }
}

/// Which settings the file's first locking statement lacks: `lock_timeout` always counts,
/// `statement_timeout` only when `migcheck.toml` says `statement_timeout`.
struct Missing {
    lock: bool,
    statement: bool,
}

impl Missing {
    fn of(cx: &FileCx<'_>) -> Self {
        let locks = cx.locks();
        Missing {
            lock: locks.without_timeout.is_some(),
            statement: cx.config.statement_timeout.is_some()
                && locks.without_statement_timeout.is_some(),
        }
    }

    /// The locking statement the finding sits on, and its lock.
    fn at<'a>(&self, cx: &'a FileCx<'_>) -> Option<(usize, &'a super::locks::TableLock)> {
        let locks = cx.locks();
        let found = if self.lock {
            &locks.without_timeout
        } else if self.statement {
            &locks.without_statement_timeout
        } else {
            &None
        };
        found.as_ref().map(|(i, l)| (*i, l))
    }

    /// The `set` statements the fix inserts, one per line, without a final newline.
    fn sets(&self, cx: &FileCx<'_>) -> String {
        let mut sets = Vec::new();
        if self.lock {
            sets.push(format!("set lock_timeout = '{}';", cx.config.lock_timeout));
        }
        if let (true, Some(t)) = (self.statement, &cx.config.statement_timeout) {
            sets.push(format!("set statement_timeout = '{t}';"));
        }
        sets.join("\n")
    }

    fn names(&self, cx: &FileCx<'_>) -> String {
        let mut names = Vec::new();
        if self.lock {
            names.push(format!("`lock_timeout = '{}'`", cx.config.lock_timeout));
        }
        if let (true, Some(t)) = (self.statement, &cx.config.statement_timeout) {
            names.push(format!("`statement_timeout = '{t}'`"));
        }
        names.join(" and ")
    }
}

/// True when PostgreSQL refuses the statement inside a transaction block (`CREATE INDEX
/// CONCURRENTLY`, `VACUUM`, `CREATE DATABASE`...): it runs only as the first statement of a
/// pipeline, or alone.
fn refuses_transaction_block(text: &str, stmt: &crate::parse::Statement) -> bool {
    let head = stmt.head.as_ref();
    let always = [
        "VACUUM",
        "CREATE DATABASE",
        "DROP DATABASE",
        "ALTER SYSTEM",
        "CREATE TABLESPACE",
        "DROP TABLESPACE",
        "CREATE SUBSCRIPTION",
        "DROP SUBSCRIPTION",
    ];
    if always.iter().any(|w| head.starts_with(w)) {
        return true;
    }
    let concurrent_kind = ["CREATE", "DROP INDEX", "REINDEX", "ALTER TABLE"]
        .iter()
        .any(|w| head.starts_with(w));
    concurrent_kind
        && super::sql::has_word(
            &super::sql::tokens(text.get(stmt.span.clone()).unwrap_or("")),
            "CONCURRENTLY",
        )
}

/// The fix: `set lock_timeout = '<lock_timeout from migcheck.toml>';` (and `set statement_timeout
/// = '<statement_timeout>';` when `migcheck.toml` asks for it and the file lacks it), each on a
/// line of its own before
/// the file's first statement (before the `migcheck:allow` comments that cover that statement,
/// so they keep covering it). Strictly safer: a blocked lock fails the migration instead of
/// queueing every query on the table. Not offered when that statement is inside a span the tool
/// sends whole (goose `StatementBegin`) or a `DO` block.
///
/// A fix must never make a file fail that applies. Where the tool sends the file as one
/// pipeline (the Supabase CLI: supabase/cli `pkg/migration/file.go` `MigrationFile.ExecBatch`,
/// one `pgconn.Batch`), a first statement that refuses transaction blocks (`CREATE INDEX
/// CONCURRENTLY`) runs only because it is first: a `set` above it would make it fail with
/// "cannot be executed within a pipeline". There the `set` goes right after that statement,
/// still before the locking one. Where the tool wraps the file in a transaction, such a
/// statement fails already (`concurrently-in-transaction`); where it runs statements one by
/// one, the `set` above it changes nothing for it.
fn fix(cx: &FileCx<'_>, missing: &Missing) -> Option<crate::fix::Fix> {
    let text = &cx.unit.source.text;
    let first = cx.unit.parsed.statements.iter().find(|s| !s.rollback)?;
    let pipeline = matches!(
        super::transaction::wrapping(cx.set, cx.unit),
        super::transaction::Wrapping::Pipeline(_)
    );
    if pipeline && !first.in_do_block && refuses_transaction_block(text, first) {
        let locking = missing.at(cx)?.0;
        let first_at = cx.unit.parsed.statements.iter().position(|s| !s.rollback)?;
        if locking <= first_at || first.span.end > text.len() {
            return None;
        }
        return Some(crate::fix::Fix {
            title: format!(
                "Set {} after the file's first statement, which must stay first",
                missing.names(cx)
            ),
            edits: vec![crate::fix::insert_after_statement(
                text,
                &first.span,
                &missing.sets(cx),
            )],
        });
    }
    if first.in_do_block
        || cx
            .set
            .tool
            .whole_statements(text)
            .iter()
            .any(|w| w.start <= first.span.start && first.span.start < w.end)
    {
        return None;
    }
    let at = cx
        .unit
        .parsed
        .comments
        .iter()
        .filter(|c| c.span.end <= first.span.start)
        .filter(|c| {
            crate::suppress::parse_directive(&text[c.body.clone()], c.body.start)
                .is_some_and(|d| d.scope == crate::suppress::Scope::Next)
        })
        .map(|c| c.span.start)
        .min()
        .unwrap_or(first.span.start);
    Some(crate::fix::Fix {
        title: format!("Set {} at the top of the file", missing.names(cx)),
        edits: vec![crate::fix::Edit::insert(
            at,
            format!("{}\n", missing.sets(cx)),
        )],
    })
}
