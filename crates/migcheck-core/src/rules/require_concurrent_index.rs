use sqlparser::ast::Statement as Ast;

use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct RequireConcurrentIndex;

static META: RuleMeta = rule_meta!(
    "require-concurrent-index",
    Error,
    Locking,
    "CREATE INDEX without CONCURRENTLY on a table that already exists"
);

impl Rule for RequireConcurrentIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
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
        out.push(cx.hit(
            format!(
                "Building {unique}{index} without CONCURRENTLY takes a SHARE lock on `{}`, blocking INSERT, UPDATE and DELETE until the whole table has been read and the index written",
                cx.table_name(&table)
            ),
            "Build the index with `CREATE INDEX CONCURRENTLY`, in a migration that does not run in a transaction.",
        ));
    }
}
