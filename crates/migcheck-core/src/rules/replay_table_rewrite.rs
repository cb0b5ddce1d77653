//! Findings come from `migcheck replay` (migcheck-pg), which compares each existing table's
//! `relfilenode` before and after every statement; there is no static check. This file
//! registers the rule.

use super::{Rule, RuleMeta};

pub struct ReplayTableRewrite;

static META: RuleMeta = rule_meta!(
    "replay-table-rewrite",
    Warning,
    Locking,
    "A statement that rewrote an existing table (seen on replay)"
);

impl Rule for ReplayTableRewrite {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
