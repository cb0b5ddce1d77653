//! A small document tree with positions, for the hosting platforms' configuration files
//! (`render.yaml`, `heroku.yml`, `vercel.json`, `railway.json`, `railway.toml`, `netlify.toml`):
//! each is read with its real parser (`yaml-rust2`, `serde_json`, `toml`), then turned into
//! [`Node`]s whose strings know the file position of each byte ([`Located`]), so the platform
//! modules only walk keys and hand command strings to [`command`].
//!
//! This YAML reader is the platforms' own (the workflow reader in `workflow.rs` keeps its
//! own tree and limits). Containers nested deeper than [`MAX_DEPTH`] are not kept (the commands
//! read are at most 4 deep), and YAML aliases (`*name`) are not followed.

use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::located::{json_string, toml_string, yaml_scalar, Located, YamlStyle};
use super::package::Scan;
use super::{error_at, error_line, file_name, Ctx, DeployError, Hit, Place};
use crate::SourceFile;

/// Containers nested deeper than this are kept as [`Node::Other`].
pub(crate) const MAX_DEPTH: usize = 32;

#[derive(Debug)]
pub(crate) enum Node {
    /// A string, with the file range of its token (quotes included where the format has them
    /// and the parser tells).
    Str {
        value: Located,
        span: Range<usize>,
    },
    Seq(Vec<Node>),
    /// Keys (with the offset of the key token) and values, in file order.
    Map(Vec<(String, usize, Node)>),
    /// Numbers, booleans, nulls, aliases, too deep containers.
    Other,
}

impl Node {
    /// The value of `key` (the last one when repeated) and the key's offset.
    pub fn get(&self, key: &str) -> Option<(usize, &Node)> {
        match self {
            Node::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, at, v)| (*at, v)),
            _ => None,
        }
    }

    /// The entries of a map (none for anything else).
    pub fn entries(&self) -> impl Iterator<Item = (&str, usize, &Node)> {
        let m: &[(String, usize, Node)] = match self {
            Node::Map(m) => m,
            _ => &[],
        };
        m.iter().map(|(k, at, v)| (k.as_str(), *at, v))
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Node::Str { value, .. } => Some(&value.text),
            _ => None,
        }
    }

    /// Where the value starts, for allow-comment anchors.
    pub fn at(&self) -> Option<usize> {
        match self {
            Node::Str { span, .. } => Some(span.start),
            _ => None,
        }
    }
}

/// Reports the migration commands of a command value: a string is one shell line; a list of
/// strings is an exec-form command when every element is one word (`["alembic", "upgrade",
/// "head"]`), otherwise each element is a shell line of its own (Railway's
/// `preDeployCommand = ["npm run db:migrate"]`, heroku.yml's `command: [./release.sh]`).
pub(crate) fn command(ctx: &mut Ctx<'_>, place: &Place, node: &Node, out: &mut Vec<Hit>) {
    match node {
        Node::Str { value, .. } => {
            let items = ctx.analyze(&value.text);
            ctx.report(place, &items, &|r| value.span(r), out);
        }
        Node::Seq(items) => {
            let strings: Vec<(&Located, &Range<usize>)> = items
                .iter()
                .filter_map(|n| match n {
                    Node::Str { value, span } => Some((value, span)),
                    _ => None,
                })
                .collect();
            let words = strings.len() > 1
                && strings.len() == items.len()
                && strings
                    .iter()
                    .all(|(s, _)| !s.text.is_empty() && !s.text.contains(char::is_whitespace));
            if words {
                let first = strings[0].1.start;
                let end = strings[strings.len() - 1].1.end;
                let words: Vec<String> = strings.iter().map(|(s, _)| s.text.clone()).collect();
                let items = ctx.analyze_words(&words, first..end.max(first));
                ctx.report(place, &items, &|r| r, out);
            } else {
                for (s, _) in strings {
                    let items = ctx.analyze(&s.text);
                    ctx.report(place, &items, &|r| s.span(r), out);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// Parses a JSON file (serde_json decides whether it is valid; a scanner then finds the tokens).
pub(crate) fn json(file: &SourceFile) -> Result<Node, DeployError> {
    let text = &file.text;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text[bom..]) {
        let mut msg = e.to_string();
        if let Some(at) = msg.rfind(" at line ") {
            msg.truncate(at);
        }
        return Err(error_line(
            file,
            e.line(),
            format!("{} is not valid JSON: {msg}", file_name(file)),
        ));
    }
    let mut scan = Scan {
        b: text.as_bytes(),
        i: bom,
    };
    scan.ws();
    Ok(json_node(text, scan.i, 0))
}

fn json_node(text: &str, at: usize, depth: usize) -> Node {
    let mut scan = Scan {
        b: text.as_bytes(),
        i: at,
    };
    match scan.peek() {
        Some(b'"') => {
            let raw = scan.string();
            json_str(text, raw)
        }
        Some(b'{') if depth < MAX_DEPTH => {
            let members = scan.object();
            Node::Map(
                members
                    .into_iter()
                    .filter_map(|(k, v)| {
                        let key: String = serde_json::from_str(text.get(k.clone())?).ok()?;
                        Some((key, k.start, json_node(text, v.start, depth + 1)))
                    })
                    .collect(),
            )
        }
        Some(b'[') if depth < MAX_DEPTH => Node::Seq(
            scan.array()
                .into_iter()
                .map(|r| json_node(text, r.start, depth + 1))
                .collect(),
        ),
        _ => Node::Other,
    }
}

fn json_str(text: &str, raw: Range<usize>) -> Node {
    let value: String = text
        .get(raw.clone())
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    Node::Str {
        value: json_string(text, raw.clone(), &value),
        span: raw,
    }
}

// ---------------------------------------------------------------------------------------------
// TOML

/// Parses a TOML file.
pub(crate) fn toml(file: &SourceFile) -> Result<Node, DeployError> {
    use toml::de::DeTable;
    let root = DeTable::parse(&file.text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        error_at(file, at, format!("invalid TOML: {}", e.message().trim()))
    })?;
    Ok(toml_table(&file.text, root.get_ref(), 0))
}

fn toml_table(text: &str, t: &toml::de::DeTable<'_>, depth: usize) -> Node {
    Node::Map(
        t.iter()
            .map(|(k, v)| {
                (
                    k.get_ref().to_string(),
                    k.span().start,
                    toml_node(text, v, depth + 1),
                )
            })
            .collect(),
    )
}

fn toml_node(text: &str, v: &toml::Spanned<toml::de::DeValue<'_>>, depth: usize) -> Node {
    use toml::de::DeValue;
    if depth > MAX_DEPTH {
        return Node::Other;
    }
    match v.get_ref() {
        DeValue::String(s) => Node::Str {
            value: toml_string(text, v.span(), s),
            span: v.span(),
        },
        DeValue::Array(a) => Node::Seq(a.iter().map(|e| toml_node(text, e, depth + 1)).collect()),
        DeValue::Table(t) => toml_table(text, t, depth),
        _ => Node::Other,
    }
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Byte offsets of yaml-rust2's markers, which count characters: a character index and its
/// byte offset, moved forward as the markers mostly are, so a file is walked once (an earlier
/// marker is found from its line and column instead). Shared by both YAML loaders.
#[derive(Debug, Default)]
pub(super) struct MarkerCursor {
    chars: usize,
    bytes: usize,
}

impl MarkerCursor {
    pub(super) fn offset(&mut self, file: &SourceFile, m: &Marker) -> usize {
        let text = &file.text;
        if m.index() < self.chars {
            return file.lines().offset(text, m.line(), m.col() + 1);
        }
        for c in text[self.bytes..].chars() {
            if self.chars == m.index() {
                break;
            }
            self.chars += 1;
            self.bytes += c.len_utf8();
        }
        self.bytes
    }
}

/// Parses a YAML file (its first document).
pub(crate) fn yaml(file: &SourceFile) -> Result<Node, DeployError> {
    let mut loader = Loader {
        file,
        stack: Vec::new(),
        skipping: 0,
        root: None,
        cursor: MarkerCursor::default(),
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
    Ok(loader.root.unwrap_or(Node::Other))
}

enum Frame {
    Seq(Vec<Node>),
    /// Entries so far, and a key waiting for its value.
    Map(Vec<(String, usize, Node)>, Option<(String, usize)>),
}

struct Loader<'a> {
    file: &'a SourceFile,
    stack: Vec<Frame>,
    /// Depth of containers being skipped because they are too deep.
    skipping: usize,
    root: Option<Node>,
    cursor: MarkerCursor,
}

impl Loader<'_> {
    /// The byte offset of a marker ([`MarkerCursor`]).
    fn offset(&mut self, m: &Marker) -> usize {
        self.cursor.offset(self.file, m)
    }

    fn add(&mut self, node: Node, at: usize) {
        match self.stack.last_mut() {
            Some(Frame::Seq(v)) => v.push(node),
            Some(Frame::Map(entries, pending)) => match pending.take() {
                Some((k, k_at)) => entries.push((k, k_at, node)),
                None => {
                    // A key: only scalar keys are kept by name.
                    let key = match node {
                        Node::Str { value, .. } => value.text,
                        _ => String::new(),
                    };
                    *pending = Some((key, at));
                }
            },
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
                        self.add(Node::Other, 0);
                    }
                }
                _ => {}
            }
            return;
        }
        match ev {
            Event::Scalar(value, style, _, _) => {
                let style = match style {
                    TScalarStyle::SingleQuoted => YamlStyle::SingleQuoted,
                    TScalarStyle::DoubleQuoted => YamlStyle::DoubleQuoted,
                    TScalarStyle::Literal => YamlStyle::Literal,
                    TScalarStyle::Folded => YamlStyle::Folded,
                    TScalarStyle::Plain => YamlStyle::Plain,
                };
                let at = self.offset(&mark);
                let located = yaml_scalar(&self.file.text, at, style, &value);
                let end = located.span(0..located.text.len()).end.max(at);
                self.add(
                    Node::Str {
                        value: located,
                        span: at..end,
                    },
                    at,
                );
            }
            Event::Alias(_) => {
                let at = self.offset(&mark);
                self.add(Node::Other, at);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.skipping = 1;
                } else if matches!(ev, Event::SequenceStart(..)) {
                    self.stack.push(Frame::Seq(Vec::new()));
                } else {
                    self.stack.push(Frame::Map(Vec::new(), None));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(v)) => Node::Seq(v),
                    Some(Frame::Map(v, _)) => Node::Map(v),
                    None => return,
                };
                self.add(node, 0);
            }
            _ => {}
        }
    }
}
