//! GitHub Actions workflows: the `run:` of every step of every job. A migration command in CI
//! applies migrations whatever the job is called, so every step is read.

use std::collections::HashMap;
use std::rc::Rc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::located::{yaml_scalar, YamlStyle};
use super::shell;
use super::{error_line, Ctx, DeployError, Hit, Place};

/// Containers nested deeper than this are not kept (a workflow's steps are at depth 5).
const MAX_DEPTH: usize = 32;

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
    /// A character index and its byte offset.
    cursor: (usize, usize),
}

impl Loader<'_> {
    /// The byte offset of a marker (yaml-rust2 counts characters). Markers mostly move forward,
    /// so a cursor keeps this linear.
    fn offset(&mut self, m: &Marker) -> usize {
        let text = &self.file.text;
        let (mut chars, mut bytes) = self.cursor;
        if m.index() < chars {
            return self.file.lines.offset(text, m.line(), m.col() + 1);
        }
        for c in text[bytes..].chars() {
            if chars == m.index() {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (chars, bytes);
        bytes
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

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let mut loader = Loader {
        file,
        stack: Vec::new(),
        skipping: 0,
        anchors: HashMap::new(),
        root: None,
        cursor: (0, 0),
    };
    Parser::new_from_str(&file.text)
        .load(&mut loader, false)
        .map_err(|e| {
            error_line(
                file,
                e.marker().line(),
                format!("invalid YAML: {}", e.info()),
            )
        })?;
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
    for (job_key, job) in jobs.entries() {
        let job_name = job_key.str().unwrap_or("?");
        let Some((_, Node::Seq(steps))) = job.get("steps").map(|(k, v)| (k, &**v)) else {
            continue;
        };
        for (n, step) in steps.iter().enumerate() {
            let Some((run_key, run)) = step.get("run") else {
                continue;
            };
            let Node::Scalar { value, style, at } = &**run else {
                continue;
            };
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
                when: "a workflow run".into(),
                fix: "remove it from the workflow (read-only checks such as `prisma migrate status` may stay)".into(),
                anchors,
                script: None,
            };
            let located = yaml_scalar(&file.text, *at, *style, value);
            let names = ctx.names_for(&located.text);
            let items = shell::analyze(&located.text, names.as_deref());
            ctx.report(&place, &items, &|r| located.span(r), out);
        }
    }
    Ok(())
}
