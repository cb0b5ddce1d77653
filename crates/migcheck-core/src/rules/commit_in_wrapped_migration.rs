use super::transaction::{control, wrapping, Control, Wrapping};
use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct CommitInWrappedMigration;

static META: RuleMeta = rule_meta!(
    "commit-in-wrapped-migration",
    Warning,
    Hygiene,
    "COMMIT or ROLLBACK in a file the tool wraps in a transaction, with statements after it"
);

impl Rule for CommitInWrappedMigration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        let (Wrapping::Tool(why) | Wrapping::Pipeline(why)) = wrapping(cx.set, cx.unit) else {
            return;
        };
        let stmts = &cx.unit.parsed.statements;
        // The statements that do work after each one, counted once from the end (a count per
        // COMMIT made a file of many COMMITs take N² steps).
        let mut after = vec![0; stmts.len()];
        let mut work = 0;
        for (i, t) in stmts.iter().enumerate().rev() {
            after[i] = work;
            if !t.rollback && control(t).is_none() {
                work += 1;
            }
        }
        for (i, s) in stmts.iter().enumerate() {
            if control(s) != Some(Control::End) {
                continue;
            }
            let rest = after[i];
            if rest == 0 {
                continue;
            }
            let ends = if s.head.starts_with("ROLLBACK") || s.head.starts_with("ABORT") {
                "rolls back"
            } else {
                "commits"
            };
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: cx.unit.source.clone(),
                span: s.span.clone(),
                message: format!(
                    "This {ends} the transaction the tool opened ({why}): the {rest} statement(s) after it run outside any transaction, so a failure among them leaves the migration half applied and not recorded as applied"
                ),
                help: "Remove the explicit transaction control and let the tool's transaction cover the file, or split the file into separate migrations.".into(),
            });
            return;
        }
    }
}
