//! A whole-table `UPDATE` of an existing table.

use sqlparser::ast::{Statement as Ast, TableFactor};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::QualName;
use crate::extract::{always_true, qual};
use crate::fallback::{tokens, Tok};

pub struct UpdateAllRows;

static META: RuleMeta = rule_meta!(
    "update-all-rows",
    Warning,
    Locking,
    "UPDATE of every row of an existing table (no WHERE, or an always-true one) in one statement"
);

/// The table of an `UPDATE` the parser could not read, when it has no WHERE at all.
fn unparsed_target(text: &str) -> Option<QualName> {
    let toks = tokens(text);
    let mut i = 0;
    if !matches!(toks.first(), Some(Tok::Word(u, _)) if u == "UPDATE") {
        return None;
    }
    if toks
        .iter()
        .any(|t| matches!(t, Tok::Word(u, _) if u == "WHERE" || u == "FROM"))
    {
        return None;
    }
    i += 1;
    if matches!(toks.get(i), Some(Tok::Word(u, _)) if u == "ONLY") {
        i += 1;
    }
    crate::recognise::name_at(&toks, i).map(|(table, _)| table)
}

impl Rule for UpdateAllRows {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        // An UPDATE, or one a query runs (`WITH u AS (UPDATE ...) SELECT ...`).
        let every_row = |s: &Ast| {
            let Ast::Update(u) = s else { return None };
            if u.from.is_some() || u.selection.as_ref().is_some_and(|s| !always_true(s)) {
                return None;
            }
            let TableFactor::Table { name, .. } = &u.table.relation else {
                return None;
            };
            Some(qual(name))
        };
        let table = match cx.stmt.ast.as_deref() {
            Some(Ast::Query(q)) => {
                match crate::extract::data_modifying(q)
                    .into_iter()
                    .find_map(every_row)
                {
                    Some(t) => t,
                    None => return,
                }
            }
            Some(s) => match every_row(s) {
                Some(t) => t,
                None => return,
            },
            None if cx.stmt.head.starts_with("UPDATE") => {
                match unparsed_target(cx.unit.source.slice(&cx.stmt.span)) {
                    Some(t) => t,
                    None => return,
                }
            }
            None => return,
        };
        if cx.table_is_new(&table) {
            return;
        }
        out.push(cx.hit(
            format!(
                "This UPDATE rewrites every row of `{}` in one transaction: each row stays locked against other writers until it commits, the table doubles in size on disk until vacuum catches up, and replicas fall behind",
                cx.table_name(&table)
            ),
            "Backfill in batches in their own transactions, outside the migration: `UPDATE t SET ... WHERE id IN (SELECT id FROM t WHERE <not yet done> LIMIT 1000)`, repeated until it updates no rows.",
        ));
    }
}
