//! `migration-in-deploy-config`: migrations are applied by a person after review, never as a side
//! effect of a deploy, a container start, an image build or a CI run.
//!
//! This module reads the files that decide what runs when the app ships — `fly.toml` and
//! `fly.*.toml`, `package.json`, `Procfile`, Dockerfiles, GitHub Actions workflows, and the
//! hosting platforms' `render.yaml`, `vercel.json`, `railway.json`/`railway.toml`,
//! `netlify.toml` and `heroku.yml` — and reports
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
mod files;
mod fly;
mod heroku;
mod located;
mod netlify;
mod package;
mod procfile;
mod railway;
mod render;
pub mod shell;
mod tree;
mod vercel;
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
    /// Render Blueprint, `render.yaml`.
    Render,
    /// `vercel.json`.
    Vercel,
    /// `railway.json`, `railway.toml`.
    Railway,
    /// `netlify.toml`.
    Netlify,
    /// `heroku.yml`.
    Heroku,
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
    match name {
        "render.yaml" => return Some(DeployKind::Render),
        "vercel.json" => return Some(DeployKind::Vercel),
        "railway.json" | "railway.toml" => return Some(DeployKind::Railway),
        "netlify.toml" => return Some(DeployKind::Netlify),
        "heroku.yml" => return Some(DeployKind::Heroku),
        _ => {}
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
        DeployKind::Render => render::check(&mut ctx, &mut hits)?,
        DeployKind::Vercel => vercel::check(&mut ctx, &mut hits)?,
        DeployKind::Railway => railway::check(&mut ctx, &mut hits)?,
        DeployKind::Netlify => netlify::check(&mut ctx, &mut hits)?,
        DeployKind::Heroku => heroku::check(&mut ctx, &mut hits)?,
    }
    hits.sort_by_key(|h| (h.span.start, h.span.end));
    hits.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    // JSON has no comments: package.json, vercel.json, railway.json.
    let comments = !file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
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
    /// The package.json scripts of this file the chain runs, for
    /// [`DeployOptions::allowed_scripts`]: allowing any of them allows the finding.
    pub scripts: Vec<String>,
}

/// Where a command sits, in words for the message.
pub(crate) struct Place {
    /// What runs the command, e.g. "fly.toml release_command": the chain's first link.
    pub subject: String,
    /// When it runs, completing "… would apply migrations", e.g. "every deploy".
    pub when: String,
    /// What to change, completing the help sentence, e.g. "keep only `prisma generate` in the
    /// release command".
    pub fix: String,
    pub anchors: Vec<usize>,
    pub scripts: Vec<String>,
}

/// Where paths written in a file's commands are looked for: relative to the file's build
/// context folders, and for Dockerfiles through `WORKDIR` and `COPY` (see [`files`]).
#[derive(Debug, Default, Clone)]
pub(crate) struct Paths {
    pub dirs: Vec<std::path::PathBuf>,
    /// The Dockerfile's current `WORKDIR`, absolute.
    pub workdir: String,
    /// The Dockerfile's `COPY`/`ADD` from the build context: sources and destination (made
    /// absolute with the `WORKDIR` of the time).
    pub copies: Vec<(Vec<String>, String)>,
}

impl Paths {
    fn candidates(&self, path: &str) -> Vec<std::path::PathBuf> {
        let mut out = files::relative_candidates(path, &self.dirs);
        if self.copies.is_empty() {
            return out;
        }
        let abs = if path.starts_with('/') {
            path.to_string()
        } else {
            let rel = path.strip_prefix("./").unwrap_or(path);
            format!("{}/{rel}", self.workdir.trim_end_matches('/'))
        };
        for (srcs, dest) in self.copies.iter().rev() {
            let dest = dest.trim_end_matches('/');
            for src in srcs {
                let src = src.strip_prefix("./").unwrap_or(src).trim_end_matches('/');
                let base = src.rsplit('/').next().unwrap_or(src);
                let mapped = if abs == dest {
                    Some(src.to_string())
                } else if let Some(rest) = abs.strip_prefix(&format!("{dest}/")) {
                    if rest == base {
                        Some(src.to_string())
                    } else if src.is_empty() || src == "." {
                        Some(rest.to_string())
                    } else {
                        Some(format!("{src}/{rest}"))
                    }
                } else {
                    None
                };
                if let Some(m) = mapped {
                    out.extend(files::relative_candidates(&m, &self.dirs));
                }
            }
        }
        out
    }
}

/// What the format checkers share: the file and, lazily, the project's package.json scripts.
pub(crate) struct Ctx<'f> {
    pub file: &'f SourceFile,
    kind: DeployKind,
    sibling: Option<Option<package::Scripts>>,
    pub paths: Paths,
    /// The folder the commands run in, when the file names one (see [`Ctx::set_workdir`]).
    workdir: Option<std::path::PathBuf>,
}

impl<'f> Ctx<'f> {
    fn new(file: &'f SourceFile, kind: DeployKind) -> Self {
        Self {
            file,
            kind,
            sibling: None,
            paths: Paths {
                dirs: files::context_dirs(&file.path),
                workdir: "/".into(),
                copies: Vec::new(),
            },
            workdir: None,
        }
    }

    /// Sets the folder, relative to the file's, that the commands read next run in (Render's
    /// `rootDir`, Netlify's `[build] base`): the project's package.json and script files are
    /// looked for there first. `None`, or a folder that is not there, restores the file's own.
    pub fn set_workdir(&mut self, dir: Option<&str>) {
        let base = self.file.path.parent().unwrap_or(Path::new(""));
        let dir = dir
            .map(|d| d.trim().trim_start_matches('/').trim_start_matches("./"))
            .filter(|d| !d.is_empty() && *d != ".")
            .map(|d| base.join(d))
            .filter(|d| d.is_dir());
        if dir == self.workdir {
            return;
        }
        self.sibling = None;
        self.paths.dirs = files::context_dirs(&self.file.path);
        if let Some(d) = &dir {
            self.paths.dirs.insert(0, d.clone());
        }
        self.workdir = dir;
    }

    /// The folder of the project this file belongs to (for workflows, the folder above
    /// `.github`).
    fn project_dir(&self) -> Option<&Path> {
        if let Some(d) = &self.workdir {
            return Some(d);
        }
        let dir = self.file.path.parent();
        match self.kind {
            DeployKind::Workflow => dir.and_then(Path::parent).and_then(Path::parent),
            _ => dir,
        }
    }

    /// The package.json of the project this file belongs to, read once.
    fn sibling_scripts(&mut self) -> Option<&package::Scripts> {
        if self.sibling.is_none() {
            let root = self.project_dir().map(Path::to_path_buf);
            let loaded = root.and_then(|r| {
                let text = crate::fsio::read_to_string(&r.join("package.json")).ok()?;
                package::Scripts::parse_in(&text, Some(&r)).ok()
            });
            self.sibling = Some(loaded);
        }
        self.sibling.as_ref().and_then(Option::as_ref)
    }

    /// The project's script names, when `command` may run a package manager (they decide whether
    /// `yarn setup` runs a script or a binary) or a script file (which may).
    pub fn names_for(&mut self, command: &str) -> Option<std::sync::Arc<shell::ScriptNames>> {
        const RUNNERS: [&str; 8] = [
            "npm",
            "yarn",
            "pnpm",
            "bun",
            "run-",
            "concurrently",
            "/",
            ".sh",
        ];
        if !RUNNERS.iter().any(|r| command.contains(r)) {
            return None;
        }
        self.sibling_scripts().map(|s| s.names.clone())
    }

    /// Analyses one command string of this file, with script files it runs read.
    pub fn analyze(&mut self, text: &str) -> Vec<shell::Item> {
        let names = self.names_for(text);
        let items = shell::analyze(text, names.as_deref());
        self.expand(items, names.as_deref())
    }

    /// Analyses one exec-form command (`["sh", "start.sh"]`) whose items all get `span`.
    pub fn analyze_words(&mut self, words: &[String], span: Range<usize>) -> Vec<shell::Item> {
        let names = self.names_for(&words.join(" "));
        let items = shell::analyze_words(words, span, names.as_deref());
        self.expand(items, names.as_deref())
    }

    fn expand(
        &self,
        items: Vec<shell::Item>,
        names: Option<&shell::ScriptNames>,
    ) -> Vec<shell::Item> {
        if !items
            .iter()
            .any(|i| matches!(i, shell::Item::ShellFile { .. }))
        {
            return items;
        }
        let paths = self.paths.clone();
        files::expand(items, &|p| paths.candidates(p), names)
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
                    via,
                } => out.push(hit(place, span_of(range.clone()), command, display, via)),
                shell::Item::ScriptCall {
                    range,
                    script,
                    hooks,
                    display,
                    via,
                } => {
                    let Some(scripts) = scripts else { continue };
                    let Some(r) = scripts.reach(script, *hooks, None) else {
                        continue;
                    };
                    let mut links = via.clone();
                    links.push(display.clone());
                    links.extend(r.links);
                    let last = r.scripts.last().map_or(script.as_str(), String::as_str);
                    let place = Place {
                        subject: place.subject.clone(),
                        when: place.when.clone(),
                        fix: format!("take it out of the package.json script `{last}`"),
                        anchors: place.anchors.clone(),
                        scripts: place.scripts.clone(),
                    };
                    out.push(hit(
                        &place,
                        span_of(range.clone()),
                        r.command,
                        &r.display,
                        &links,
                    ));
                }
                shell::Item::ShellFile { .. } => {}
            }
        }
    }
}

/// The chain from `subject` through `links` to the command, for messages:
/// ``fly.toml release_command → `npm run setup` → `prisma migrate deploy` ``.
pub(crate) fn chain(subject: &str, links: &[String], display: &str) -> String {
    let mut out = subject.to_string();
    for l in links.iter().map(String::as_str).chain([display]) {
        out.push_str(" → ");
        if l.starts_with("script `") || l.starts_with('…') {
            out.push_str(l);
        } else {
            out.push('`');
            out.push_str(l);
            out.push('`');
        }
    }
    out
}

/// A hit with the message and help built from `place`, the links to the command and the command.
pub(crate) fn hit(
    place: &Place,
    span: Range<usize>,
    command: &MigrationCommand,
    display: &str,
    links: &[String],
) -> Hit {
    Hit {
        span,
        anchors: place.anchors.clone(),
        message: format!(
            "{}: {} would {}",
            chain(&place.subject, links, display),
            place.when,
            command.effect
        ),
        help: format!(
            "Apply migrations by hand after review (e.g. `{}` from a trusted machine), and {}.",
            command.by_hand, place.fix
        ),
        scripts: place.scripts.clone(),
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
        line: line.clamp(1, file.lines().line_count().max(1)),
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
            _ => None,
        })
        .collect()
}
