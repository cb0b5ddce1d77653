//! `migcheck lsp`, driving the real binary over stdio with Content-Length framed JSON-RPC, as
//! an editor does: initialize, open and edit files of a Supabase project, ask for hovers and
//! code actions, shut down. Every read has a deadline, so a server that hangs fails the test
//! instead of stalling it.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any one answer may take: a hang guard (a lost answer fails the test instead of
/// hanging it), generous for a loaded machine; no test asserts on speed (issue 26).
const DEADLINE: Duration = Duration::from_secs(120);

const FIRST: &str = "supabase/migrations/20240101000000_notes.sql";
const SECOND: &str = "supabase/migrations/20240102000000_more.sql";

/// The earlier migration: a table, RLS not enabled.
const NOTES: &str = "create table public.notes (id bigint primary key, owner uuid);\n";

/// The file being edited. Line 2 (0-based) has `ï` (2 bytes, 1 UTF-16 unit) and `😀` (4 bytes,
/// 2 UTF-16 units) before `json`: byte column 60, character 57, UTF-16 unit 58.
const MORE: &str = "-- café ☕ notes\n\
create policy own on public.notes for select using (auth.uid() = owner);\n\
create table public.\"naïve😀\" (id bigint primary key, doc json);\n\
alter table public.\"naïve😀\" enable row level security;\n";

/// A Supabase project whose migcheck.toml makes `prefer-jsonb` an error (a warning by
/// default): the server must judge with the project's config.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    support::write(
        &dir.path().join("migcheck.toml"),
        "[rules]\nprefer-jsonb = \"error\"\n",
    );
    support::write(&dir.path().join(FIRST), NOTES);
    support::write(&dir.path().join(SECOND), MORE);
    dir
}

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    root: PathBuf,
}

impl Server {
    fn start(dir: &Path) -> Self {
        let mut s = Self::spawn(dir);
        let init = s.request(
            "initialize",
            json!({"processId": null, "rootUri": s.uri(""), "capabilities": {}}),
        );
        let caps = &init["result"]["capabilities"];
        assert_eq!(caps["textDocumentSync"]["change"], 1, "{init}");
        assert_eq!(caps["hoverProvider"], true, "{init}");
        assert_eq!(init["result"]["serverInfo"]["name"], "migcheck");
        s.notify("initialized", json!({}));
        s
    }

    /// The server, not initialized yet.
    fn spawn(dir: &Path) -> Self {
        let root = std::fs::canonicalize(dir).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_migcheck"))
            .arg("lsp")
            .current_dir(&root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("migcheck lsp starts");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = Some(v.parse::<usize>().expect("a length"));
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            messages: rx,
            next_id: 0,
            root,
        }
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root.display())
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message that `want` accepts; the others are dropped.
    fn wait(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within {DEADLINE:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout before {what}"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(&format!("answer to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// The diagnostics published for `rel` at `version`.
    fn diagnostics(&mut self, rel: &str, version: i64) -> Vec<Value> {
        let uri = self.uri(rel);
        let m = self.wait(&format!("diagnostics of {rel} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, rel: &str, text: &str) -> Vec<Value> {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}),
        );
        self.diagnostics(rel, 1)
    }

    fn change(&mut self, rel: &str, version: i64, text: &str) -> Vec<Value> {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(rel, version)
    }

    fn code_actions(&mut self, rel: &str, diagnostic: &Value) -> Vec<Value> {
        let uri = self.uri(rel);
        let r = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        );
        r["result"].as_array().expect("a list of actions").clone()
    }

    /// `shutdown` then `exit`; the exit code.
    fn stop(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    fn exit_code(&mut self) -> i32 {
        drop(self.stdin.take());
        let end = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited, not killed");
            }
            assert!(Instant::now() < end, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Rule, range and severity of each diagnostic, sorted by position: what a snapshot shows.
fn summary(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let r = &d["range"];
            format!(
                "{}:{}-{}:{} {} {}",
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["severity"],
                d["code"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

fn find<'a>(diags: &'a [Value], rule: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {diags:#?}"))
}

/// Byte offset of an LSP position (0-based line, UTF-16 units), written for the test.
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let units = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut seen = 0;
    for (i, c) in text[start..].char_indices() {
        if seen == units {
            return start + i;
        }
        seen += c.len_utf16();
    }
    text.len()
}

/// `text` with the edits of a code action for `uri` applied (from the last, so earlier
/// offsets hold).
fn apply(text: &str, action: &Value, uri: &str) -> String {
    let mut edits = action["edit"]["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("no edit of {uri}: {action}"))
        .clone();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let (a, b) = (
            offset(text, &e["range"]["start"]),
            offset(text, &e["range"]["end"]),
        );
        out.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    out
}

#[test]
fn diagnostics_are_what_check_reports_with_utf16_ranges() {
    let dir = project();
    let mut s = Server::start(dir.path());
    let diags = s.open(SECOND, MORE);
    // The same findings as `migcheck check FILE` (severity 1 = error, 2 = warning), the
    // config's `prefer-jsonb = "error"` included.
    insta::assert_snapshot!(summary(&diags).join("\n"), @r"
    1:0-1:72 2 lock-timeout-missing
    1:0-1:72 2 policy-calls-auth-per-row
    1:0-1:72 1 policy-without-rls
    2:0-2:64 1 prefer-jsonb
    3:0-3:55 2 rls-without-policy
    ");
    let cli = support::run(dir.path(), &["check", SECOND, "--format", "json"]);
    let cli: Value = serde_json::from_str(&cli.stdout).unwrap();
    let rules: Vec<&str> = cli["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    let ours: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(ours, rules);
    // Line 2 is 63 characters, 67 bytes, 64 UTF-16 units: the range ends at 64.
    let jsonb = find(&diags, "prefer-jsonb");
    assert_eq!(jsonb["range"]["end"], json!({"line": 2, "character": 64}));
    assert_eq!(jsonb["source"], "migcheck");
    assert_eq!(
        jsonb["codeDescription"]["href"],
        "https://github.com/migcheck/migcheck/blob/main/rules/prefer-jsonb.md"
    );
    let message = jsonb["message"].as_str().unwrap();
    assert!(
        message.starts_with("Column `doc` of `public.\"naïve😀\"` uses `json`"),
        "{message}"
    );
    assert!(
        message.contains("\nDeclare the column as `jsonb`"),
        "{message}"
    );
    assert_eq!(s.stop(), 0);
}

#[test]
fn fix_and_allow_code_actions_edit_the_file_and_clear_the_finding() {
    let dir = project();
    let mut s = Server::start(dir.path());
    let uri = s.uri(SECOND);
    let diags = s.open(SECOND, MORE);

    // The fix: `json` -> `jsonb`, at UTF-16 units 58..62 of line 2 (bytes 60..64).
    let actions = s.code_actions(SECOND, find(&diags, "prefer-jsonb"));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Declare the column(s) as `jsonb`",
            "Allow prefer-jsonb here"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(
        fix["edit"]["changes"][&uri],
        json!([{"range": {"start": {"line": 2, "character": 58}, "end": {"line": 2, "character": 62}},
                "newText": "jsonb"}])
    );
    let fixed = apply(MORE, fix, &uri);
    assert!(fixed.contains("doc jsonb);"), "{fixed}");
    let after = s.change(SECOND, 2, &fixed);
    assert!(
        after.iter().all(|d| d["code"] != "prefer-jsonb"),
        "{after:#?}"
    );

    // Allow: a directive line above the statement. Without a reason it is not honoured (and
    // is reported); with one, the finding is gone.
    let actions = s.code_actions(SECOND, find(&after, "policy-without-rls"));
    let allow = actions
        .iter()
        .find(|a| a["title"] == "Allow policy-without-rls here")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(
        allow["edit"]["changes"][&uri],
        json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                "newText": "-- migcheck:allow policy-without-rls reason: \n"}])
    );
    let allowed = apply(&fixed, allow, &uri);
    let diags = s.change(SECOND, 3, &allowed);
    assert!(
        diags.iter().any(|d| d["code"] == "invalid-allow"),
        "{diags:#?}"
    );
    let reasoned = allowed.replace(
        "reason: \n",
        "reason: the table is reached only by the service role\n",
    );
    let diags = s.change(SECOND, 4, &reasoned);
    assert_eq!(
        summary(&diags),
        [
            "2:0-2:72 2 lock-timeout-missing",
            "2:0-2:72 2 policy-calls-auth-per-row",
            "4:0-4:55 2 rls-without-policy"
        ],
        "{diags:#?}"
    );
    assert_eq!(s.stop(), 0);
}

#[test]
fn unsaved_buffers_of_the_set_count_and_closing_clears() {
    let dir = project();
    let mut s = Server::start(dir.path());
    let diags = s.open(SECOND, MORE);
    assert!(diags.iter().any(|d| d["code"] == "policy-without-rls"));
    // Enable RLS in the earlier migration, unsaved: the policy now protects the table.
    // Every open file is checked again after any change, in URI order.
    s.open(FIRST, NOTES);
    s.diagnostics(SECOND, 1);
    let uri = s.uri(FIRST);
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": format!("{NOTES}alter table public.notes enable row level security;\n")}]}),
    );
    s.diagnostics(FIRST, 2);
    let diags = s.diagnostics(SECOND, 1);
    assert!(
        diags.iter().all(|d| d["code"] != "policy-without-rls"),
        "{diags:#?}"
    );
    // The file on disk did not change: `check` still reports it.
    let cli = support::run(dir.path(), &["check", SECOND]);
    assert!(cli.stdout.contains("policy-without-rls"), "{}", cli.stdout);
    // Closing a file clears its diagnostics.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": s.uri(SECOND)}}),
    );
    let uri = s.uri(SECOND);
    let m = s.wait("cleared diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
    });
    assert_eq!(m["params"]["diagnostics"], json!([]));
    assert_eq!(s.stop(), 0);
}

#[test]
fn hover_shows_the_rule_page() {
    let dir = project();
    let mut s = Server::start(dir.path());
    s.open(SECOND, MORE);
    let uri = s.uri(SECOND);
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 59}}),
    );
    let value = r["result"]["contents"]["value"].as_str().unwrap();
    assert_eq!(r["result"]["contents"]["kind"], "markdown");
    let page = support::run(dir.path(), &["explain", "prefer-jsonb"]).stdout;
    assert_eq!(value, page);
    // Nothing to show on the comment line.
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    assert_eq!(s.stop(), 0);
}

#[test]
fn malformed_requests_get_errors_and_the_server_goes_on() {
    let dir = project();
    let mut s = Server::start(dir.path());
    let r = s.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = s.request("workspace/frobnicate", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A file that is not valid SQL, and a config that is invalid, are findings and errors
    // shown on the file, not the end of the server.
    let diags = s.open(SECOND, "create table (((;\n");
    assert!(
        diags.iter().any(|d| d["code"] == "unparsed-statement"),
        "{diags:#?}"
    );
    support::write(&dir.path().join("migcheck.toml"), "[rules]\nnope = 3\n");
    let diags = s.change(SECOND, 2, MORE);
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("migcheck.toml")),
        "{diags:#?}"
    );
    assert_eq!(s.stop(), 0);
}

#[test]
fn requests_before_initialize_are_refused_and_a_broken_frame_ends_the_server() {
    let dir = project();
    let mut s = Server::spawn(dir.path());
    let r = s.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    // A frame that is not JSON-RPC at all: the transport cannot go on (the lsp-server crate
    // ends the connection); the server exits with 2 instead of hanging.
    let stdin = s.stdin.as_mut().unwrap();
    write!(stdin, "Content-Length: 9\r\n\r\nnot json!").unwrap();
    stdin.flush().unwrap();
    // stdin stays open: the frame, not the end of input, ends the server.
    let end = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < end, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let dir = project();
    let mut s = Server::start(dir.path());
    s.notify("exit", Value::Null);
    assert_eq!(s.exit_code(), 1);
}

#[test]
fn deployment_files_are_checked_too() {
    let dir = project();
    let pkg = "{\n  \"scripts\": {\n    \"build\": \"next build\",\n    \"postinstall\": \"supabase db push\"\n  }\n}\n";
    support::write(&dir.path().join("package.json"), pkg);
    let mut s = Server::start(dir.path());
    let diags = s.open("package.json", pkg);
    let cli = support::run(dir.path(), &["check", "package.json", "--format", "json"]);
    let cli: Value = serde_json::from_str(&cli.stdout).unwrap();
    assert_eq!(
        diags.len(),
        cli["diagnostics"].as_array().unwrap().len(),
        "{diags:#?}\n{cli}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "migration-in-deploy-config"),
        "{diags:#?}"
    );
    assert_eq!(s.stop(), 0);
}

#[test]
fn allow_breaks_the_line_when_another_statement_ends_on_it() {
    let dir = project();
    let mut s = Server::start(dir.path());
    let uri = s.uri(SECOND);
    let text = "set lock_timeout = '5s'; drop table public.notes;\n";
    let diags = s.open(SECOND, text);
    let actions = s.code_actions(SECOND, find(&diags, "drop-table"));
    let allow = actions
        .iter()
        .find(|a| a["title"] == "Allow drop-table here")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let allowed = apply(text, allow, &uri);
    assert_eq!(
        allowed,
        "set lock_timeout = '5s'; \n-- migcheck:allow drop-table reason: \ndrop table public.notes;\n"
    );
    let reasoned = allowed.replace("reason: ", "reason: notes moved to the archive schema");
    let diags = s.change(SECOND, 2, &reasoned);
    assert!(
        diags.iter().all(|d| d["code"] != "drop-table"),
        "{diags:#?}"
    );
    assert!(
        diags.iter().all(|d| d["code"] != "unused-allow"),
        "{diags:#?}"
    );
    assert_eq!(s.stop(), 0);
}

/// (rule, start line, start UTF-16 unit, end line, end unit) of `check FILE --format json`,
/// the JSON's 1-based character columns turned into LSP positions over `text`.
fn check_positions(dir: &Path, rel: &str, text: &str) -> Vec<(String, u64, u64, u64, u64)> {
    let run = support::run(dir, &["check", rel, "--format", "json", "--allow-empty"]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!("{rel}: {e}\n{}{}", run.stdout, run.stderr);
    });
    let lines: Vec<&str> = text.split('\n').collect();
    let unit = |line: u64, column: u64| -> u64 {
        let l = lines.get(line as usize - 1).copied().unwrap_or("");
        l.chars()
            .take(column as usize - 1)
            .map(char::len_utf16)
            .sum::<usize>() as u64
    };
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap();
            (
                d["rule"].as_str().unwrap().to_string(),
                n("line") - 1,
                unit(n("line"), n("column")),
                n("end_line") - 1,
                unit(n("end_line"), n("end_column")),
            )
        })
        .collect()
}

/// Every SQL file of the example project and of every tool's test project, opened alone:
/// the server shows what `migcheck check FILE` reports, finding for finding, at the same
/// places; every finding's "Allow" code action, once a reason is typed, silences it, and its
/// fix, where it has one, clears it.
#[test]
fn every_example_file_shows_what_check_reports() {
    let root = support::workspace();
    let mut projects = vec![root.join("testdata/examples/hotdash")];
    for e in std::fs::read_dir(root.join("testdata/tools")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            projects.push(p);
        }
    }
    let (mut files, mut allows, mut fixes) = (0, 0, 0);
    for project in projects {
        let mut s = Server::start(&project);
        for entry in walk(&project) {
            let rel = entry
                .strip_prefix(&project)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&entry).unwrap();
            let diags = s.open(&rel, &text);
            let ours: Vec<(String, u64, u64, u64, u64)> = diags
                .iter()
                .map(|d| {
                    let r = &d["range"];
                    let n = |v: &Value| v.as_u64().unwrap();
                    (
                        d["code"].as_str().unwrap_or("-").to_string(),
                        n(&r["start"]["line"]),
                        n(&r["start"]["character"]),
                        n(&r["end"]["line"]),
                        n(&r["end"]["character"]),
                    )
                })
                .collect();
            assert_eq!(
                ours,
                check_positions(&project, &rel, &text),
                "{}: {rel}",
                project.display()
            );
            let uri = s.uri(&rel);
            // Each finding's "Allow" action, with a reason typed, silences it: the inserted
            // line is a directive the core honours, above the right statement.
            let mut version = 1;
            for d in &diags {
                let rule = d["code"].as_str().unwrap_or("-");
                if matches!(rule, "invalid-allow" | "unused-allow" | "-") {
                    continue;
                }
                let actions = s.code_actions(&rel, d);
                let allow = actions
                    .iter()
                    .find(|a| {
                        let t = a["title"].as_str().unwrap();
                        t == format!("Allow {rule} here")
                            || t == format!("Allow {rule} in this file")
                    })
                    .unwrap_or_else(|| panic!("{rel}: no allow for {d}"));
                let allowed = apply(&text, allow, &uri).replace(
                    &format!("{rule} reason: \n"),
                    &format!("{rule} reason: reviewed\n"),
                );
                version += 1;
                let after = s.change(&rel, version, &allowed);
                let count = |ds: &[Value]| ds.iter().filter(|x| x["code"] == rule).count();
                assert!(
                    count(&after) < count(&diags),
                    "{rel}: {rule} not silenced by\n{allowed}\n{after:#?}"
                );
                assert!(
                    after
                        .iter()
                        .all(|x| x["code"] != "invalid-allow" && x["code"] != "unused-allow"),
                    "{rel}: {rule}:\n{allowed}\n{after:#?}"
                );
                allows += 1;
                version += 1;
                s.change(&rel, version, &text);
                // The fix, where the finding has one, clears it too.
                let Some(fix) = actions.iter().find(|a| {
                    a["isPreferred"] == true
                        && a["diagnostics"][0]["range"] == d["range"]
                        && a["diagnostics"][0]["code"] == rule
                }) else {
                    continue;
                };
                let fixed = apply(&text, fix, &uri);
                version += 1;
                let after = s.change(&rel, version, &fixed);
                assert!(
                    count(&after) < count(&diags),
                    "{rel}: {rule} not fixed by\n{fixed}\n{after:#?}"
                );
                fixes += 1;
                version += 1;
                s.change(&rel, version, &text);
            }
            s.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
            files += 1;
        }
        assert_eq!(s.stop(), 0);
    }
    assert!(files > 30, "only {files} files");
    assert!(allows > 20, "only {allows} allow actions tried");
    eprintln!("{files} files, {allows} allow actions, {fixes} fixes");
    assert!(fixes > 5, "only {fixes} fixes tried");
}

/// The `.sql` files under `dir`, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Issue 32: with `stats = "FILE"` under `[impact]`, the editor shows each lock or rewrite
/// finding with its table's size from that snapshot, a small table's as information (3).
#[test]
fn a_snapshot_in_the_config_gives_findings_their_impact() {
    let dir = tempfile::tempdir().unwrap();
    support::write(
        &dir.path().join("migcheck.toml"),
        "[impact]\nstats = \"migcheck-stats.json\"\nstale_after_days = 100000\n",
    );
    support::write(
        &dir.path().join("migcheck-stats.json"),
        r#"{"kind": "migcheck-stats", "version": 1, "taken_at": "2026-12-01T09:30:00Z",
 "taken_at_unix": 1796117400, "database": "postgresql://postgres@db.example.com/postgres",
 "server_version": "15.8", "complete": true,
 "tables": [
  {"schema": "public", "name": "flags", "rows": 12, "heap_bytes": 8192, "index_bytes": 16384, "toast_bytes": 0},
  {"schema": "public", "name": "orders", "rows": 12400000, "heap_bytes": 2684354560, "index_bytes": 536870912, "toast_bytes": 0}
 ]}
"#,
    );
    let file = "supabase/migrations/20240101000000_indexes.sql";
    let text =
        "CREATE INDEX flags_name ON flags (name);\nCREATE INDEX orders_ref ON orders (ref);\n";
    support::write(&dir.path().join(file), text);
    let mut s = Server::start(dir.path());
    let diags = s.open(file, text);
    insta::assert_snapshot!(summary(&diags).join("\n"), @r"
    0:0-0:40 3 require-concurrent-index
    1:0-1:40 1 require-concurrent-index
    ");
    let orders = diags
        .iter()
        .find(|d| d["range"]["start"]["line"] == 1 && d["code"] == "require-concurrent-index")
        .unwrap();
    let message = orders["message"].as_str().unwrap();
    assert!(
        message.contains("\nImpact: `public.orders`: 12.4 M rows, 3.0 GB."),
        "{message}"
    );
    assert_eq!(s.stop(), 0);
}
