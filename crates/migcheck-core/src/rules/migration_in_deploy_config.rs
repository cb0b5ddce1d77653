//! Findings come from `crate::deploy`, which reads deployment files; this file registers the rule.

use super::{Rule, RuleMeta};

pub struct MigrationInDeployConfig;

static META: RuleMeta = rule_meta!(
    "migration-in-deploy-config",
    Error,
    Deploy,
    "A deploy, release or CI command applies migrations without review"
);

impl Rule for MigrationInDeployConfig {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
