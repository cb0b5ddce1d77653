//! Command lines: splitting a shell string into simple commands, peeling off wrappers (`npx`,
//! `dotenv --`, `sh -c "…"`, `VAR=x`, …) and recognising migration commands and script calls.
//!
//! The splitter only finds where simple commands start and end (unquoted `&&`, `||`, `;`, `|`,
//! `&`, newlines, parentheses, comments); the words of each command come from `shell-words`.

use std::ops::Range;

use super::commands::{self, MigrationCommand};

/// How deep `sh -c "…"` strings are followed.
const MAX_DEPTH: usize = 8;
/// Longest command shown in a message.
const MAX_DISPLAY: usize = 80;

/// Something a command line does that matters to this rule. Ranges are byte ranges of the
/// analysed string.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// A command from [`commands::COMMANDS`].
    Migration {
        range: Range<usize>,
        command: &'static MigrationCommand,
        /// The normalised command, e.g. `prisma migrate deploy`.
        display: String,
        /// The shell script files run on the way, e.g. `./start.sh` (empty when the command is
        /// written where it was found).
        via: Vec<String>,
    },
    /// A package.json script run by name (`npm run setup`, `yarn setup`, `run-s setup`).
    ScriptCall {
        range: Range<usize>,
        script: String,
        /// npm also runs `pre<script>` and `post<script>`.
        hooks: bool,
        display: String,
        /// The shell script files run on the way.
        via: Vec<String>,
    },
    /// A shell script file run by its path (`./start.sh`, `sh scripts/start.sh`,
    /// `. ./env.sh`): [`super::files::expand`] reads it when it is in the repository.
    ShellFile {
        range: Range<usize>,
        /// The path as written.
        path: String,
        display: String,
    },
}

impl Item {
    pub(crate) fn range(&self) -> Range<usize> {
        match self {
            Item::Migration { range, .. }
            | Item::ScriptCall { range, .. }
            | Item::ShellFile { range, .. } => range.clone(),
        }
    }
}

/// The script names of a package.json, in file order, with a set for lookups: a command is
/// checked against them word by word, and a package.json can hold thousands.
#[derive(Debug, Default)]
pub(crate) struct ScriptNames {
    pub ordered: Vec<String>,
    pub set: std::collections::HashSet<String>,
}

impl ScriptNames {
    pub fn new(ordered: Vec<String>) -> Self {
        let set = ordered.iter().cloned().collect();
        Self { ordered, set }
    }
}

/// Analyses a shell string. `scripts` lists the package.json script names when known; it decides
/// whether `yarn foo` runs a script or a binary.
pub(crate) fn analyze(text: &str, scripts: Option<&ScriptNames>) -> Vec<Item> {
    let mut out = Vec::new();
    analyze_into(text, scripts, 0, None, &mut out);
    out
}

/// Analyses an already split command (a JSON exec form such as `["npx", "prisma", …]`); every
/// item gets `range`.
pub(crate) fn analyze_words(
    words: &[String],
    range: Range<usize>,
    scripts: Option<&ScriptNames>,
) -> Vec<Item> {
    let mut out = Vec::new();
    Analyzer {
        scripts,
        depth: 0,
        out: &mut out,
    }
    .command(words, range);
    out
}

fn analyze_into(
    text: &str,
    scripts: Option<&ScriptNames>,
    depth: usize,
    fixed: Option<Range<usize>>,
    out: &mut Vec<Item>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for seg in segments(text) {
        let src = &text[seg.clone()];
        let words = shell_words::split(src)
            .unwrap_or_else(|_| src.split_whitespace().map(str::to_string).collect());
        let range = fixed.clone().unwrap_or(seg);
        Analyzer {
            scripts,
            depth,
            out,
        }
        .command(&words, range);
    }
}

/// Byte ranges of the simple commands of `text`, trimmed, without comments.
pub(crate) fn segments(text: &str) -> Vec<Range<usize>> {
    #[derive(PartialEq)]
    enum Q {
        None,
        Single,
        Double,
    }
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut q = Q::None;
    let mut word_start = true;
    let mut i = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Range<usize>>| {
        let s = &text[from..to];
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead + trail < s.len() {
            out.push(from + lead..to - trail);
        }
    };
    while i < b.len() {
        let c = b[i];
        match q {
            Q::Single => {
                if c == b'\'' {
                    q = Q::None;
                }
                i += 1;
            }
            Q::Double => {
                match c {
                    b'\\' => i += 1,
                    b'"' => q = Q::None,
                    _ => {}
                }
                i += 1;
            }
            Q::None => {
                let sep = match c {
                    b'\\' => {
                        i += 2;
                        word_start = false;
                        continue;
                    }
                    b'\'' => {
                        q = Q::Single;
                        false
                    }
                    b'"' => {
                        q = Q::Double;
                        false
                    }
                    b'#' if word_start => {
                        push(start, i, &mut out);
                        while i < b.len() && b[i] != b'\n' {
                            i += 1;
                        }
                        start = i;
                        continue;
                    }
                    b'\n' | b';' | b'(' | b')' | b'`' => true,
                    b'&' => {
                        let prev = i.checked_sub(1).map(|p| b[p]);
                        !(matches!(prev, Some(b'>' | b'<')) || b.get(i + 1) == Some(&b'>'))
                    }
                    b'|' => i.checked_sub(1).map(|p| b[p]) != Some(b'>'),
                    _ => false,
                };
                if sep {
                    push(start, i, &mut out);
                    start = i + 1;
                    word_start = true;
                } else {
                    word_start = c.is_ascii_whitespace();
                }
                i += 1;
            }
        }
    }
    push(start, b.len().min(text.len()), &mut out);
    out
}

/// The program name users think of: `./node_modules/.bin/prisma` → `prisma`,
/// `supabase@latest` → `supabase`, `bin/rails` → `rails`.
pub(crate) fn program_name(word: &str) -> &str {
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let base = base
        .strip_suffix(".exe")
        .or_else(|| base.strip_suffix(".cmd"))
        .unwrap_or(base);
    match base.find('@') {
        Some(at) if at > 0 => &base[..at],
        _ => base,
    }
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// A program word that runs a file by its path: `./start.sh`, `/app/entrypoint.sh`,
/// `scripts/migrate.sh`, `bin/start` (not a bare name, which the shell looks up in `PATH`).
fn is_script_path(w: &str) -> bool {
    let name = w.rsplit('/').next().unwrap_or(w);
    w.ends_with(".sh") || (w.contains('/') && !name.is_empty() && !name.contains('.'))
}

fn is_option(w: &str) -> bool {
    w.starts_with('-') && w.len() > 1
}

struct Analyzer<'a, 'o> {
    scripts: Option<&'a ScriptNames>,
    depth: usize,
    out: &'o mut Vec<Item>,
}

impl Analyzer<'_, '_> {
    fn recurse(&mut self, text: &str, range: &Range<usize>) {
        analyze_into(
            text,
            self.scripts,
            self.depth + 1,
            Some(range.clone()),
            self.out,
        );
    }

    fn is_script(&self, name: &str) -> Option<bool> {
        self.scripts.map(|s| s.set.contains(name))
    }

    fn call(&mut self, script: &str, hooks: bool, range: &Range<usize>, words: &[String]) {
        self.out.push(Item::ScriptCall {
            range: range.clone(),
            script: script.to_string(),
            hooks,
            display: display(words),
            via: Vec::new(),
        });
    }

    fn shell_file(&mut self, path: &str, range: &Range<usize>, words: &[String]) {
        self.out.push(Item::ShellFile {
            range: range.clone(),
            path: path.to_string(),
            display: display(words),
        });
    }

    /// Index of the first word at or after `i` that is not an option, skipping the values of the
    /// options listed in `with_value`.
    fn skip_options(words: &[String], mut i: usize, with_value: &[&str]) -> usize {
        while i < words.len() && is_option(&words[i]) {
            if words[i] == "--" {
                return i + 1;
            }
            if with_value.contains(&words[i].as_str()) {
                i += 1;
            }
            i += 1;
        }
        i
    }

    fn command(&mut self, words: &[String], range: Range<usize>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_str();
            if is_assignment(w) {
                i += 1;
                continue;
            }
            let prog = program_name(w);
            let rest = &words[i + 1..];
            let next = rest.first().map(String::as_str);
            match prog {
                "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{" | "}"
                | "time" | "exec" | "nohup" | "command" | "cross-env" => i += 1,
                "dumb-init" | "tini" => i = Self::skip_options(words, i + 1, &["-s", "-p", "-e"]),
                "gosu" | "su-exec" => i += 2,
                "env" | "sudo" | "nice" => {
                    i = Self::skip_options(words, i + 1, &["-u", "-g", "-n", "-C", "-S"]);
                }
                "dotenv" | "dotenv-cli" | "dotenvx" | "doppler" | "infisical" | "op" => {
                    i = match rest.iter().position(|w| w == "--") {
                        Some(p) => i + 1 + p + 1,
                        None => {
                            let j = if matches!(next, Some("run")) {
                                i + 2
                            } else {
                                i + 1
                            };
                            Self::skip_options(words, j, &["-e", "-v", "-c", "-p", "-f"])
                        }
                    };
                }
                "npx" | "bunx" | "pnpx" => {
                    let mut j = i + 1;
                    while j < words.len() && is_option(&words[j]) {
                        match words[j].as_str() {
                            "--" => {
                                j += 1;
                                break;
                            }
                            "-c" | "--call" => {
                                if let Some(s) = words.get(j + 1) {
                                    self.recurse(s, &range);
                                }
                                return;
                            }
                            "-p" | "--package" => j += 2,
                            _ => j += 1,
                        }
                    }
                    i = j;
                }
                "npm" => {
                    let j = Self::skip_options(
                        words,
                        i + 1,
                        &["--prefix", "-w", "--workspace", "-C", "--loglevel"],
                    );
                    let Some(sub) = words.get(j) else { return };
                    match sub.as_str() {
                        "exec" | "x" => {
                            let mut k = j + 1;
                            while k < words.len() && is_option(&words[k]) {
                                match words[k].as_str() {
                                    "--" => {
                                        k += 1;
                                        break;
                                    }
                                    "-c" | "--call" => {
                                        if let Some(s) = words.get(k + 1) {
                                            self.recurse(s, &range);
                                        }
                                        return;
                                    }
                                    "-p" | "--package" | "-w" | "--workspace" => k += 2,
                                    _ => k += 1,
                                }
                            }
                            i = k;
                        }
                        "run" | "run-script" | "rum" | "urn" => {
                            let k = Self::skip_options(words, j + 1, &["-w", "--workspace"]);
                            if let Some(s) = words.get(k) {
                                self.call(s, true, &range, &words[i..]);
                            }
                            return;
                        }
                        "start" | "test" | "t" | "tst" | "stop" | "restart" => {
                            let name = match sub.as_str() {
                                "t" | "tst" => "test",
                                s => s,
                            };
                            self.call(name, true, &range, &words[i..]);
                            return;
                        }
                        _ => return,
                    }
                }
                "yarn" | "pnpm" | "bun" => {
                    let mut j = Self::skip_options(
                        words,
                        i + 1,
                        &["--cwd", "--filter", "-F", "-C", "--dir", "--reporter"],
                    );
                    if prog == "yarn" && words.get(j).is_some_and(|w| w == "workspace") {
                        j += 2;
                    }
                    let Some(sub) = words.get(j) else { return };
                    match sub.as_str() {
                        "exec" | "dlx" | "x" => i = Self::skip_options(words, j + 1, &["-p"]),
                        "run" | "run-script" => {
                            let k = Self::skip_options(words, j + 1, &[]);
                            let Some(s) = words.get(k) else { return };
                            if self.is_script(s).unwrap_or(true) {
                                self.call(s, false, &range, &words[i..]);
                                return;
                            }
                            i = k;
                        }
                        s if self.is_script(s) == Some(true) => {
                            let s = s.to_string();
                            self.call(&s, false, &range, &words[i..]);
                            return;
                        }
                        "install" | "add" | "remove" | "i" | "ci" | "build" | "test" | "start"
                        | "info" | "why" | "list" | "ls" | "outdated" | "init" | "create"
                        | "link" | "unlink" | "publish" | "pack" | "config" | "set" | "up"
                        | "upgrade" | "update" | "audit" | "store" | "cache" | "prune"
                        | "rebuild" | "patch" => return,
                        _ => i = j,
                    }
                }
                "npm-run-all" | "npm-run-all2" | "run-s" | "run-p" => {
                    for pat in rest.iter().filter(|w| !is_option(w)) {
                        for s in self.expand_pattern(pat) {
                            self.call(&s, true, &range, &words[i..]);
                        }
                    }
                    return;
                }
                "concurrently" => {
                    let args: Vec<String> =
                        rest.iter().filter(|w| !is_option(w)).cloned().collect();
                    for a in args {
                        let script = ["npm:", "yarn:", "pnpm:", "bun:"]
                            .iter()
                            .find_map(|p| a.strip_prefix(p));
                        match script {
                            Some(pat) => {
                                for s in self.expand_pattern(pat) {
                                    self.call(&s, a.starts_with("npm:"), &range, &words[i..]);
                                }
                            }
                            None => self.recurse(&a, &range),
                        }
                    }
                    return;
                }
                "node" | "ts-node" | "tsx" | "php" | "ruby" | "deno" => {
                    let mut j = i + 1;
                    if prog == "deno" && next == Some("run") {
                        j += 1;
                    }
                    i = Self::skip_options(words, j, &["-r", "--require", "--import", "--loader"]);
                }
                p if p.starts_with("python") => {
                    let mut j = i + 1;
                    while j < words.len() && is_option(&words[j]) {
                        if words[j] == "-m" {
                            break;
                        }
                        j += 1;
                    }
                    if words.get(j).is_some_and(|w| w == "-m") {
                        j += 1;
                    }
                    i = j;
                }
                "bundle" | "uv" | "poetry" | "pipenv" | "pdm" | "rye" | "hatch" => {
                    if matches!(next, Some("exec" | "run")) {
                        i = Self::skip_options(words, i + 2, &["--with", "--from", "-p"]);
                    } else {
                        return;
                    }
                }
                "cargo" if next == Some("sqlx") => i += 1,
                "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh" => {
                    let mut j = i + 1;
                    while j < words.len() && is_option(&words[j]) {
                        let o = &words[j];
                        j += 1;
                        if !o.starts_with("--") && o.contains('c') {
                            if let Some(s) = words.get(j) {
                                self.recurse(s, &range);
                            }
                            return;
                        }
                    }
                    // `sh start.sh`: the shell reads the script file.
                    if let Some(script) = words.get(j) {
                        self.shell_file(script, &range, &words[i..]);
                    }
                    return;
                }
                "." | "source" => {
                    if let Some(script) = words.get(i + 1) {
                        self.shell_file(script, &range, &words[i..]);
                    }
                    return;
                }
                "fly" | "flyctl" | "heroku" | "railway" | "render" => {
                    // `flyctl ssh console -C "…"`, `heroku run -a app -- …`.
                    let mut j = i + 1;
                    while j < words.len() {
                        let o = words[j].as_str();
                        if o == "-C" || o == "--command" {
                            if let Some(s) = words.get(j + 1) {
                                self.recurse(s, &range);
                            }
                            return;
                        }
                        if let Some(s) = o.strip_prefix("--command=") {
                            self.recurse(s, &range);
                            return;
                        }
                        if o == "run" && prog != "fly" && prog != "flyctl" {
                            let mut k = j + 1;
                            while k < words.len() && is_option(&words[k]) {
                                if words[k] == "--" {
                                    k += 1;
                                    break;
                                }
                                k += if words[k].contains('=') { 1 } else { 2 };
                            }
                            if k < words.len() {
                                self.command(&words[k..], range.clone());
                            }
                            return;
                        }
                        j += 1;
                    }
                    return;
                }
                _ => {
                    if let Some(cmd) = commands::find(prog, rest) {
                        let mut shown = vec![prog.to_string()];
                        shown.extend(rest.iter().cloned());
                        self.out.push(Item::Migration {
                            range: range.clone(),
                            command: cmd,
                            display: display(&shown),
                            via: Vec::new(),
                        });
                    } else if is_script_path(w) {
                        self.shell_file(w, &range, &words[i..]);
                    }
                    return;
                }
            }
        }
    }

    /// Script names matching a `run-s` / `concurrently` pattern (`build:*`).
    fn expand_pattern(&self, pat: &str) -> Vec<String> {
        let Some(scripts) = self.scripts else {
            return vec![pat.to_string()];
        };
        if !pat.contains('*') {
            return vec![pat.to_string()];
        }
        scripts
            .ordered
            .iter()
            .filter(|s| glob_match(pat, s))
            .cloned()
            .collect()
    }
}

/// `*` matches any run of characters (npm-run-all also stops `*` at `:`, which is ignored here).
/// Iterative, with one backtracking point: linear in practice, never exponential.
fn glob_match(pat: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn display(words: &[String]) -> String {
    let s = words.join(" ");
    if s.chars().count() <= MAX_DISPLAY {
        return s;
    }
    let mut t: String = s.chars().take(MAX_DISPLAY - 1).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(s: &str) -> Vec<&str> {
        segments(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn splits_chains_but_not_quotes_or_redirects() {
        assert_eq!(
            segs("a && b || c; d | e & f\ng"),
            ["a", "b", "c", "d", "e", "f", "g"]
        );
        assert_eq!(
            segs("echo 'a && b' \"c; d\" 2>&1 &>x"),
            ["echo 'a && b' \"c; d\" 2>&1 &>x"]
        );
        assert_eq!(segs("a # b && c\nd"), ["a", "d"]);
        assert_eq!(segs("a \\\n  b"), ["a \\\n  b"]);
        assert_eq!(segs("(cd x && y)"), ["cd x", "y"]);
    }

    #[test]
    fn program_names() {
        assert_eq!(program_name("./node_modules/.bin/prisma"), "prisma");
        assert_eq!(program_name("supabase@1.2.3"), "supabase");
        assert_eq!(program_name("@scope/pkg@1"), "pkg");
        assert_eq!(program_name("bin/rails"), "rails");
    }

    #[test]
    fn globs() {
        assert!(glob_match("db:*", "db:deploy"));
        assert!(!glob_match("db:*", "build"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXbY"));
        let pathological = "*a".repeat(30) + "b";
        assert!(!glob_match(&pathological, &"a".repeat(200)));
    }
}
