use super::locks::scan_file;
use super::{FileCx, Hit, Rule, RuleMeta};

pub struct LockTimeoutMissing;

static META: RuleMeta = rule_meta!(
    "lock-timeout-missing",
    Warning,
    Locking,
    "A statement takes an ACCESS EXCLUSIVE lock on an existing table with no `lock_timeout` set earlier in the file"
);

impl Rule for LockTimeoutMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Vec<Hit>) {
        let Some((i, lock)) = scan_file(cx).without_timeout else {
            return;
        };
        let stmt = &cx.unit.parsed.statements[i];
        out.push(Hit {
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
