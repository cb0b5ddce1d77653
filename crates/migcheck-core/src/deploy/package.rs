//! package.json: every script, and the scripts they run by name.
//!
//! serde_json parses the document; a small scanner over the (then known to be valid) text finds
//! the byte range of each script's string token, so findings point into the escaped text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::commands::MigrationCommand;
use super::located::{json_string, Located};
use super::shell::{self, Item, ScriptNames};
use super::{error_line, hit, Ctx, DeployError, Hit, Place};

/// How many script names a chain shows before it skips to the last one.
const MAX_NAMED: usize = 12;

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
    pub names: Arc<ScriptNames>,
    by_name: HashMap<String, usize>,
    /// How each script reaches a migration command, computed once for all scripts (see
    /// [`Scripts::reach`]).
    steps: Vec<Option<Step>>,
}

/// The next step from a script towards the migration command it reaches.
#[derive(Clone, Copy)]
enum Step {
    /// Its item `item` is the migration command.
    Runs { item: usize },
    /// Its item `item` calls script `next`, which is one step closer.
    Calls { item: usize, next: usize },
}

/// A migration command reached by running a script.
pub(crate) struct Reached {
    /// Script names from the first one run to the one that holds the command.
    pub scripts: Vec<String>,
    /// The links of the chain after the call: script calls, hooks npm runs by itself
    /// (``script `prestart` ``) and script files, without the command itself.
    pub links: Vec<String>,
    pub command: &'static MigrationCommand,
    pub display: String,
}

impl Scripts {
    /// Parses the text of the package.json in folder `dir` (when known, script files its scripts
    /// run are read from there).
    pub fn parse_in(text: &str, dir: Option<&std::path::Path>) -> Result<Self, (usize, String)> {
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
        let names = ScriptNames::new(found.iter().map(|(n, _, _)| n.clone()).collect());
        let scripts = found
            .into_iter()
            .map(|(name, key, raw)| {
                let value = decode(text, &raw).unwrap_or_default();
                let value = json_string(text, raw, &value);
                let mut items = shell::analyze(&value.text, Some(&names));
                if let Some(dir) = dir {
                    let dirs = [dir.to_path_buf()];
                    items = super::files::expand(
                        items,
                        &|p| super::files::relative_candidates(p, &dirs),
                        Some(&names),
                    );
                }
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
        let mut out = Self {
            scripts,
            names: Arc::new(names),
            by_name,
            steps: Vec::new(),
        };
        out.steps = out.compute_steps();
        Ok(out)
    }

    /// The scripts a call runs: `pre<name>`, `<name>` and `post<name>` with npm's hooks.
    fn targets(&self, name: &str, hooks: bool) -> impl Iterator<Item = usize> + '_ {
        let names = if hooks {
            vec![
                format!("pre{name}"),
                name.to_string(),
                format!("post{name}"),
            ]
        } else {
            vec![name.to_string()]
        };
        names
            .into_iter()
            .filter_map(|n| self.by_name.get(&n).copied())
    }

    /// For every script, its first step towards a migration command, by a breadth-first walk
    /// backwards from the scripts that hold one: each script and each call is visited once, so
    /// thousands of mutually calling scripts cost no more than reading them (walking the calls
    /// afresh from every script was quadratic, and exponential in chains of hooks).
    fn compute_steps(&self) -> Vec<Option<Step>> {
        let n = self.scripts.len();
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, s) in self.scripts.iter().enumerate() {
            for item in &s.items {
                if let Item::ScriptCall { script, hooks, .. } = item {
                    for t in self.targets(script, *hooks) {
                        callers[t].push(i);
                    }
                }
            }
        }
        let mut dist = vec![usize::MAX; n];
        let mut queue = std::collections::VecDeque::new();
        for (i, s) in self.scripts.iter().enumerate() {
            if s.items
                .iter()
                .any(|it| matches!(it, Item::Migration { .. }))
            {
                dist[i] = 0;
                queue.push_back(i);
            }
        }
        while let Some(t) = queue.pop_front() {
            for &c in &callers[t] {
                if dist[c] == usize::MAX {
                    dist[c] = dist[t] + 1;
                    queue.push_back(c);
                }
            }
        }
        // The step of each script: its first item (in the order it runs them) that is the
        // command, or a call to a script one step closer.
        (0..n)
            .map(|i| {
                if dist[i] == usize::MAX {
                    return None;
                }
                self.scripts[i]
                    .items
                    .iter()
                    .enumerate()
                    .find_map(|(item, it)| match it {
                        Item::Migration { .. } => Some(Step::Runs { item }),
                        Item::ScriptCall { script, hooks, .. } => self
                            .targets(script, *hooks)
                            .find(|&t| dist[t] < dist[i])
                            .map(|next| Step::Calls { item, next }),
                        Item::ShellFile { .. } => None,
                    })
            })
            .collect()
    }

    /// The migration command that running `name` reaches (with npm's `pre`/`post` hooks when
    /// `hooks`), following script calls; `None` when it reaches none, or only through `caller`
    /// itself (whose own command is reported where it is written).
    pub fn reach(&self, name: &str, hooks: bool, caller: Option<&str>) -> Option<Reached> {
        for start in self.targets(name, hooks) {
            let mut scripts = Vec::new();
            let mut links = Vec::new();
            let mut at = start;
            let mut called = name.to_string();
            let mut through_caller = false;
            // A chain of thousands of scripts is named by its first and last ones.
            let mut skipped = 0usize;
            loop {
                let s = &self.scripts[at];
                through_caller |= caller == Some(s.name.as_str());
                scripts.push(s.name.clone());
                let named = links.len() < MAX_NAMED;
                if !named {
                    skipped += 1;
                }
                // A hook npm runs by itself is a link of its own.
                if s.name != called && named {
                    links.push(format!("script `{}`", s.name));
                }
                match self.steps[at] {
                    None => break,
                    Some(Step::Calls { item, next }) => {
                        if let Item::ScriptCall {
                            display,
                            via,
                            script,
                            ..
                        } = &s.items[item]
                        {
                            if named {
                                links.extend(via.iter().cloned());
                                links.push(display.clone());
                            }
                            called = script.clone();
                        }
                        at = next;
                    }
                    Some(Step::Runs { item }) => {
                        if through_caller {
                            break;
                        }
                        let Item::Migration {
                            command,
                            display,
                            via,
                            ..
                        } = &s.items[item]
                        else {
                            break;
                        };
                        if skipped > 0 {
                            links.push(format!("… {skipped} more …"));
                        }
                        links.extend(via.iter().cloned());
                        return Some(Reached {
                            scripts,
                            links,
                            command,
                            display: display.clone(),
                        });
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

/// The scripts npm, yarn and pnpm run by themselves, and those deploy platforms run (Heroku,
/// Vercel, Render and Railway run `build` and `start`): the entry points of a package.json. A
/// script only a person runs (`npm run db:migrate`) is not one. `test` is not: CI runs it against
/// a test database.
const LIFECYCLE: &[(&str, &str)] = &[
    ("preinstall", "every `npm install`"),
    ("install", "every `npm install`"),
    ("postinstall", "every `npm install` (also on deploy)"),
    ("prepare", "every `npm install`"),
    ("prebuild", "every build"),
    ("build", "every build"),
    ("postbuild", "every build"),
    ("heroku-prebuild", "every Heroku build"),
    ("heroku-postbuild", "every Heroku build"),
    ("vercel-build", "every Vercel build"),
    ("prestart", "every app start"),
    ("start", "every app start"),
    ("poststart", "every app start"),
];

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let scripts = Scripts::parse_in(&file.text, file.path.parent())
        .map_err(|(line, msg)| error_line(file, line, msg))?;
    for s in &scripts.scripts {
        let Some(&(_, when)) = LIFECYCLE.iter().find(|(n, _)| *n == s.name) else {
            continue;
        };
        let anchors = vec![s.key.start];
        let subject = format!("package.json script `{}`", s.name);
        for item in &s.items {
            let span = s.value.span(item.range());
            match item {
                Item::Migration {
                    command,
                    display,
                    via,
                    ..
                } => {
                    let place = Place {
                        subject: subject.clone(),
                        when: when.to_string(),
                        fix: format!("remove it from the `{}` script", s.name),
                        anchors: anchors.clone(),
                        scripts: vec![s.name.clone()],
                    };
                    out.push(hit(&place, span, command, display, via));
                }
                Item::ScriptCall {
                    script,
                    hooks,
                    display,
                    via,
                    ..
                } => {
                    let Some(r) = scripts.reach(script, *hooks, Some(&s.name)) else {
                        continue;
                    };
                    let last = r.scripts.last().map_or(script.as_str(), String::as_str);
                    let mut names = vec![s.name.clone()];
                    names.extend(r.scripts.iter().cloned());
                    let place = Place {
                        subject: subject.clone(),
                        when: when.to_string(),
                        fix: format!(
                            "remove `{display}` from the `{}` script (or the migration from `{last}`)",
                            s.name
                        ),
                        anchors: anchors.clone(),
                        scripts: names,
                    };
                    let mut links = via.clone();
                    links.push(display.clone());
                    links.extend(r.links);
                    out.push(hit(&place, span, r.command, &r.display, &links));
                }
                Item::ShellFile { .. } => {}
            }
        }
    }
    Ok(())
}

/// A scanner over JSON text that serde_json has already accepted (also used by [`super::tree`]).
pub(crate) struct Scan<'a> {
    pub b: &'a [u8],
    pub i: usize,
}

impl Scan<'_> {
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(crate) fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// At `"`: the string token's range, quotes included.
    pub(crate) fn string(&mut self) -> Range<usize> {
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
    pub(crate) fn value(&mut self) -> Range<usize> {
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
    pub(crate) fn object(&mut self) -> Vec<(Range<usize>, Range<usize>)> {
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

    /// At `[`: the elements' ranges.
    pub(crate) fn array(&mut self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.i += 1;
        loop {
            self.ws();
            if matches!(self.peek(), None | Some(b']')) {
                break;
            }
            out.push(self.value());
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
