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
        let Some((i, lock)) = &cx.locks().without_timeout else {
            return;
        };
        let stmt = &cx.unit.parsed.statements[*i];
        out.push(Hit {
            fix: fix(cx).map(Box::new),
            suggestion: None,
            file: cx.unit.source.clone(),
            span: stmt.span.clone(),
            message: format!(
                "This statement needs an ACCESS EXCLUSIVE lock on {} and no `lock_timeout` is set before it: while it waits behind any long-running query on the table, every other read and write of the table queues behind it",
                lock.label
            ),
            help: "Start the migration with `SET lock_timeout = '5s';` (or `SET LOCAL`) so a blocked lock fails fast and can be retried, instead of stalling traffic.".into(),
        });
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

/// The fix: `set lock_timeout = '<lock_timeout from migcheck.toml>';` on a line of its own before
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
fn fix(cx: &FileCx<'_>) -> Option<crate::fix::Fix> {
    let text = &cx.unit.source.text;
    let first = cx.unit.parsed.statements.iter().find(|s| !s.rollback)?;
    let pipeline = matches!(
        super::transaction::wrapping(cx.set, cx.unit),
        super::transaction::Wrapping::Pipeline(_)
    );
    if pipeline && !first.in_do_block && refuses_transaction_block(text, first) {
        let locking = cx.locks().without_timeout.as_ref()?.0;
        let first_at = cx.unit.parsed.statements.iter().position(|s| !s.rollback)?;
        if locking <= first_at || first.span.end > text.len() {
            return None;
        }
        let timeout = &cx.config.lock_timeout;
        return Some(crate::fix::Fix {
            title: format!(
                "Set `lock_timeout = '{timeout}'` after the file's first statement, which must stay first"
            ),
            edits: vec![crate::fix::insert_after_statement(
                text,
                &first.span,
                &format!("set lock_timeout = '{timeout}';"),
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
    let timeout = &cx.config.lock_timeout;
    Some(crate::fix::Fix {
        title: format!("Set `lock_timeout = '{timeout}'` at the top of the file"),
        edits: vec![crate::fix::Edit::insert(
            at,
            format!("set lock_timeout = '{timeout}';\n"),
        )],
    })
}
