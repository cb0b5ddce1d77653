//! A `ROLLBACK` at the end of a migration that runs in a transaction.

use super::transaction::{control, in_transaction, Control};
use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct RollbackDiscardsMigration;

static META: RuleMeta = rule_meta!(
    "rollback-discards-migration",
    Error,
    Hygiene,
    "ROLLBACK (or ABORT) ending a migration's transaction: everything before it is silently discarded"
);

impl Rule for RollbackDiscardsMigration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        let stmts = &cx.unit.parsed.statements;
        for (i, s) in stmts.iter().enumerate() {
            if control(s) != Some(Control::End)
                || !(s.head.starts_with("ROLLBACK") || s.head.starts_with("ABORT"))
            {
                continue;
            }
            // Work it discards: statements since the previous transaction end.
            let start = stmts[..i]
                .iter()
                .rposition(|t| control(t) == Some(Control::End))
                .map_or(0, |p| p + 1);
            let discarded = stmts[start..i]
                .iter()
                .filter(|t| !t.rollback && control(t).is_none())
                .count();
            if discarded == 0 {
                continue;
            }
            let Some(why) = in_transaction(cx.set, cx.unit, i) else {
                continue;
            };
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: cx.unit.source.clone(),
                span: s.span.clone(),
                message: format!(
                    "This ROLLBACK discards the {discarded} statement(s) before it ({why}), yet the migration tool goes on as if they had been applied: the schema change silently never happens"
                ),
                help: "Remove the ROLLBACK (it is left over from trying the migration by hand); to test a migration without keeping it, use `migcheck replay` on a scratch database.".into(),
            });
        }
    }
}
