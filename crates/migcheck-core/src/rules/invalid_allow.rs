//! Findings come from the suppression step of the engine; this file registers the rule.

use super::{Rule, RuleMeta};

pub struct InvalidAllow;

static META: RuleMeta = rule_meta!(
    "invalid-allow",
    Warning,
    Input,
    "A migcheck:allow directive without a reason, or naming an unknown rule"
);

impl Rule for InvalidAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
