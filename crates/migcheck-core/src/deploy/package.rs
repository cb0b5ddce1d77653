//! package.json: every script, and the scripts they run by name.
//!
//! serde_json parses the document; a small scanner over the (then known to be valid) text finds
//! the byte range of each script's string token, so findings point into the escaped text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::commands::MigrationCommand;
use super::located::{json_string, Located};
use super::shell::{self, Item};
use super::{error_line, hit, Ctx, DeployError, Hit, Place};

/// How deep script calls are followed.
const MAX_CHAIN: usize = 64;

pub(crate) struct Script {
    pub name: String,
    /// Byte range of the key token, in the file.
    pub key: Range<usize>,
    pub value: Located,
    pub items: Vec<Item>,
}

/// The scripts of one package.json.
pub(crate) struct Scripts {
    pub scripts: Vec<Script>,
    by_name: HashMap<String, usize>,
}

/// A migration command reached by running a script.
pub(crate) struct Reached {
    /// Script names from the first one run to the one that holds the command.
    pub chain: Vec<String>,
    pub command: &'static MigrationCommand,
    pub display: String,
}

impl Scripts {
    /// Parses a package.json text; the error is a 1-based line and a message.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &text[bom..];
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
            let mut msg = e.to_string();
            if let Some(at) = msg.rfind(" at line ") {
                msg.truncate(at);
            }
            return Err((e.line(), format!("package.json is not valid JSON: {msg}")));
        }
        let mut scan = Scan {
            b: text.as_bytes(),
            i: bom,
        };
        scan.ws();
        let mut found: Vec<(String, Range<usize>, Range<usize>)> = Vec::new();
        if scan.peek() == Some(b'{') {
            let members = scan.object();
            let scripts = members
                .into_iter()
                .rev()
                .find(|(k, _)| decode(text, k).as_deref() == Some("scripts"));
            if let Some((_, v)) = scripts {
                if text.as_bytes().get(v.start) == Some(&b'{') {
                    let mut inner = Scan {
                        b: text.as_bytes(),
                        i: v.start,
                    };
                    for (k, val) in inner.object() {
                        if text.as_bytes().get(val.start) != Some(&b'"') {
                            continue;
                        }
                        let Some(name) = decode(text, &k) else {
                            continue;
                        };
                        // A repeated name: the last one wins, as in npm.
                        found.retain(|(n, _, _)| *n != name);
                        found.push((name, k, val));
                    }
                }
            }
        }
        let names: Vec<String> = found.iter().map(|(n, _, _)| n.clone()).collect();
        let scripts = found
            .into_iter()
            .map(|(name, key, raw)| {
                let value = decode(text, &raw).unwrap_or_default();
                let value = json_string(text, raw, &value);
                let items = shell::analyze(&value.text, Some(&names));
                Script {
                    name,
                    key,
                    value,
                    items,
                }
            })
            .collect::<Vec<Script>>();
        let by_name = scripts
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        Ok(Self { scripts, by_name })
    }

    fn get(&self, name: &str) -> Option<&Script> {
        self.by_name.get(name).map(|&i| &self.scripts[i])
    }

    /// The first migration command that running `name` reaches (with npm's `pre`/`post` hooks
    /// when `hooks`), following script calls; `visited` stops cycles.
    pub fn reach(
        &self,
        name: &str,
        hooks: bool,
        visited: &mut HashSet<String>,
        depth: usize,
    ) -> Option<Reached> {
        if depth > MAX_CHAIN {
            return None;
        }
        let order = if hooks {
            vec![
                format!("pre{name}"),
                name.to_string(),
                format!("post{name}"),
            ]
        } else {
            vec![name.to_string()]
        };
        for n in order {
            if !visited.insert(n.clone()) {
                continue;
            }
            let Some(s) = self.get(&n) else { continue };
            for item in &s.items {
                match item {
                    Item::Migration {
                        command, display, ..
                    } => {
                        return Some(Reached {
                            chain: vec![n],
                            command,
                            display: display.clone(),
                        })
                    }
                    Item::ScriptCall { script, hooks, .. } => {
                        if let Some(mut r) = self.reach(script, *hooks, visited, depth + 1) {
                            r.chain.insert(0, n);
                            return Some(r);
                        }
                    }
                }
            }
        }
        None
    }
}

fn decode(text: &str, raw: &Range<usize>) -> Option<String> {
    serde_json::from_str(text.get(raw.clone())?).ok()
}

/// When a script runs, from its name.
fn when(name: &str) -> &'static str {
    let base = name
        .strip_prefix("pre")
        .or_else(|| name.strip_prefix("post"))
        .unwrap_or(name);
    match base {
        "start" | "serve" | "restart" => "every app start",
        "build" | "vercel-build" | "heroku-build" => "every build",
        "install" | "prepare" | "publish" | "pack" => "every `npm install`",
        _ if name == "heroku-postbuild" => "every build",
        _ => "anything that runs the script (a deploy, a start command, CI)",
    }
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let scripts = Scripts::parse(&file.text).map_err(|(line, msg)| error_line(file, line, msg))?;
    for s in &scripts.scripts {
        let anchors = vec![s.key.start];
        for item in &s.items {
            let span = s.value.span(item.range());
            match item {
                Item::Migration {
                    command, display, ..
                } => {
                    let place = Place {
                        subject: format!("package.json script `{}`", s.name),
                        when: when(&s.name).to_string(),
                        fix: format!(
                            "remove it from the `{0}` script (a script only ever run by hand can be allowed with `package.json:{0}` in the configuration)",
                            s.name
                        ),
                        anchors: anchors.clone(),
                        script: Some(s.name.clone()),
                    };
                    out.push(hit(&place, span, command, display, None));
                }
                Item::ScriptCall {
                    script,
                    hooks,
                    display,
                    ..
                } => {
                    let mut visited = HashSet::from([s.name.clone()]);
                    let Some(r) = scripts.reach(script, *hooks, &mut visited, 0) else {
                        continue;
                    };
                    let chain = std::iter::once(s.name.as_str())
                        .chain(r.chain.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" → ");
                    let last = r.chain.last().map_or(script.as_str(), String::as_str);
                    let place = Place {
                        subject: format!("package.json script `{}`", s.name),
                        when: when(&s.name).to_string(),
                        fix: format!(
                            "remove `{display}` from the `{}` script (or the migration from `{last}`)",
                            s.name
                        ),
                        anchors: anchors.clone(),
                        script: Some(s.name.clone()),
                    };
                    let via = format!("through `{chain}`");
                    out.push(hit(&place, span, r.command, &r.display, Some(&via)));
                }
            }
        }
    }
    Ok(())
}

/// A scanner over JSON text that serde_json has already accepted.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// At `"`: the string token's range, quotes included.
    fn string(&mut self) -> Range<usize> {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => break,
                _ => {}
            }
        }
        self.i = self.i.min(self.b.len());
        start..self.i
    }

    /// Skips one value of any depth without recursion; returns its range.
    fn value(&mut self) -> Range<usize> {
        let start = self.i;
        match self.peek() {
            Some(b'"') => {
                self.string();
            }
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
            }
        }
        start..self.i
    }

    /// At `{`: the members' key and value ranges.
    fn object(&mut self) -> Vec<(Range<usize>, Range<usize>)> {
        let mut out = Vec::new();
        self.i += 1;
        loop {
            self.ws();
            match self.peek() {
                Some(b'"') => {}
                _ => break,
            }
            let key = self.string();
            self.ws();
            if self.peek() != Some(b':') {
                break;
            }
            self.i += 1;
            self.ws();
            let value = self.value();
            out.push((key, value));
            self.ws();
            if self.peek() == Some(b',') {
                self.i += 1;
            } else {
                break;
            }
        }
        out
    }
}
