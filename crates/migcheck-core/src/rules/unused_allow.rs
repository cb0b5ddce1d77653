//! Findings come from the suppression step of the engine; this file registers the rule.

use super::{Rule, RuleMeta};

pub struct UnusedAllow;

static META: RuleMeta = rule_meta!(
    "unused-allow",
    Warning,
    Input,
    "A migcheck:allow directive that silences nothing"
);

impl Rule for UnusedAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
