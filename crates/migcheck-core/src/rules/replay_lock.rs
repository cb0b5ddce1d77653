//! Findings come from `migcheck replay` (migcheck-pg), which reads `pg_locks` after each
//! statement; there is no static check. This file registers the rule.

use super::{Rule, RuleMeta};

pub struct ReplayLock;

static META: RuleMeta = rule_meta!(
    "replay-lock",
    Warning,
    Locking,
    "A statement that took a lock blocking reads or writes on an existing table (seen on replay)"
);

impl Rule for ReplayLock {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
