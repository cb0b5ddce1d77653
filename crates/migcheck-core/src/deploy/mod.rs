//! `migration-in-deploy-config`: migrations are applied by a person after review, never as a side
//! effect of a deploy, a container start, an image build or a CI run.
//!
//! This module reads the files that decide what runs when the app ships — `fly.toml` and
//! `fly.*.toml`, `package.json`, `Procfile`, Dockerfiles, GitHub Actions workflows — and reports
//! every command that applies migrations or changes the schema ([`commands::COMMANDS`]).
//!
//! Each format is parsed with a real parser (`toml`, `serde_json`, `yaml-rust2`, plus a small
//! Dockerfile/Procfile line reader); each command string is then split into simple commands
//! ([`shell`]) and every finding points at the command's real line and column, also inside JSON
//! escapes, TOML multi-line strings and YAML block scalars ([`located`]).
//!
//! Allowing a command: a `# migcheck:allow migration-in-deploy-config reason: …` comment on the
//! line above (or at the end of the line) in the formats that have comments, and
//! [`DeployOptions::allowed_scripts`] for package.json.

mod allow;
pub mod commands;
mod dockerfile;
mod fly;
mod located;
mod package;
mod procfile;
pub mod shell;
mod workflow;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::{Finding, SourceFile};

pub use commands::{MigrationCommand, Position, COMMANDS};

/// The rule id.
pub const RULE_ID: &str = "migration-in-deploy-config";
/// An allow comment without a reason.
pub const INVALID_ALLOW: &str = "invalid-allow";
/// An allow comment that silences nothing.
pub const UNUSED_ALLOW: &str = "unused-allow";

/// Options for [`check_file`].
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// package.json scripts allowed to run migration commands, as `package.json:<script>` (any
    /// package.json) or `<path>/package.json:<script>` (the package.json whose display path is,
    /// or ends with, `<path>/package.json`). Script names may contain `:`
    /// (`package.json:db:deploy`).
    pub allowed_scripts: Vec<String>,
}

/// A deploy file that could not be read as its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct DeployError {
    /// The file's display path.
    pub path: String,
    /// 1-based line of the problem.
    pub line: usize,
    pub message: String,
}

/// The kinds of file this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployKind {
    /// `fly.toml`, `fly.<anything>.toml`.
    Fly,
    /// `package.json`.
    PackageJson,
    /// `Procfile`.
    Procfile,
    /// `Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`.
    Dockerfile,
    /// `.github/workflows/*.yml` and `*.yaml`.
    Workflow,
}

/// The kind of deploy file `path` is, by its name (and, for workflows, its folders). Files under
/// `node_modules` are never deploy files.
pub fn deploy_kind(path: &Path) -> Option<DeployKind> {
    if path.components().any(|c| c.as_os_str() == "node_modules") {
        return None;
    }
    let name = path.file_name()?.to_str()?;
    if name == "fly.toml" || (name.starts_with("fly.") && name.ends_with(".toml") && name.len() > 9)
    {
        return Some(DeployKind::Fly);
    }
    if name == "package.json" {
        return Some(DeployKind::PackageJson);
    }
    if name == "Procfile" {
        return Some(DeployKind::Procfile);
    }
    if name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || (name.ends_with(".Dockerfile") && name.len() > ".Dockerfile".len())
    {
        return Some(DeployKind::Dockerfile);
    }
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        let mut up = path.parent()?.components().rev();
        let workflows = up.next()?.as_os_str() == "workflows";
        let github = up.next().is_some_and(|c| c.as_os_str() == ".github");
        if workflows && github {
            return Some(DeployKind::Workflow);
        }
    }
    None
}

/// True when the path's file name is a deploy file this module reads.
pub fn is_deploy_file(path: &Path) -> bool {
    deploy_kind(path).is_some()
}

/// Checks one deploy file. Findings carry their final severity (Error); allow comments are
/// already applied. A file that is not a deploy file gives no findings.
///
/// Script calls (`npm run setup`, `yarn start`) in a fly.toml, Procfile, Dockerfile or workflow
/// are followed into the `package.json` of the project (next to the file; for workflows, the
/// folder above `.github`) when there is one.
pub fn check_file(
    file: &Arc<SourceFile>,
    opts: &DeployOptions,
) -> Result<Vec<Finding>, DeployError> {
    let Some(kind) = deploy_kind(&file.path) else {
        return Ok(Vec::new());
    };
    let mut hits = Vec::new();
    let mut ctx = Ctx::new(file, kind);
    match kind {
        DeployKind::Fly => fly::check(&mut ctx, &mut hits)?,
        DeployKind::PackageJson => package::check(&ctx, &mut hits)?,
        DeployKind::Procfile => procfile::check(&mut ctx, &mut hits)?,
        DeployKind::Dockerfile => dockerfile::check(&mut ctx, &mut hits)?,
        DeployKind::Workflow => workflow::check(&mut ctx, &mut hits)?,
    }
    hits.sort_by_key(|h| (h.span.start, h.span.end));
    hits.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let comments = kind != DeployKind::PackageJson;
    Ok(allow::apply(file, hits, comments, &opts.allowed_scripts))
}

/// One command found, before allow comments are applied.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub span: Range<usize>,
    /// Offsets whose lines an allow comment may be on, or directly above (besides the span's
    /// own line): the key or instruction that holds the command.
    pub anchors: Vec<usize>,
    pub message: String,
    pub help: String,
    /// The package.json script the hit is in, for [`DeployOptions::allowed_scripts`].
    pub script: Option<String>,
}

/// Where a command sits, in words for the message.
pub(crate) struct Place {
    /// What runs the command, e.g. "fly.toml release_command".
    pub subject: String,
    /// When it runs, completing "… would apply migrations", e.g. "a deploy".
    pub when: String,
    /// What to change, completing the help sentence, e.g. "keep only `prisma generate` in the
    /// release command".
    pub fix: String,
    pub anchors: Vec<usize>,
    pub script: Option<String>,
}

/// What the format checkers share: the file and, lazily, the project's package.json scripts.
pub(crate) struct Ctx<'f> {
    pub file: &'f SourceFile,
    kind: DeployKind,
    sibling: Option<Option<package::Scripts>>,
}

impl<'f> Ctx<'f> {
    fn new(file: &'f SourceFile, kind: DeployKind) -> Self {
        Self {
            file,
            kind,
            sibling: None,
        }
    }

    /// The package.json of the project this file belongs to, read once.
    fn sibling_scripts(&mut self) -> Option<&package::Scripts> {
        if self.sibling.is_none() {
            let dir = self.file.path.parent();
            let root = match self.kind {
                DeployKind::Workflow => dir.and_then(Path::parent).and_then(Path::parent),
                _ => dir,
            };
            let loaded = root
                .map(|r| r.join("package.json"))
                .and_then(|p| std::fs::read_to_string(p).ok())
                .and_then(|text| package::Scripts::parse(&text).ok());
            self.sibling = Some(loaded);
        }
        self.sibling.as_ref().and_then(Option::as_ref)
    }

    /// The project's script names, when `command` may run a package manager (they decide whether
    /// `yarn setup` runs a script or a binary).
    pub fn names_for(&mut self, command: &str) -> Option<std::sync::Arc<shell::ScriptNames>> {
        const RUNNERS: [&str; 6] = ["npm", "yarn", "pnpm", "bun", "run-", "concurrently"];
        if !RUNNERS.iter().any(|r| command.contains(r)) {
            return None;
        }
        self.sibling_scripts().map(|s| s.names.clone())
    }

    /// Reports the items of one command string. `span_of` maps an item range to a file range.
    pub fn report(
        &mut self,
        place: &Place,
        items: &[shell::Item],
        span_of: &dyn Fn(Range<usize>) -> Range<usize>,
        out: &mut Vec<Hit>,
    ) {
        let has_calls = items
            .iter()
            .any(|i| matches!(i, shell::Item::ScriptCall { .. }));
        let scripts = if has_calls {
            self.sibling_scripts()
        } else {
            None
        };
        for item in items {
            match item {
                shell::Item::Migration {
                    range,
                    command,
                    display,
                } => out.push(hit(place, span_of(range.clone()), command, display, None)),
                shell::Item::ScriptCall {
                    range,
                    script,
                    hooks,
                    ..
                } => {
                    let Some(scripts) = scripts else { continue };
                    let Some(r) = scripts.reach(script, *hooks, None) else {
                        continue;
                    };
                    let chain = r.chain.join(" → ");
                    let noun = if r.chain.len() == 1 {
                        "script"
                    } else {
                        "scripts"
                    };
                    let via = format!("through the package.json {noun} `{chain}`");
                    let last = r.chain.last().map_or(script.as_str(), String::as_str);
                    let place = Place {
                        subject: place.subject.clone(),
                        when: place.when.clone(),
                        fix: format!("take it out of the package.json script `{last}`"),
                        anchors: place.anchors.clone(),
                        script: place.script.clone(),
                    };
                    out.push(hit(
                        &place,
                        span_of(range.clone()),
                        r.command,
                        &r.display,
                        Some(&via),
                    ));
                }
            }
        }
    }
}

/// A hit with the message and help built from `place` and the command.
pub(crate) fn hit(
    place: &Place,
    span: Range<usize>,
    command: &MigrationCommand,
    display: &str,
    via: Option<&str>,
) -> Hit {
    let via = via.map(|v| format!(" {v}")).unwrap_or_default();
    Hit {
        span,
        anchors: place.anchors.clone(),
        message: format!(
            "{} runs `{display}`{via}: {} would {}",
            place.subject, place.when, command.effect
        ),
        help: format!(
            "Apply migrations by hand after review (e.g. `{}` from a trusted machine), and {}.",
            command.by_hand, place.fix
        ),
        script: place.script.clone(),
    }
}

/// The file name of `file`, for messages.
pub(crate) fn file_name(file: &SourceFile) -> String {
    file.path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display.clone())
}

/// A parse error at byte `offset` of `file`.
pub(crate) fn error_at(
    file: &SourceFile,
    offset: usize,
    message: impl Into<String>,
) -> DeployError {
    error_line(file, file.line_col(offset).line, message)
}

/// A parse error on 1-based `line` of `file` (clamped to the file).
pub(crate) fn error_line(
    file: &SourceFile,
    line: usize,
    message: impl Into<String>,
) -> DeployError {
    DeployError {
        path: file.display.clone(),
        line: line.clamp(1, file.lines.line_count().max(1)),
        message: message.into(),
    }
}

/// The migration commands in one command line, without package.json context: what the table
/// tests use, and handy for callers that want to classify a single command.
pub fn find_migration_commands(line: &str) -> Vec<(&'static MigrationCommand, String)> {
    shell::analyze(line, None)
        .into_iter()
        .filter_map(|i| match i {
            shell::Item::Migration {
                command, display, ..
            } => Some((command, display)),
            shell::Item::ScriptCall { .. } => None,
        })
        .collect()
}
