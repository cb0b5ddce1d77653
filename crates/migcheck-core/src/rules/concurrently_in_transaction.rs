use sqlparser::ast::Statement as Ast;

use super::sql::{has_word, tokens};
use crate::recognise::contains_word_text;
use super::transaction::refused_in_transaction;
use super::{Hits, Rule, RuleMeta, StatementCx};

pub struct ConcurrentlyInTransaction;

static META: RuleMeta = rule_meta!(
    "concurrently-in-transaction",
    Error,
    Locking,
    "CREATE / DROP INDEX, REINDEX or DETACH PARTITION ... CONCURRENTLY where it runs in a transaction (the migration fails)"
);

/// The CONCURRENTLY form the statement uses, if any.
fn concurrent_form(cx: &StatementCx<'_>) -> Option<&'static str> {
    if let Some(Ast::CreateIndex(ci)) = cx.stmt.ast.as_deref() {
        return ci.concurrently.then_some("CREATE INDEX CONCURRENTLY");
    }
    let head = cx.stmt.head.as_ref();
    if head.starts_with("DROP INDEX CONCURRENTLY") {
        return Some("DROP INDEX CONCURRENTLY");
    }
    let reindex = head.starts_with("REINDEX");
    let alter = head.starts_with("ALTER TABLE");
    if !reindex && !alter {
        return None;
    }
    let text = &cx.unit.source.text[cx.stmt.span.clone()];
    // A word token is text of the statement: without the word anywhere, no need to tokenize.
    if !contains_word_text(text, "concurrently") {
        return None;
    }
    let toks = tokens(text);
    if !has_word(&toks, "CONCURRENTLY") {
        return None;
    }
    if reindex {
        Some("REINDEX CONCURRENTLY")
    } else if has_word(&toks, "DETACH") {
        Some("DETACH PARTITION CONCURRENTLY")
    } else {
        None
    }
}

impl Rule for ConcurrentlyInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(form) = concurrent_form(cx) else {
            return;
        };
        let (why, error) = if cx.stmt.in_do_block {
            (
                "it is inside a DO block, which always runs in a transaction".to_string(),
                format!("{form} cannot run inside a transaction block"),
            )
        } else {
            match refused_in_transaction(cx.set, cx.unit, cx.index, form) {
                Some(w) => w,
                None => return,
            }
        };
        out.push(cx.hit(
            format!(
                "`{form}` cannot run inside a transaction block, and here it would: {why}; the migration fails with \"{error}\""
            ),
            "Put the statement alone in a migration that runs outside a transaction (see the rule's doc for how your tool allows that).",
        ));
    }
}
