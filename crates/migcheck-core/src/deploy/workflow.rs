//! GitHub Actions workflows: the `run:` of every step of every job. A migration command in CI
//! applies migrations whatever the job is called, so every step is read.

use std::collections::HashMap;
use std::rc::Rc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::located::{yaml_scalar, YamlStyle};
use super::tree::MarkerCursor;
use super::{error_line, Ctx, DeployError, Hit, Place};

/// Containers nested deeper than this are not kept (a workflow's steps are at depth 5).
const MAX_DEPTH: usize = 32;

/// Containers nested deeper than this make the file unreadable (a warning of
/// `migration-in-deploy-config` at the line of the container, docs/limits.md). Far beyond any
/// real workflow; the nesting costs no stack (see [`read_events`]), only this bound on junk.
pub(crate) const MAX_NESTING: usize = 256;

#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        style: YamlStyle,
        /// Byte offset of the scalar (for block scalars, of its first content character).
        at: usize,
    },
    Seq(Vec<Rc<Node>>),
    /// Keys and values, alternating.
    Map(Vec<Rc<Node>>),
    Other,
}

impl Node {
    fn str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    fn entries(&self) -> impl Iterator<Item = (&Rc<Node>, &Rc<Node>)> {
        let kv: &[Rc<Node>] = match self {
            Node::Map(kv) => kv,
            _ => &[],
        };
        kv.chunks_exact(2).map(|c| (&c[0], &c[1]))
    }

    fn get(&self, key: &str) -> Option<(&Rc<Node>, &Rc<Node>)> {
        self.entries().find(|(k, _)| k.str() == Some(key))
    }

    fn at(&self) -> Option<usize> {
        match self {
            Node::Scalar { at, .. } => Some(*at),
            _ => None,
        }
    }
}

enum Frame {
    Seq(Vec<Rc<Node>>, usize),
    Map(Vec<Rc<Node>>, usize),
}

struct Loader<'a> {
    file: &'a crate::SourceFile,
    stack: Vec<Frame>,
    /// Depth of containers being skipped because they are too deep.
    skipping: usize,
    anchors: HashMap<usize, Rc<Node>>,
    root: Option<Rc<Node>>,
    cursor: MarkerCursor,
}

impl Loader<'_> {
    /// The byte offset of a marker ([`MarkerCursor`]).
    fn offset(&mut self, m: &Marker) -> usize {
        self.cursor.offset(self.file, m)
    }

    fn add(&mut self, node: Rc<Node>, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            Some(Frame::Seq(v, _) | Frame::Map(v, _)) => v.push(node),
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }
}

impl MarkedEventReceiver for Loader<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.skipping > 0 {
            match ev {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    self.skipping -= 1;
                    if self.skipping == 0 {
                        self.add(Rc::new(Node::Other), 0);
                    }
                }
                _ => {}
            }
            return;
        }
        match ev {
            Event::Scalar(value, style, anchor, _) => {
                let style = match style {
                    TScalarStyle::SingleQuoted => YamlStyle::SingleQuoted,
                    TScalarStyle::DoubleQuoted => YamlStyle::DoubleQuoted,
                    TScalarStyle::Literal => YamlStyle::Literal,
                    TScalarStyle::Folded => YamlStyle::Folded,
                    TScalarStyle::Plain => YamlStyle::Plain,
                };
                let at = self.offset(&mark);
                self.add(Rc::new(Node::Scalar { value, style, at }), anchor);
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| Rc::new(Node::Other));
                self.add(node, 0);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.skipping = 1;
                } else if matches!(ev, Event::SequenceStart(..)) {
                    self.stack.push(Frame::Seq(Vec::new(), anchor));
                } else {
                    self.stack.push(Frame::Map(Vec::new(), anchor));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(v, a)) => (Node::Seq(v), a),
                    Some(Frame::Map(v, a)) => (Node::Map(v), a),
                    None => return,
                };
                self.add(Rc::new(node), anchor);
            }
            _ => {}
        }
    }
}

/// Feeds the events of the file's first YAML document to `loader`, in a loop.
///
/// yaml-rust2's `Parser::load` (parser.rs, `load_node` → `load_sequence` / `load_mapping` →
/// `load_node`) recurses once per nested container, so 25,000 nested `- ` (50 KB) overflowed
/// the main thread's stack (abort, exit 134). Its `Parser::next_token` is a state machine whose
/// states are kept in a `Vec` (`Parser::push_state`), not on the stack: reading the events with
/// it takes no stack per level. Like `load(.., false)`, this stops after the first document.
fn read_events(file: &crate::SourceFile, loader: &mut Loader<'_>) -> Result<(), DeployError> {
    let mut parser = Parser::new_from_str(&file.text);
    let invalid = |e: yaml_rust2::ScanError| {
        error_line(
            file,
            e.marker().line(),
            format!("invalid YAML: {}", e.info()),
        )
    };
    let mut depth = 0usize;
    loop {
        let (ev, mark) = parser.next_token().map_err(invalid)?;
        match ev {
            Event::StreamEnd | Event::DocumentEnd => return Ok(()),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(error_line(
                        file,
                        mark.line(),
                        format!("its lists and maps nest more than {MAX_NESTING} levels deep"),
                    ));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        loader.on_event(ev, mark);
    }
}

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let mut loader = Loader {
        file,
        stack: Vec::new(),
        skipping: 0,
        anchors: HashMap::new(),
        root: None,
        cursor: MarkerCursor::default(),
    };
    read_events(file, &mut loader)?;
    let Some(root) = loader.root.take() else {
        return Ok(());
    };
    let workflow = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some((_, jobs)) = root.get("jobs") else {
        return Ok(());
    };
    let triggers = Triggers::of(root.get("on").map(|(_, v)| &**v));
    let workflow_env = root.get("env").map(|(_, v)| v.clone());
    for (job_key, job) in jobs.entries() {
        let job_name = job_key.str().unwrap_or("?");
        let Some((_, Node::Seq(steps))) = job.get("steps").map(|(k, v)| (k, &**v)) else {
            continue;
        };
        let production = job
            .get("environment")
            .and_then(|(_, v)| v.str().or_else(|| v.get("name").and_then(|(_, n)| n.str())))
            .is_some_and(is_production);
        let Some(when) = triggers.when(production) else {
            continue;
        };
        // The database is a real one when the job reads a secret or a configuration variable
        // (a URL, a password, an access token, also one written to `$GITHUB_ENV` by an earlier
        // step) and nothing says it is a local one.
        let secrets = uses_secrets(job) || workflow_env.as_deref().is_some_and(uses_secrets);
        if !secrets {
            continue;
        }
        let service_db = job
            .get("services")
            .is_some_and(|(_, s)| s.entries().any(|(_, svc)| is_database_service(svc)));
        for (n, step) in steps.iter().enumerate() {
            let Some((run_key, run)) = step.get("run") else {
                continue;
            };
            let Node::Scalar { value, style, at } = &**run else {
                continue;
            };
            let envs = [
                workflow_env.as_deref(),
                job.get("env").map(|(_, v)| &**v),
                step.get("env").map(|(_, v)| &**v),
            ];
            if is_local(value, &envs, service_db) {
                continue;
            }
            let step_name = match step.get("name").and_then(|(_, v)| v.str()) {
                Some(name) => format!("step `{name}`"),
                None => format!("step {}", n + 1),
            };
            let mut anchors: Vec<usize> = run_key.at().into_iter().collect();
            if let Some(first) = step.entries().next().and_then(|(k, _)| k.at()) {
                anchors.push(first);
            }
            let place = Place {
                subject: format!("workflow {workflow} job `{job_name}` {step_name}"),
                when: when.clone(),
                fix: "remove it from the workflow, or run the job by hand only (`on: workflow_dispatch`); read-only checks such as `prisma migrate status` may stay".into(),
                anchors,
                scripts: Vec::new(),
            };
            let located = yaml_scalar(&file.text, *at, *style, value);
            let items = ctx.analyze(&located.text);
            ctx.report(&place, &items, &|r| located.span(r), out);
        }
    }
    Ok(())
}

/// The events a workflow runs on, as far as this rule cares.
#[derive(Default)]
struct Triggers {
    /// An automatic run that deploys: "every push to `main`", "every scheduled run".
    deploy: Option<String>,
    /// Some other automatic trigger (`pull_request`, a push to a feature branch,
    /// `workflow_run`): it deploys only from a job with a production environment.
    other: bool,
}

/// Branch names (or patterns) that deploy.
fn is_deploy_branch(b: &str) -> bool {
    let b = b.trim_start_matches("refs/heads/").to_ascii_lowercase();
    matches!(
        b.as_str(),
        "main" | "master" | "production" | "prod" | "live" | "stable" | "trunk" | "*" | "**"
    ) || b.starts_with("release")
        || b.starts_with("deploy")
        || b.starts_with("prod")
}

impl Triggers {
    fn of(on: Option<&Node>) -> Self {
        let mut t = Triggers::default();
        let Some(on) = on else { return t };
        let events: Vec<(&str, Option<&Node>)> = match on {
            Node::Scalar { value, .. } => vec![(value.as_str(), None)],
            Node::Seq(v) => v
                .iter()
                .filter_map(|e| e.str())
                .map(|e| (e, None))
                .collect(),
            Node::Map(_) => on
                .entries()
                .filter_map(|(k, v)| k.str().map(|k| (k, Some(&**v))))
                .collect(),
            Node::Other => Vec::new(),
        };
        for (event, config) in events {
            let deploy = match event {
                "schedule" => Some("every scheduled run".to_string()),
                "release" => Some("every release".to_string()),
                "deployment" | "deployment_status" => Some("every deployment".to_string()),
                "push" => push_deploys(config),
                // A person starts it and picks what to run: that is applying by hand.
                "workflow_dispatch" => continue,
                _ => {
                    t.other = true;
                    continue;
                }
            };
            match deploy {
                Some(d) => {
                    if t.deploy.is_none() {
                        t.deploy = Some(d);
                    }
                }
                None => t.other = true,
            }
        }
        t
    }

    /// When a job runs unreviewed against production: `None` when it does not.
    fn when(&self, production: bool) -> Option<String> {
        match (&self.deploy, production) {
            (Some(d), _) => Some(d.clone()),
            (None, true) if self.other => {
                Some("every automatic run of this production job".to_string())
            }
            _ => None,
        }
    }
}

/// When a `push` trigger deploys: to a deploy branch (or any branch), or a tag.
fn push_deploys(config: Option<&Node>) -> Option<String> {
    let list = |key: &str| -> Option<Vec<String>> {
        let (_, v) = config?.get(key)?;
        Some(match &**v {
            Node::Seq(items) => items
                .iter()
                .filter_map(|i| i.str().map(str::to_string))
                .collect(),
            Node::Scalar { value, .. } => vec![value.clone()],
            _ => Vec::new(),
        })
    };
    let branches = list("branches");
    let tags = list("tags");
    if let Some(b) = &branches {
        return b
            .iter()
            .find(|b| is_deploy_branch(b))
            .map(|b| format!("every push to `{b}`"));
    }
    if tags.is_some() && list("branches-ignore").is_none() {
        return Some("every tag push".to_string());
    }
    Some("every push to the default branch".to_string())
}

fn is_production(env: &str) -> bool {
    let e = env.to_ascii_lowercase();
    e.contains("prod") || e == "live"
}

/// True when a scalar anywhere under `node` reads a secret (other than `GITHUB_TOKEN`) or a
/// configuration variable.
fn uses_secrets(node: &Node) -> bool {
    match node {
        Node::Scalar { value, .. } => {
            let v = value.replace(' ', "");
            v.match_indices("secrets.")
                .any(|(i, _)| !v[i..].starts_with("secrets.GITHUB_TOKEN"))
                || v.contains("vars.")
                || v.contains("secrets[")
        }
        Node::Seq(items) | Node::Map(items) => items.iter().any(|i| uses_secrets(i)),
        Node::Other => false,
    }
}

/// A job service container that is a database (`services: postgres: image: postgres:16`).
fn is_database_service(svc: &Node) -> bool {
    const IMAGES: &[&str] = &[
        "postgres",
        "postgis",
        "mysql",
        "mariadb",
        "timescale",
        "supabase",
    ];
    svc.get("image")
        .and_then(|(_, i)| i.str())
        .is_some_and(|i| IMAGES.iter().any(|d| i.to_ascii_lowercase().contains(d)))
}

/// Environment variable names that hold a database location.
fn is_database_var(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "DATABASE", "DB_", "_DB", "POSTGRES", "PG", "DSN", "SUPABASE",
    ]
    .iter()
    .any(|m| n.contains(m))
        || n == "DB"
}

/// True when the command runs against a local database: a localhost address in the command or
/// in the database variables, or a database service container while no database variable comes
/// from a secret.
fn is_local(run: &str, envs: &[Option<&Node>], service_db: bool) -> bool {
    const LOCAL: &[&str] = &["localhost", "127.0.0.1", "0.0.0.0", "[::1]", "--local"];
    let local = |s: &str| LOCAL.iter().any(|l| s.contains(l));
    let mut db_secret = false;
    // Later maps (the step's) override earlier ones (the workflow's).
    let mut vars: Vec<(&str, &Node)> = Vec::new();
    for env in envs.iter().flatten() {
        for (k, v) in env.entries() {
            let Some(k) = k.str() else { continue };
            vars.retain(|(name, _)| *name != k);
            vars.push((k, v));
        }
    }
    for (k, v) in vars {
        if !is_database_var(k) {
            continue;
        }
        let value = v.str().unwrap_or("");
        if local(value) {
            return true;
        }
        db_secret |= uses_secrets(v);
    }
    local(run) || (service_db && !db_secret && !uses_secrets_text(run))
}

fn uses_secrets_text(run: &str) -> bool {
    uses_secrets(&Node::Scalar {
        value: run.to_string(),
        style: YamlStyle::Plain,
        at: 0,
    })
}
