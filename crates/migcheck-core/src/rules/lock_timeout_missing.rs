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

/// The fix: `set lock_timeout = '<lock_timeout from migcheck.toml>';` on a line of its own before
/// the file's first statement (before the `migcheck:allow` comments that cover that statement,
/// so they keep covering it). Strictly safer: a blocked lock fails the migration instead of
/// queueing every query on the table. Not offered when that statement is inside a span the tool
/// sends whole (goose `StatementBegin`) or a `DO` block.
fn fix(cx: &FileCx<'_>) -> Option<crate::fix::Fix> {
    let text = &cx.unit.source.text;
    let first = cx.unit.parsed.statements.iter().find(|s| !s.rollback)?;
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
