use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct StatementsAfterAccessExclusive;

static META: RuleMeta = rule_meta!(
    "statements-after-access-exclusive",
    Warning,
    Locking,
    "Work done in the same transaction after an ACCESS EXCLUSIVE lock on an existing table (the lock is held until commit)"
);

impl Rule for StatementsAfterAccessExclusive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        let Some((i, held_at, lock, work)) = &cx.locks().after_exclusive else {
            return;
        };
        let (i, held_at) = (*i, *held_at);
        let stmts = &cx.unit.parsed.statements;
        let line = cx.unit.source.line_col(stmts[held_at].span.start).line;
        out.push(Hit {
            fix: None,
            suggestion: None,
            file: cx.unit.source.clone(),
            span: stmts[i].span.clone(),
            message: format!(
                "The ACCESS EXCLUSIVE lock on {} taken on line {line} is held until the transaction commits, and this statement must first {work}: every read and write of {} waits meanwhile",
                lock.label, lock.label
            ),
            help: "Move this statement to its own migration, or before the statement that takes the lock, so the lock is held only for an instant.".into(),
        });
    }
}
