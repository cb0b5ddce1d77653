//! Glue between the engine and the deploy-policy checks in `crate::deploy`.

use std::path::Path;

use crate::config::Config;
use crate::finding::Finding;
use crate::lint::InputError;

/// True when migcheck reads this file for the deploy policy.
pub fn is_deploy_file(_path: &Path) -> bool {
    false
}

/// Checks one deploy file.
pub fn check(_path: &Path, _config: &Config) -> Result<Vec<Finding>, InputError> {
    Ok(Vec::new())
}
