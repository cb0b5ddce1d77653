use sqlparser::ast::Statement as Ast;

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct RequireConcurrentIndex;

static META: RuleMeta = rule_meta!(
    "require-concurrent-index",
    Error,
    Locking,
    "CREATE INDEX without CONCURRENTLY on a table that already exists",
    offers: Fix
);

impl Rule for RequireConcurrentIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::CreateIndex(ci)) = cx.stmt.ast.as_deref() else {
            return;
        };
        let table = qual(&ci.table_name);
        if ci.concurrently || cx.table_is_new(&table) {
            return;
        }
        let index = ci
            .name
            .as_ref()
            .map(|n| format!("index `{}`", qual(n)))
            .unwrap_or_else(|| "an index".into());
        let unique = if ci.unique { "unique " } else { "" };
        let hit = cx.hit(
            format!(
                "Building {unique}{index} without CONCURRENTLY takes a SHARE lock on `{}`, blocking INSERT, UPDATE and DELETE until the whole table has been read and the index written",
                cx.table_name(&table)
            ),
            "Build the index with `CREATE INDEX CONCURRENTLY`, in a migration that does not run in a transaction.",
        );
        out.push(hit.with_fix(fix(cx, &table)));
    }
}

/// The fix: `concurrently` after `INDEX`, only where the statement then still runs: the set's
/// tool is known (not a plain folder, whose runner may wrap files) and, by the tool model, runs
/// this statement outside any transaction (no wrapping, no single multi-statement script, no
/// open `BEGIN`: `concurrently-in-transaction` would fire otherwise), not in a `DO` block, and
/// not on a partitioned table (PostgreSQL refuses CONCURRENTLY there): the set must show the
/// table's CREATE TABLE, without `PARTITION BY`, and the statement must not say `ON ONLY`.
fn fix(cx: &StatementCx<'_>, table: &crate::effect::QualName) -> Option<crate::fix::Fix> {
    use super::transaction::in_transaction;
    use crate::fix::{is_word, tokens_at, Edit, Fix};
    let key = cx.state.resolve_table(table);
    let seen = cx.state.table(table).is_some_and(|t| t.created.is_some());
    if !seen
        || cx.state.facts.partitioned.contains(&key)
        || cx.stmt.in_do_block
        || cx.set.tool.id() == "plain"
        || in_transaction(cx.set, cx.unit, cx.index).is_some()
    {
        return None;
    }
    let toks = tokens_at(&cx.unit.source.text, cx.stmt.span.clone());
    if toks.iter().any(|t| is_word(&t.1, "ONLY")) {
        return None;
    }
    let index = toks.iter().take(3).find(|t| is_word(&t.1, "INDEX"))?;
    Some(Fix {
        title: "Build the index with `CREATE INDEX CONCURRENTLY`".into(),
        edits: vec![Edit::insert(index.0.end, " concurrently")],
    })
}
