//! Glue between the engine and the deploy-policy checks in [`crate::deploy`]: reading the file,
//! the configured allow list and severity, and turning parse errors into input errors.

use std::path::{Path, PathBuf};

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

/// Which deploy files migcheck was asked to judge: the files named on the command line, and the
/// folders walked. A file that cannot be read as its format is an input error (exit 2) only when
/// it was named; found by walking, it is a warning finding. Only `<repo root>/.github/workflows/`
/// holds workflows (GitHub runs no other), the repo root being a folder with `.git` or a walked
/// folder: a copy such as `docs/archive/.github/workflows/` is not checked.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    paths: Vec<PathBuf>,
    /// The paths split into named files and walked folders, on first use: a run without a
    /// deploy file never asks, and a `stat` per path is work a pre-commit run of 1,000 named
    /// files would do for nothing.
    split: std::sync::OnceLock<(Vec<PathBuf>, Vec<PathBuf>)>,
    /// Every file was named (files held in memory).
    all_named: bool,
}

impl Scope {
    /// The scope of a run over `paths`: files are named, folders are walked.
    pub fn of(paths: &[PathBuf]) -> Self {
        Self {
            paths: paths.to_vec(),
            ..Self::default()
        }
    }

    /// The named files and the walked folders.
    fn split(&self) -> &(Vec<PathBuf>, Vec<PathBuf>) {
        self.split
            .get_or_init(|| self.paths.iter().cloned().partition(|p| p.is_file()))
    }

    /// A scope where every file was named.
    pub fn all_named() -> Self {
        Self {
            all_named: true,
            ..Self::default()
        }
    }

    /// True when `path` was named on the command line.
    pub fn is_named(&self, path: &Path) -> bool {
        self.all_named || self.split().0.iter().any(|n| n == path)
    }

    /// True when `path`, found by discovery, is checked: a named file, or a walked file that is
    /// what its name says (a workflow only under the repository root's `.github/workflows`).
    pub fn is_checked(&self, path: &Path) -> bool {
        if self.is_named(path) || deploy::deploy_kind(path) != Some(deploy::DeployKind::Workflow) {
            return true;
        }
        let Some(root) = path.parent().and_then(Path::parent).and_then(Path::parent) else {
            return false;
        };
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        root.join(".git").exists() || self.split().1.iter().any(|r| same_dir(r, root))
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let strip = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    strip(a) == strip(b)
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Checks one deploy file already read, named on the command line (a file that cannot be read
/// as its format is an input error).
pub fn check_source(
    source: std::sync::Arc<crate::source::SourceFile>,
    config: &Config,
) -> Result<Vec<Finding>, InputError> {
    check_source_in(source, config, true)
}

/// Checks one deploy file already read; `named` says whether it was named on the command line
/// (see [`Scope`]).
pub fn check_source_in(
    source: std::sync::Arc<crate::source::SourceFile>,
    config: &Config,
    named: bool,
) -> Result<Vec<Finding>, InputError> {
    let opts = DeployOptions {
        allowed_scripts: config.allowed_scripts.clone(),
    };
    let findings = match deploy::check_file(&source, &opts) {
        Ok(f) => f,
        Err(e) if !named => vec![unreadable(&source, &e)],
        Err(e) => {
            return Err(InputError {
                path: e.path,
                line: Some(e.line),
                message: e.message,
            })
        }
    };
    Ok(findings
        .into_iter()
        .filter_map(|mut f| {
            f.severity = config.severity(f.rule, f.severity);
            (f.severity != Severity::Off).then_some(f)
        })
        .collect())
}

/// The warning for a deploy file found by walking that cannot be read as its format.
fn unreadable(
    source: &std::sync::Arc<crate::source::SourceFile>,
    e: &deploy::DeployError,
) -> Finding {
    let at = source.lines().offset(&source.text, e.line, 1);
    let end = source.text[at..]
        .find('\n')
        .map_or(source.text.len(), |n| at + n);
    Finding {
        impact: None,
        rule: deploy::RULE_ID,
        severity: Severity::Warning,
        file: source.clone(),
        span: at..end.max(at),
        message: format!(
            "{} cannot be read ({}), so migcheck cannot tell whether a deploy that uses it applies migrations",
            source.display, e.message
        ),
        help: "Fix the file, or list it under `exclude` in migcheck.toml when no deploy uses it; name it on the command line to make this an error.".into(),
        fix: None,
        suggestion: None,
    }
}
