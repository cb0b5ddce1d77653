//! Glue between the engine and the deploy-policy checks in [`crate::deploy`]: reading the file,
//! the configured allow list and severity, and turning parse errors into input errors.

use std::path::Path;

use crate::config::Config;
use crate::deploy::{self, DeployOptions};
use crate::finding::{Finding, Severity};
use crate::lint::{read_source, InputError};

/// True when migcheck reads this file for the deploy policy.
pub fn is_deploy_file(path: &Path) -> bool {
    deploy::is_deploy_file(path)
}

/// Checks one deploy file under `config`.
pub fn check(path: &Path, config: &Config) -> Result<Vec<Finding>, InputError> {
    check_source(read_source(path)?, config)
}

/// Checks one deploy file already read.
pub fn check_source(
    source: std::sync::Arc<crate::source::SourceFile>,
    config: &Config,
) -> Result<Vec<Finding>, InputError> {
    let opts = DeployOptions {
        allowed_scripts: config.allowed_scripts.clone(),
    };
    let findings = deploy::check_file(&source, &opts).map_err(|e| InputError {
        path: e.path,
        line: Some(e.line),
        message: e.message,
    })?;
    Ok(findings
        .into_iter()
        .filter_map(|mut f| {
            f.severity = config.severity(f.rule, f.severity);
            (f.severity != Severity::Off).then_some(f)
        })
        .collect())
}
