//! `migcheck lsp`: a language server over stdio, for editors.
//!
//! Each open SQL migration (and deployment file) is judged exactly as `migcheck check FILE`
//! judges it: with the rest of its migration set as context and the nearest `migcheck.toml`,
//! the same rules, severities and allow directives. The text of every open buffer, saved or
//! not, takes the place of the file on disk ([`lint::check_overlay`]), so an unsaved earlier
//! migration counts for the file being typed.
//!
//! What the server offers:
//! - diagnostics, published after `didOpen`, `didChange`, `didSave` and `didClose` (cleared for
//!   the closed file); a change re-checks the open files of the same set, since one file's
//!   text can change what another's statements do;
//! - hover on a finding: the rule's page (the same text as `migcheck explain <rule>`);
//! - code actions on a finding: its fix, when it carries one, and "Allow `<rule>` here", which
//!   inserts a `-- migcheck:allow <rule> reason: ` line above the statement (the directive is
//!   honoured once a reason is typed after `reason:`).
//!
//! Positions are UTF-16 code units, as LSP requires by default ([`Lines`]). After a change the
//! edited file is checked first, then the other open files of its set ([`Server::touch`]);
//! messages that arrive meanwhile are all handled before the next check, so edits made during
//! a check are taken together (a check reads the whole set: 2 ms on a small one, 0.6 s on
//! 350 files, docs/editors.md). A request with parameters that do not fit gets an
//! `InvalidParams` error, an unknown request `MethodNotFound`. The messages are the
//! `lsp-server` crate's (rust-analyzer's); the transport is our own ([`crate::lsp_transport`]),
//! which skips a message over 64 MiB without reading it into memory and ends the connection on
//! a frame that is not JSON-RPC at all.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Exit,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, Diagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeResult, MarkupContent, MarkupKind, NumberOrString, Position, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use migcheck_core::cache::ParseCache;
use migcheck_core::lint::{self, CheckOptions, Report};
use migcheck_core::{render, rules, Finding, Severity};

use crate::{CLEAN, TROUBLE};

/// The exit code of an `exit` that came without `shutdown`, as the protocol asks.
const EXIT_WITHOUT_SHUTDOWN: u8 = 1;

/// Runs the server until the client says `shutdown` then `exit` (exit code 0), or `exit`
/// without `shutdown` (1, as the protocol asks), or the connection breaks (2).
pub fn run(cache: Option<Arc<ParseCache>>) -> u8 {
    let (connection, io) = crate::lsp_transport::stdio();
    let code = match serve(&connection, cache) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("migcheck lsp: {e}");
            TROUBLE
        }
    };
    drop(connection);
    if let Err(e) = io.join() {
        eprintln!("migcheck lsp: {e}");
        return TROUBLE;
    }
    code
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn serve(connection: &Connection, cache: Option<Arc<ParseCache>>) -> Result<u8, String> {
    let (id, _params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "migcheck".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        connection,
        opts: CheckOptions {
            cache,
            ..CheckOptions::default()
        },
        docs: BTreeMap::new(),
        queue: VecDeque::new(),
    };
    loop {
        // Handle everything that has arrived, then check the next file that needs it.
        let msg = if let Some(next) = server.queue.front().cloned() {
            match connection.receiver.try_recv() {
                Ok(m) => m,
                Err(e) if e.is_empty() => {
                    server.check(&next);
                    continue;
                }
                Err(_) => return Ok(TROUBLE),
            }
        } else {
            match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(TROUBLE),
            }
        };
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(CLEAN);
                }
                let response = server.request(req);
                server.send(response.into());
            }
            Message::Notification(n) if n.method == Exit::METHOD => {
                return Ok(EXIT_WITHOUT_SHUTDOWN)
            }
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
}

/// An open document.
struct Doc {
    uri: Uri,
    /// Its file, canonical; `None` when the URI is not a `file:` URI.
    path: Option<PathBuf>,
    text: String,
    version: i32,
    /// What the last check found in it.
    shown: Vec<Shown>,
    /// The directory of its migration set (`None`: not a migration).
    set_dir: Option<PathBuf>,
}

/// A finding as published, with what code actions need: what its [`Diagnostic`] is made of
/// ([`Shown::diagnostic`]), not the diagnostic itself. An `lsp_types::Diagnostic` (with its
/// rule's URL parsed, its code and source as strings) took several times this; the server
/// needed about 6 KB per finding where `migcheck check` needs under half a kilobyte (issue 31
/// item 13).
struct Shown {
    range: lsp_types::Range,
    severity: Severity,
    /// Empty for an input error.
    rule: &'static str,
    /// Message, help and the SQL of a suggested change, as the editor shows it.
    message: Box<str>,
    span: Range<usize>,
    fix: Option<Box<(String, Vec<TextEdit>)>>,
}

impl Shown {
    fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            range: self.range,
            severity: Some(match self.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                // A lock or rewrite hazard on a small or absent table (`[impact] stats`).
                Severity::Note | Severity::Off => DiagnosticSeverity::INFORMATION,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: (!self.rule.is_empty()).then(|| NumberOrString::String(self.rule.into())),
            code_description: (!self.rule.is_empty())
                .then(|| render::rule_url(self.rule).parse().ok())
                .flatten()
                .map(|href| CodeDescription { href }),
            source: Some("migcheck".into()),
            message: self.message.to_string(),
            ..Default::default()
        }
    }
}

/// `publishDiagnostics` serialized as it is written: each diagnostic is made, serialized and
/// dropped in turn, so the message takes its JSON text only (a `serde_json::Value` of it, as
/// `lsp_server::Notification::new` makes, took several times that).
struct Publish<'a> {
    uri: &'a Uri,
    shown: &'a [Shown],
    version: Option<i32>,
}

impl serde::Serialize for Publish<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct All<'a>(&'a [Shown]);
        impl serde::Serialize for All<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for shown in self.0 {
                    seq.serialize_element(&shown.diagnostic())?;
                }
                seq.end()
            }
        }
        struct Params<'a>(&'a Publish<'a>);
        impl serde::Serialize for Params<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("uri", self.0.uri)?;
                m.serialize_entry("diagnostics", &All(self.0.shown))?;
                if let Some(v) = self.0.version {
                    m.serialize_entry("version", &v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("jsonrpc", "2.0")?;
        m.serialize_entry("method", PublishDiagnostics::METHOD)?;
        m.serialize_entry("params", &Params(self))?;
        m.end()
    }
}

struct Server<'c> {
    connection: &'c Connection,
    /// How every file is checked: the defaults, with the parse cache the command line gave
    /// (shared with `migcheck check`: an edit re-parses only the file edited).
    opts: CheckOptions,
    /// By URI text.
    docs: BTreeMap<String, Doc>,
    /// Documents to check, the next first: the one just edited, then the other open files
    /// of its set, whose findings can depend on it.
    queue: VecDeque<String>,
}

impl Server<'_> {
    fn send(&self, msg: Message) {
        // A closed channel means the client is gone; the main loop sees it next.
        let _ = self.connection.sender.send(msg);
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let outcome = match method.as_str() {
            DidOpenTextDocument::METHOD => {
                n.extract::<DidOpenTextDocumentParams>(&method).map(|p| {
                    let doc = p.text_document;
                    let path = file_path(&doc.uri).map(|p| canonical(&p));
                    let set_dir = path.as_deref().and_then(set_dir);
                    let key = doc.uri.as_str().to_string();
                    self.docs.insert(
                        key.clone(),
                        Doc {
                            uri: doc.uri,
                            path,
                            text: doc.text,
                            version: doc.version,
                            shown: Vec::new(),
                            set_dir,
                        },
                    );
                    key
                })
            }
            DidChangeTextDocument::METHOD => {
                n.extract::<DidChangeTextDocumentParams>(&method).map(|p| {
                    let key = p.text_document.uri.as_str().to_string();
                    if let Some(doc) = self.docs.get_mut(&key) {
                        for change in p.content_changes {
                            match change.range {
                                // Full sync; a client that sends ranges anyway is served too.
                                None => doc.text = change.text,
                                Some(r) => {
                                    let lines = Lines::new(&doc.text);
                                    let (a, b) = (lines.offset(r.start), lines.offset(r.end));
                                    doc.text.replace_range(a..b.max(a), &change.text);
                                }
                            }
                        }
                        doc.version = p.text_document.version;
                    }
                    key
                })
            }
            DidSaveTextDocument::METHOD => {
                n.extract::<DidSaveTextDocumentParams>(&method).map(|p| {
                    let key = p.text_document.uri.as_str().to_string();
                    if let (Some(doc), Some(text)) = (self.docs.get_mut(&key), p.text) {
                        doc.text = text;
                    }
                    key
                })
            }
            DidCloseTextDocument::METHOD => {
                n.extract::<DidCloseTextDocumentParams>(&method).map(|p| {
                    let key = p.text_document.uri.as_str().to_string();
                    if let Some(doc) = self.docs.get(&key) {
                        self.publish(&doc.uri, &[], None);
                    }
                    key
                })
            }
            // `initialized`, `$/cancelRequest`, settings...: nothing to do.
            _ => return,
        };
        match outcome {
            Ok(key) => {
                self.touch(&key);
                if method == DidCloseTextDocument::METHOD {
                    self.docs.remove(&key);
                    self.queue.retain(|k| *k != key);
                }
            }
            Err(e) => eprintln!("migcheck lsp: ignored {method}: {e}"),
        }
    }

    /// Queues `key` first, then the other open files its text can change the findings of:
    /// those of its migration set, or every open file when it is no migration (a
    /// `migcheck.toml` saved, a deployment file).
    fn touch(&mut self, key: &str) {
        let Some(doc) = self.docs.get(key) else {
            return;
        };
        let set = doc.set_dir.clone();
        self.queue.retain(|k| k != key);
        self.queue.push_front(key.to_string());
        for (k, d) in &self.docs {
            let related = set.is_none() || d.set_dir == set;
            if k != key && related && !self.queue.contains(k) {
                self.queue.push_back(k.clone());
            }
        }
    }

    /// Checks `key` now when it is queued (a request about it must see its current text).
    fn settle(&mut self, key: &str) {
        if self.queue.iter().any(|k| k == key) {
            self.check(key);
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        match req.method.as_str() {
            HoverRequest::METHOD => match req.extract::<HoverParams>(HoverRequest::METHOD) {
                Ok((id, p)) => {
                    self.settle(p.text_document_position_params.text_document.uri.as_str());
                    Response::new_ok(id, self.hover(&p))
                }
                Err(e) => invalid_params(id, e),
            },
            CodeActionRequest::METHOD => {
                match req.extract::<CodeActionParams>(CodeActionRequest::METHOD) {
                    Ok((id, p)) => {
                        self.settle(p.text_document.uri.as_str());
                        Response::new_ok(id, self.code_actions(&p))
                    }
                    Err(e) => invalid_params(id, e),
                }
            }
            other => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("migcheck lsp does not handle `{other}`"),
            ),
        }
    }

    fn publish(&self, uri: &Uri, shown: &[Shown], version: Option<i32>) {
        let publish = Publish {
            uri,
            shown,
            version,
        };
        // Serialized twice: once to count its bytes, then into a buffer of exactly that size
        // (grown by doubling, the text of 50,000 diagnostics held up to twice its 27 MB).
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0 += b.len();
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        serde_json::to_writer(&mut count, &publish).expect("diagnostics serialize");
        let mut text = Vec::with_capacity(count.0);
        serde_json::to_writer(&mut text, &publish).expect("diagnostics serialize");
        let text = String::from_utf8(text).expect("JSON is UTF-8");
        self.send(crate::lsp_transport::raw(text));
    }

    /// Checks one open document, with every open buffer as the text of its file, and
    /// publishes what it shows.
    fn check(&mut self, key: &str) {
        self.queue.retain(|k| k != key);
        let overlay: HashMap<PathBuf, String> = self
            .docs
            .values()
            .filter_map(|d| Some((d.path.clone()?, d.text.clone())))
            .collect();
        {
            let Some(doc) = self.docs.get(key) else {
                return;
            };
            let Some(path) = doc.path.clone().filter(|p| is_checked(p)) else {
                return;
            };
            let shown = match check_file(&path, &doc.text, &overlay, &self.opts) {
                Ok(report) => shown(&report, &path, &doc.text),
                Err(why) => vec![problem(Position::default(), why)],
            };
            let doc = self.docs.get_mut(key).expect("looked up above");
            doc.shown = shown;
            let doc = &self.docs[key];
            self.publish(&doc.uri, &doc.shown, Some(doc.version));
        }
    }

    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let at = &p.text_document_position_params;
        let doc = self.docs.get(at.text_document.uri.as_str())?;
        let here: Vec<&Shown> = doc
            .shown
            .iter()
            .filter(|s| !s.rule.is_empty() && contains(&s.range, at.position))
            .collect();
        let mut pages: Vec<&str> = Vec::new();
        for s in &here {
            let page = rules::by_id(s.rule).map_or(&*s.message, |r| r.meta().doc);
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
        if pages.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: pages.join("\n\n---\n\n"),
            }),
            range: here.first().map(|s| s.range),
        })
    }

    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(doc) = self.docs.get(p.text_document.uri.as_str()) else {
            return Vec::new();
        };
        let mut fixes = Vec::new();
        let mut allows = Vec::new();
        for s in &doc.shown {
            if s.rule.is_empty() || !overlaps(&s.range, &p.range) {
                continue;
            }
            let action = |title: String, edits: Vec<TextEdit>, preferred: bool| {
                CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![s.diagnostic()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
                        ..Default::default()
                    }),
                    is_preferred: preferred.then_some(true),
                    ..Default::default()
                })
            };
            if let Some((title, edits)) = s.fix.as_deref() {
                fixes.push(action(title.clone(), edits.clone(), true));
            }
            if let Some((title, edit)) = allow_edit(doc, s) {
                allows.push(action(title, vec![edit], false));
            }
        }
        fixes.extend(allows);
        fixes
    }
}

fn invalid_params(id: RequestId, e: lsp_server::ExtractError<Request>) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("invalid parameters: {e}"),
    )
}

/// The files `check` reads: `.sql` migrations and the deployment files it knows.
fn is_checked(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
        || migcheck_core::deploy_files::is_deploy_file(path)
}

/// The directory of the migration set of the `.sql` file at `path`, as `check` groups it.
fn set_dir(path: &Path) -> Option<PathBuf> {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
    {
        return None;
    }
    let found = migcheck_core::discover::discover(&[path.to_path_buf()], &|_| false);
    found.sets.into_iter().next().map(|s| s.dir)
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The file a `file:` URI names (percent-decoded).
fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri
        .scheme()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("file"))
    {
        return None;
    }
    let path = uri.path().as_estr().decode().into_string().ok()?;
    // `file:///c:/dir/x.sql` on Windows: the path is `c:/dir/x.sql`.
    let bytes = path.as_bytes();
    let path = if cfg!(windows) && bytes.len() > 2 && bytes[0] == b'/' && bytes[2] == b':' {
        &path[1..]
    } else {
        &path[..]
    };
    Some(PathBuf::from(path))
}

/// `migcheck check FILE` with the open buffers in memory. A file not on disk yet is checked
/// alone, with the default configuration. A panic in a rule is reported on the file, not
/// the end of the server (in builds that unwind; release builds abort, and the editor
/// restarts the server).
fn check_file(
    path: &Path,
    text: &str,
    overlay: &HashMap<PathBuf, String>,
    opts: &CheckOptions,
) -> Result<Report, String> {
    let run = || {
        if path.exists() {
            lint::check_overlay(&[path.to_path_buf()], opts, overlay)
        } else {
            lint::check_sources(&[(path.to_path_buf(), text.to_string())], opts)
        }
    };
    let mut report = std::panic::catch_unwind(run).map_err(|_| {
        "migcheck failed on this file (a bug: please report it with the file)".to_string()
    })?;
    weigh_with_snapshot(&mut report, path, opts);
    Ok(report)
}

/// `stats = "FILE"` under `[impact]` in the migcheck.toml governing `path`: the editor shows
/// each lock or rewrite finding with its table's size from that snapshot (issue 32). It never
/// connects to a database. A snapshot it cannot read is shown as a problem at the top.
fn weigh_with_snapshot(report: &mut Report, path: &Path, opts: &CheckOptions) {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file = opts
        .config
        .clone()
        .or_else(|| migcheck_core::config::find_config_file(dir));
    let Ok(config) = lint::load_config(file.as_deref()) else {
        return;
    };
    if let Some(stats) = config.impact.stats.clone() {
        let source = crate::impact::Source::Snapshot(stats.clone());
        if let Err(e) = crate::impact::weigh(report, &source, &config.impact) {
            report.errors.push(e);
        }
    }
}

/// What a check found in the file at `path` (canonical), whose text is `text`, as diagnostics.
fn shown(report: &Report, path: &Path, text: &str) -> Vec<Shown> {
    let lines = Lines::new(text);
    // Whether a finding's file is this one, asked of the file system once per file, not per
    // finding (findings of one file share its `SourceFile`).
    let mut last: Option<(*const migcheck_core::source::SourceFile, bool)> = None;
    let mut out: Vec<Shown> = report
        .findings
        .iter()
        .filter(|f| {
            let key = std::sync::Arc::as_ptr(&f.file);
            match last {
                Some((k, here)) if k == key => here,
                _ => {
                    let here = canonical(&f.file.path) == path;
                    last = Some((key, here));
                    here
                }
            }
        })
        .map(|f| finding(f, &lines))
        .collect();
    // Input errors (an invalid config, an unreadable file of the set) are shown on the file
    // being checked: on their line when they are about it, at the top otherwise.
    let display = migcheck_core::source::display_path(path);
    for e in &report.errors {
        let at = match e.line {
            Some(l) if e.path == display => Position::new(l.saturating_sub(1) as u32, 0),
            _ => Position::default(),
        };
        out.push(problem(at, e.to_string()));
    }
    out
}

/// An input error shown at `at`.
fn problem(at: Position, message: String) -> Shown {
    Shown {
        range: lsp_types::Range::new(at, at),
        severity: Severity::Error,
        rule: "",
        message: message.into(),
        span: 0..0,
        fix: None,
    }
}

fn finding(f: &Finding, lines: &Lines<'_>) -> Shown {
    let mut message = format!("{}\n{}", render::message_with_impact(f), f.help);
    if f.fix.is_none() {
        // A suggested change (two migrations) has no code action: its SQL is shown here.
        message.push_str(&render::remedy_note(f));
    }
    let fix = f.fix.as_ref().map(|fix| {
        let edits = fix
            .edits
            .iter()
            .map(|e| TextEdit::new(lines.range(&(e.start..e.end)), e.replacement.clone()))
            .collect();
        Box::new((fix.title.clone(), edits))
    });
    Shown {
        range: lines.range(&f.span),
        severity: f.severity,
        rule: f.rule,
        message: message.into(),
        span: f.span.clone(),
        fix,
    }
}

/// "Allow `<rule>` here": a `-- migcheck:allow <rule> reason: ` line above the statement the
/// finding is in, which the core honours once a reason follows `reason:` (a directive covers
/// the first statement that starts after it: `lint::sql_allows`). A finding before the first
/// statement gets a file-wide `migcheck:allow-file` at the top. Only for SQL files, and not for
/// findings about directives themselves.
fn allow_edit(doc: &Doc, s: &Shown) -> Option<(String, TextEdit)> {
    let path = doc.path.as_deref()?;
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
        || matches!(s.rule, "invalid-allow" | "unused-allow")
    {
        return None;
    }
    let text = &doc.text;
    // Statements as the set's tool splits them (goose's StatementBegin/End blocks are one).
    let found =
        migcheck_core::discover::discover(std::slice::from_ref(&path.to_path_buf()), &|_| false);
    let whole = found
        .sets
        .first()
        .map(|set| set.tool.whole_statements(text))
        .unwrap_or_default();
    let split = migcheck_core::split::split_with(text, &whole);
    let lines = Lines::new(text);
    // The file's own line break.
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let at = s.span.start;
    let Some(stmt) = split
        .statements
        .iter()
        .find(|st| st.span.contains(&at) || st.span.start == at)
    else {
        let edit = TextEdit::new(
            lines.range(&(0..0)),
            format!("-- migcheck:allow-file {} reason: {nl}", s.rule),
        );
        return Some((format!("Allow {} in this file", s.rule), edit));
    };
    let line_start = text[..stmt.span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..stmt.span.start];
    let edit = if before.trim().is_empty() {
        // Own line, with the statement's indentation.
        TextEdit::new(
            lines.range(&(line_start..line_start)),
            format!("{before}-- migcheck:allow {} reason: {nl}", s.rule),
        )
    } else {
        // Another statement ends on the same line: break the line before this one.
        TextEdit::new(
            lines.range(&(stmt.span.start..stmt.span.start)),
            format!("{nl}-- migcheck:allow {} reason: {nl}", s.rule),
        )
    };
    Some((format!("Allow {} here", s.rule), edit))
}

fn contains(r: &lsp_types::Range, p: Position) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(r.start) <= key(p) && key(p) <= key(r.end)
}

fn overlaps(a: &lsp_types::Range, b: &lsp_types::Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

/// Byte offsets ⇄ LSP positions (0-based line, UTF-16 code units into the line).
///
/// A position is counted from a checkpoint: the start of its line, or within a long line the
/// last of the checkpoints taken every [`CHECKPOINT`] bytes when the index is made (one pass
/// over the text). Counted from the line's start, the findings of one long line took time
/// quadratic in their number (40,000 `DROP COLUMN`s on one line; issue 31 item 13); now each
/// conversion reads at most [`CHECKPOINT`] bytes plus a character (counted as work,
/// `migcheck_core::work`).
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// Within lines longer than [`CHECKPOINT`] bytes: (byte offset, UTF-16 units from the start
    /// of its line), in order.
    marks: Vec<(usize, usize)>,
}

/// Bytes between two checkpoints of a long line ([`Lines`]).
const CHECKPOINT: usize = 4096;

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut marks = Vec::new();
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).map_or(text.len(), |&next| next - 1);
            if end - start <= CHECKPOINT {
                continue;
            }
            let (mut units, mut next) = (0, start + CHECKPOINT);
            for (i, c) in text[start..end].char_indices() {
                if start + i >= next {
                    marks.push((start + i, units));
                    next = start + i + CHECKPOINT;
                }
                units += c.len_utf16();
            }
        }
        migcheck_core::work::add(text.len());
        Self {
            text,
            starts,
            marks,
        }
    }

    /// The checkpoints of line `line` (byte offset, units from its start), its start first.
    fn checkpoints(&self, line: usize) -> impl DoubleEndedIterator<Item = (usize, usize)> + '_ {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(usize::MAX);
        let from = self.marks.partition_point(|m| m.0 < start);
        let to = self.marks.partition_point(|m| m.0 < end);
        std::iter::once((start, 0)).chain(self.marks[from..to].iter().copied())
    }

    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (at, units) = self
            .checkpoints(line)
            .rev()
            .find(|&(b, _)| b <= offset)
            .expect("a line starts at its start");
        migcheck_core::work::add(offset - at);
        let character = units + self.text[at..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    pub(crate) fn range(&self, span: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position; a character past the end of its line means the end of
    /// the line (before its line break), a line past the end the end of the text.
    pub(crate) fn offset(&self, p: Position) -> usize {
        let line = p.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let text = self.text[start..end].trim_end_matches('\r');
        let (at, mut units) = self
            .checkpoints(line)
            .rev()
            .find(|&(_, u)| u <= p.character as usize)
            .expect("a line starts with no units");
        let rest = &text[at - start..];
        migcheck_core::work::add(rest.len().min(CHECKPOINT));
        for (i, c) in rest.char_indices() {
            if units >= p.character as usize {
                return at + i;
            }
            units += c.len_utf16();
        }
        start + text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_code_units() {
        // `é` is 2 bytes and 1 UTF-16 unit, `😀` 4 bytes and 2 units.
        let text = "ab\nçé 😀 x\r\nlast";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(1, 6));
        assert_eq!(lines.offset(Position::new(1, 6)), x);
        assert_eq!(lines.position(0), Position::new(0, 0));
        let last = text.find("last").unwrap();
        assert_eq!(lines.position(last), Position::new(2, 0));
        // Past the end of a line: its end, before `\r\n`.
        assert_eq!(lines.offset(Position::new(1, 99)), x + 1);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        assert_eq!(lines.position(text.len()), Position::new(2, 4));
    }

    #[test]
    fn positions_in_a_long_line_are_counted_from_checkpoints() {
        // Long lines, with characters of 1 to 4 bytes across the checkpoints.
        let line: String = (0..12_000).map(|i| ["a", "é", "☕", "😀"][i % 4]).collect();
        let text = format!("{line}\r\n{line}\nend");
        let lines = Lines::new(&text);
        assert!(lines.marks.len() > 4);
        let (mut line_no, mut units) = (0, 0);
        for (i, c) in text.char_indices() {
            let p = Position::new(line_no, units);
            assert_eq!(lines.position(i), p, "at {i}");
            if c != '\r' && c != '\n' {
                assert_eq!(lines.offset(p), i, "{p:?}");
            }
            if c == '\n' {
                (line_no, units) = (line_no + 1, 0);
            } else {
                units += c.len_utf16() as u32;
            }
        }
        assert_eq!(lines.offset(Position::new(0, 999_999)), line.len());
    }
}
