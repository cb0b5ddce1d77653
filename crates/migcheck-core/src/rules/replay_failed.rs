//! Findings come from `migcheck replay` (migcheck-pg), which applies the migrations to a
//! throwaway PostgreSQL; there is no static check. This file registers the rule.

use super::{Rule, RuleMeta};

pub struct ReplayFailed;

static META: RuleMeta = rule_meta!(
    "replay-failed",
    Error,
    Hygiene,
    "A migration statement that PostgreSQL rejected when the set was replayed"
);

impl Rule for ReplayFailed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
