//! Parsing each statement on its own, so one unreadable statement never hides the rest of a file.
//!
//! For every statement the splitter found, sqlparser's PostgreSQL dialect parses exactly that
//! text, and we check that it consumed all of it: `DROP INDEX CONCURRENTLY i` "parses" as dropping
//! an index called `CONCURRENTLY` and leaves `i` behind, which we treat as unreadable. An
//! unreadable statement keeps its parser error (for `unparsed-statement`) and goes through the
//! token-level fallback in [`crate::fallback`], which still recognises the non-additive forms.
//!
//! `DO` blocks run during the migration, so the SQL inside their body is split and analysed as
//! statements of their own (with spans inside the file). Function bodies do not run during the
//! migration and are never looked into.

use std::ops::Range;

use sqlparser::ast;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::effect::Effect;
use crate::split::{split, split_for, Client, Comment, Split};

/// How deep the parser may recurse before it gives up on a statement (deeply nested input must
/// not overflow the stack).
const RECURSION_LIMIT: usize = 64;

/// One statement of a migration file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    /// Byte range in the file.
    pub span: Range<usize>,
    /// The syntax tree, attached to the statement [`crate::lint::replay`] hands the rules
    /// ([`Statement::with_tree`]) and dropped once they have seen it. Between parsing and the
    /// rules a statement holds its tree as bytes ([`Statement::stored_tree`]): a tree takes 4–7
    /// KB in memory, its bytes about as much as the statement's text (issue 33: the corpus held
    /// 80 MB of trees). The one exception: an `EXECUTE` constant nesting too deep to be kept as
    /// bytes keeps its tree (its text is not at its span, so it could not be parsed again).
    /// Code that looks at *other* statements of a file calls [`Statement::tree`].
    #[serde(skip)]
    pub ast: Option<Box<ast::Statement>>,
    /// Why the parser could not read it, when it could not (boxed: rare, and a file of 250,000
    /// statements holds every statement for the whole run).
    pub unparsed: Option<Box<Unparsed>>,
    /// What it does to the schema.
    pub effects: Box<[Effect]>,
    /// True for a statement inside a `DO` block body.
    pub in_do_block: bool,
    /// True in a rollback (down) section: parsed, but never reported as non-additive.
    pub rollback: bool,
    /// Upper-cased leading keywords (up to three), for rules and reports.
    pub head: Box<str>,
    /// The statement's syntax tree as bytes (postcard), read back by [`Statement::tree`] when
    /// asked for; the parse cache ([`crate::cache`]) stores them as they are. `None` for a
    /// statement without a tree: one the parser could not read, a `DO` wrapper, a data statement
    /// (INSERT and SELECT, which no rule inspects, unless a query runs a data-modifying one).
    /// Boxed twice: one pointer, not two (every statement of a file is held for the run).
    #[serde(with = "crate::cache::bytes")]
    pub stored_tree: Option<StoredTree>,
    /// What kind of tree the statement has (`TreeKind::None`: none), told without reading it
    /// back: for code that reads other statements' trees and wants some kinds only.
    pub kind: TreeKind,
}

/// The kind of a statement's syntax tree, for code that reads trees again after the replay and
/// cares about some kinds only (the lock scan of a file's end, [`crate::rules::locks`]): each
/// tree asked for is read back from its bytes, and most statements are of a kind it skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum TreeKind {
    /// No tree: the parser could not read it, a `DO` wrapper, a data statement without one.
    #[default]
    None,
    AlterTable,
    CreateIndex,
    Lock,
    /// `CREATE`, `ALTER` or `DROP POLICY`.
    Policy,
    /// `CREATE` or `DROP TRIGGER`.
    Trigger,
    Truncate,
    /// `DROP TABLE`, `DROP INDEX` and the other drops sqlparser reads as one `Statement::Drop`
    /// (policies, triggers, functions and some others have statements of their own).
    Drop,
    RefreshMaterializedView,
    /// `CREATE FUNCTION`: its stored tree may leave its body in the text
    /// ([`leave_body_in_text`]).
    Function,
    /// `UPDATE`, `DELETE`, `MERGE`, `COPY`, or a query that runs one of them or an `INSERT`.
    DataChange,
    /// Any other statement (`CREATE TABLE`, `GRANT`, `COMMENT`...).
    Other,
}

impl TreeKind {
    /// The kind of `a`, a tree as kept ([`kept`]).
    fn of(a: &ast::Statement) -> Self {
        use ast::Statement as S;
        match a {
            S::AlterTable(_) => TreeKind::AlterTable,
            S::CreateIndex(_) => TreeKind::CreateIndex,
            S::Lock(_) => TreeKind::Lock,
            S::CreatePolicy(_) | S::AlterPolicy(_) | S::DropPolicy(_) => TreeKind::Policy,
            S::CreateTrigger(_) | S::DropTrigger(_) => TreeKind::Trigger,
            S::Truncate(_) => TreeKind::Truncate,
            S::Drop { .. } => TreeKind::Drop,
            S::RefreshMaterializedView(_) => TreeKind::RefreshMaterializedView,
            S::CreateFunction(_) => TreeKind::Function,
            S::Insert(_)
            | S::Update(_)
            | S::Delete(_)
            | S::Merge(_)
            | S::Copy { .. }
            | S::Query(_) => TreeKind::DataChange,
            _ => TreeKind::Other,
        }
    }
}

/// A syntax tree as the parse cache stores it: its bytes, behind one pointer.
pub type StoredTree = Box<Box<[u8]>>;

/// A statement the parser could not read.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Unparsed {
    /// Why.
    pub reason: String,
    /// What our own per-family reader ([`crate::recognise`]) made of it: a valid statement it
    /// understood, or one PostgreSQL rejects.
    pub recognised: Option<crate::recognise::Reading>,
}

impl Unparsed {
    fn new(
        reason: Option<String>,
        recognised: Option<crate::recognise::Reading>,
    ) -> Option<Box<Unparsed>> {
        reason.map(|reason| Box::new(Unparsed { reason, recognised }))
    }
}

impl Statement {
    /// [`Statement::tree`] when the statement's first words start with one of `heads`, else
    /// `None`: for code that reads other statements of a file and cares about some kinds only
    /// (each tree asked for is read back from its bytes).
    pub fn tree_if_head(
        &self,
        text: &str,
        heads: &[&str],
    ) -> Option<std::borrow::Cow<'_, ast::Statement>> {
        heads
            .iter()
            .any(|h| self.head.starts_with(h))
            .then(|| self.tree(text))
            .flatten()
    }

    /// The syntax tree of this statement: the one attached, read back from its bytes, or parsed
    /// again from `text` (the file it belongs to) when it holds none. `None` when it is not
    /// readable, a `DO` wrapper, or a data statement.
    pub fn tree(&self, text: &str) -> Option<std::borrow::Cow<'_, ast::Statement>> {
        if let Some(a) = &self.ast {
            return Some(std::borrow::Cow::Borrowed(&**a));
        }
        if self.kind == TreeKind::Function {
            // A path of its own: with the body put back here, every tree read here took one
            // more copy of its 3.5 KB root (`callgrind`), functions or not. Bytes that cannot
            // be read fall through to parsing again, as any other tree's do.
            if let Some(a) = self.function_tree(text) {
                return Some(std::borrow::Cow::Owned(a));
            }
        } else if let Some(a) = self.stored_tree.as_deref().and_then(|b| {
            crate::work::add_tree_bytes(b.len());
            postcard::from_bytes::<ast::Statement>(b).ok()
        }) {
            return Some(std::borrow::Cow::Owned(a));
        }
        if !self.may_have_tree() {
            return None;
        }
        let sql = text.get(self.span.clone())?;
        // Parsed as it was the first time: Go template actions read as names.
        let filled = crate::dynamic::fill_templates(sql);
        let a = parse_one(filled.as_deref().unwrap_or(sql)).ok()?;
        kept(a).map(std::borrow::Cow::Owned)
    }

    /// The tree of a `CREATE FUNCTION` read back from its bytes, with its body put back.
    #[inline(never)]
    fn function_tree(&self, text: &str) -> Option<ast::Statement> {
        let b = self.stored_tree.as_deref()?;
        crate::work::add_tree_bytes(b.len());
        let mut a = postcard::from_bytes::<ast::Statement>(b).ok()?;
        take_body_from_text(&mut a, text.get(self.span.clone()).unwrap_or(""));
        Some(a)
    }

    /// This statement with its syntax tree attached (parsed again from `text` when needed).
    pub fn with_tree(&self, text: &str) -> std::borrow::Cow<'_, Statement> {
        match self.tree(text) {
            // Not a clone of `self`: its stored tree is not needed once the tree is here.
            Some(std::borrow::Cow::Owned(a)) => std::borrow::Cow::Owned(Statement {
                span: self.span.clone(),
                ast: Some(Box::new(a)),
                unparsed: self.unparsed.clone(),
                effects: self.effects.clone(),
                in_do_block: self.in_do_block,
                rollback: self.rollback,
                head: self.head.clone(),
                stored_tree: None,
                kind: self.kind,
            }),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    pub(crate) fn may_have_tree(&self) -> bool {
        const DATA: &[&str] = &["INSERT", "SELECT", "VALUES", "TABLE", "DO"];
        let first = self.head.split(' ').next().unwrap_or("");
        self.unparsed.is_none() && !first.is_empty() && !DATA.contains(&first)
    }
}

/// INSERTs longer than this are not parsed (see `parse_statement`): their syntax is not checked.
pub const PARSE_INSERT_UP_TO: usize = 64 * 1024;

/// Other statements of more tokens than this ([`crate::split::count_tokens`]) are not parsed:
/// they are `unparsed-statement` ("too long"), and the token-level fallback reads what the first
/// this many tokens change. The longest statement of the corpus has 1,144.
pub const PARSE_TOKENS_UP_TO: usize = 20_000;

/// Whether a parsed tree is worth keeping for the rules: not for data statements, except a
/// query that runs data-modifying statements (`WITH d AS (UPDATE ...) SELECT ...`).
fn kept(a: ast::Statement) -> Option<ast::Statement> {
    match &a {
        ast::Statement::Insert(_) => None,
        ast::Statement::Query(q) if crate::extract::data_modifying(q).is_empty() => None,
        _ => Some(a),
    }
}

/// A parsed tree (with its nesting) when it is worth keeping ([`kept`]), and its kind.
fn kept_with_kind(
    parsed: Option<(ast::Statement, usize)>,
) -> (TreeKind, Option<(ast::Statement, usize)>) {
    let tree = parsed.and_then(|(a, depth)| Some((kept(a)?, depth)));
    let kind = tree
        .as_ref()
        .map_or(TreeKind::None, |(a, _)| TreeKind::of(a));
    (kind, tree)
}

/// Files up to this size keep their statements' trees as bytes after parsing; a larger one keeps
/// only their effects, and a statement is parsed again when a rule asks for its tree
/// ([`Statement::tree`]). Bytes take one to two times a statement's text, and the findings of a
/// file where every statement has some take far more: past a megabyte, memory stays what the
/// text and the findings need (docs/limits.md). Real migration files are smaller (the corpus's
/// largest is 310 KB), and keep their trees.
pub const KEEP_TREES_UP_TO: usize = 1 << 20;

/// Statements whose expressions nest deeper than this ([`nesting`]) keep no bytes and are parsed
/// again when asked for: writing and reading a tree recurses once per level, on whatever thread
/// parses (an editor's or a test's, with a small stack), while parsing again happens on the
/// check threads' deep stacks. Real statements nest a few levels.
const KEEP_NESTING_UP_TO: usize = 100;

/// A kept tree ([`kept`]) as a statement holds it ([`Statement::stored_tree`]), when it nests at
/// most [`KEEP_NESTING_UP_TO`] levels. A tree that cannot be written is
/// not held: [`Statement::tree`] parses it again.
fn stored(a: &ast::Statement, depth: usize) -> Option<StoredTree> {
    if depth > KEEP_NESTING_UP_TO {
        return None;
    }
    postcard::to_stdvec(a)
        .ok()
        .map(|bytes| Box::new(bytes.into_boxed_slice()))
}

/// What marks a `CREATE FUNCTION` body left out of the stored tree ([`leave_body_in_text`]):
/// the first character of its dollar quote's tag, one no SQL text holds (PostgreSQL refuses a
/// NUL byte in a statement). Then where the body is in the statement's text (`start,end,`), and
/// `N` for no tag or `S` and the tag.
const BODY_IN_TEXT: char = '\0';

/// The dollar-quoted body of a `CREATE FUNCTION` tree (`AS $$ ... $$`), if it has one.
fn dollar_body(a: &mut ast::Statement) -> Option<&mut ast::DollarQuotedString> {
    let ast::Statement::CreateFunction(f) = a else {
        return None;
    };
    match f.function_body.as_mut()? {
        ast::CreateFunctionBody::AsBeforeOptions { body, .. }
        | ast::CreateFunctionBody::AsAfterOptions(body) => match body {
            ast::Expr::Value(ast::ValueWithSpan {
                value: ast::Value::DollarQuotedString(d),
                ..
            }) => Some(d),
            _ => None,
        },
        _ => None,
    }
}

/// Leaves a function's body out of the bytes its tree is stored as, when `sql` (the statement's
/// own text in its file) holds it exactly where its first dollar quote opens
/// ([`function_body_start`]): [`take_body_from_text`] puts it back when the tree is read. A
/// body is most of a function's tree, and it was held twice, in the text and in the bytes
/// (issue 33: 1.3 of the 2.4 MB of trees of the corpus's largest set).
fn leave_body_in_text(a: &mut ast::Statement, sql: &str) {
    let Some(d) = dollar_body(a) else {
        return;
    };
    // Its text holds the body where the first dollar quote opens (compared, not searched for).
    let Some(at) = function_body_start(sql)
        .map(|(start, _)| start..start + d.value.len())
        .filter(|r| sql.get(r.clone()) == Some(d.value.as_str()))
    else {
        return;
    };
    d.value = String::new();
    d.tag = Some(match d.tag.take() {
        None => format!("{BODY_IN_TEXT}{},{},N", at.start, at.end),
        Some(t) => format!("{BODY_IN_TEXT}{},{},S{t}", at.start, at.end),
    });
}

/// Puts back the body [`leave_body_in_text`] left out of a tree read from its bytes; `sql` is
/// the statement's text, as it was when the tree was stored (the parse cache's key holds it).
fn take_body_from_text(a: &mut ast::Statement, sql: &str) {
    let Some(d) = dollar_body(a) else {
        return;
    };
    let Some(mark) = d.tag.as_deref().and_then(|t| t.strip_prefix(BODY_IN_TEXT)) else {
        return;
    };
    let mut parts = mark.splitn(3, ',');
    let mut at = || parts.next().and_then(|n| n.parse::<usize>().ok());
    let body = at().zip(at()).and_then(|(start, end)| sql.get(start..end));
    let tag = parts.next().unwrap_or("N");
    d.value = body.unwrap_or_default().to_string();
    d.tag = tag.strip_prefix('S').map(str::to_string);
    // Read back with the tree, as when it was in the bytes: counted with them.
    crate::work::add_tree_bytes(d.value.len());
}

/// A parsed file: statements in order, plus the comments (for directives).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ParsedFile {
    pub statements: Vec<Statement>,
    pub comments: Vec<Comment>,
}

/// Splits and parses a whole file.
pub fn parse_file(text: &str) -> ParsedFile {
    parse_file_with(text, &[])
}

/// Like [`parse_file`], with spans the migration tool sends as one statement each (see
/// [`crate::tool::Tool::whole_statements`]).
pub fn parse_file_with(text: &str, whole: &[Range<usize>]) -> ParsedFile {
    parse_file_for(text, whole, Client::Server)
}

/// Like [`parse_file_with`], split as `client` splits the file (psql for plain SQL files, see
/// [`crate::tool::Tool::client`]). Rollback sections are the tool's to mark
/// ([`crate::tool::Tool::rollback_spans`]): no comment marks one here.
pub fn parse_file_for(text: &str, whole: &[Range<usize>], client: Client) -> ParsedFile {
    let Split {
        statements,
        comments,
        problems,
    } = split_for(text, whole, client);
    let mut out = Vec::with_capacity(statements.len());
    let mut problems = problems.into_iter().peekable();
    for raw in statements {
        // Problems come in file order; those before this statement's end belong to it or (a
        // block comment between statements cannot be unterminated: it runs to the end) none.
        let mut problem = None;
        while let Some(p) = problems.next_if(|p| p.offset < raw.span.end) {
            if raw.span.contains(&p.offset) && problem.is_none() {
                problem = Some(p.message);
            }
        }
        parse_statement(text, raw.span, problem, false, &mut out);
    }
    run_called_functions(text, &mut out);
    // What the splitter could not close after the last statement (an open `/*`) hides the
    // rest of the file: PostgreSQL rejects it, and migcheck must not pass it silently.
    for p in problems {
        let end = text.trim_end().len().max(p.offset);
        out.push(Statement {
            span: p.offset..end,
            ast: None,
            unparsed: Unparsed::new(
                Some(format!(
                    "{}: it hides everything after it, and PostgreSQL rejects the file",
                    p.message
                )),
                None,
            ),
            effects: Box::default(),
            in_do_block: false,
            rollback: false,
            head: Box::default(),
            stored_tree: None,
            kind: TreeKind::None,
        });
    }
    ParsedFile {
        statements: out,
        comments,
    }
}

fn parse_statement(
    text: &str,
    span: Range<usize>,
    split_problem: Option<String>,
    in_do_block: bool,
    out: &mut Vec<Statement>,
) {
    let sql = &text[span.clone()];
    let head: Box<str> = head_words(sql).into();
    if !in_do_block && (&*head == "DO" || head.starts_with("DO ")) && split_problem.is_none() {
        if let Some(body) = do_body(sql) {
            out.push(Statement {
                span: span.clone(),
                ast: None,
                unparsed: None,
                effects: Box::default(),
                in_do_block: false,
                rollback: false,
                head,
                stored_tree: None,
                kind: TreeKind::None,
            });
            let base = span.start + body.start;
            for (inner, dynamic) in split_plpgsql(&sql[body]) {
                let inner = base + inner.start..base + inner.end;
                match dynamic {
                    None => parse_statement(text, inner, None, true, out),
                    Some(sql) => parse_dynamic(&sql, inner, out),
                }
            }
            return;
        }
    }
    let split_ok = split_problem.is_none();
    // A large INSERT (a seed's rows) is not given to the parser: no rule reads an INSERT's tree
    // (`Statement::tree`) and it changes no schema, while the tree of one 12 MB multi-row INSERT
    // took 1.2 GB. Rules know it by its first word; its syntax is left to PostgreSQL.
    if split_ok && sql.len() > PARSE_INSERT_UP_TO && head.starts_with("INSERT") {
        out.push(Statement {
            span,
            ast: None,
            unparsed: None,
            effects: Box::default(),
            in_do_block,
            rollback: false,
            head,
            stored_tree: None,
            kind: TreeKind::None,
        });
        return;
    }
    // A statement of more tokens than the parser is given (not one in the corpus has a tenth of
    // them) is read by the token-level fallback, as far as the limit: its tree would take about a
    // kilobyte a token (one ALTER TABLE of 80,000 DROP COLUMNs, 1.6 MB, took 304 MiB).
    // (A token takes at least a byte: shorter statements are not counted.)
    if split_ok && sql.len() > PARSE_TOKENS_UP_TO && !head.starts_with("INSERT") {
        let (tokens, end) = crate::split::count_tokens(sql, PARSE_TOKENS_UP_TO);
        if tokens > PARSE_TOKENS_UP_TO {
            out.push(Statement {
                span,
                ast: None,
                unparsed: Unparsed::new(
                    Some(format!(
                        "too long: it has more than {PARSE_TOKENS_UP_TO} tokens, the most migcheck parses in one statement; what it changes was read from its first {PARSE_TOKENS_UP_TO} ({end} bytes)"
                    )),
                    None,
                ),
                // The fallback reads as far as the limit (`fallback::tokens`).
                effects: crate::fallback::effects(sql).into_boxed_slice(),
                in_do_block,
                rollback: false,
                head,
                stored_tree: None,
                kind: TreeKind::None,
            });
            return;
        }
    }
    // Go template actions (`{{ .Schema }}`) are read as names.
    let filled = crate::dynamic::fill_templates(sql);
    let sql = filled.as_deref().unwrap_or(sql);
    let (ast, unparsed) = match split_problem {
        Some(p) => (None, Some(p)),
        None => match parse_nesting(sql) {
            Ok(ast) => (Some(ast), None),
            Err(e) => (None, Some(e)),
        },
    };
    let recognised = match (&ast, &unparsed) {
        (None, Some(_)) if split_ok => crate::recognise::read(sql),
        _ => None,
    };
    let effects = match &ast {
        Some((a, _)) => crate::extract::effects(a),
        None => {
            let mut e = crate::fallback::effects(sql);
            if let Some(r) = &recognised {
                e.extend(crate::recognise::extra_effects(sql, r));
            }
            e
        }
    };
    let (kind, tree) = kept_with_kind(ast);
    let span_of_text = span.clone();
    // Kept for the whole run as a boxed slice: exactly its effects (a vector grown by pushes
    // holds room for 4, 0.5 KB), and 8 bytes less for each statement.
    // The tree is kept as bytes (in a file up to `KEEP_TREES_UP_TO`): far less memory than the
    // tree itself, and reading them back costs less than parsing again.
    out.push(Statement {
        span,
        ast: None,
        unparsed: Unparsed::new(unparsed, recognised),
        effects: effects.into_boxed_slice(),
        in_do_block,
        rollback: false,
        head,
        kind,
        stored_tree: tree
            .filter(|_| text.len() <= KEEP_TREES_UP_TO)
            .and_then(|(mut a, depth)| {
                leave_body_in_text(&mut a, &text[span_of_text.clone()]);
                stored(&a, depth)
            }),
    });
}

/// A plpgsql function the migration creates and then calls itself (`select f();`, `call f()`)
/// runs during the migration, like a `DO` block: the statements of its body (and the SQL it runs
/// with `EXECUTE` of a constant) are analysed as if they stood right after the first call, with
/// their spans in the body. Functions the migration only creates are never looked into.
fn run_called_functions(text: &str, out: &mut Vec<Statement>) {
    if !out.iter().any(|s| maybe_function(text, s)) {
        return;
    }
    let orig = std::mem::take(out);
    // Function name → starts of the top-level SELECT / CALL statements that call it (each
    // statement tokenized once, not once per function).
    let calls_by_name = calls_by_name_of(text, &orig);
    // Starts of the top-level statements, in file order (bodies go between them, never move them).
    let tops: Vec<usize> = orig
        .iter()
        .filter(|s| !s.in_do_block)
        .map(|s| s.span.start)
        .collect();
    let mut walk = Walk {
        text,
        calls_by_name,
        tops,
        after: Default::default(),
        last_top: None,
        out: Vec::with_capacity(orig.len()),
    };
    for s in orig {
        let top = (!s.in_do_block).then_some(s.span.start);
        walk.visit(s);
        // The bodies of the functions this statement calls follow it, the body found last
        // first (each was put right after the call when found). Their statements may create
        // and call functions in turn: those bodies go after later calls.
        if let Some(groups) = top.and_then(|t| walk.after.remove(&t)) {
            for group in groups.into_iter().rev() {
                for st in group {
                    walk.visit(st);
                }
            }
        }
    }
    *out = walk.out;
}

/// True when a statement can be a `CREATE FUNCTION` (a tree is read back from its bytes only
/// when a statement's first 80 characters say so).
fn maybe_function(text: &str, s: &Statement) -> bool {
    let stmt_text = &text[s.span.clone()];
    s.head.starts_with("CREATE")
        && stmt_text
            .char_indices()
            .nth(80)
            .map_or(stmt_text, |(end, _)| &stmt_text[..end])
            .to_ascii_uppercase()
            .contains("FUNCTION")
}

/// [`run_called_functions`] as it goes through a file's statements in their final order.
struct Walk<'t> {
    text: &'t str,
    calls_by_name: std::collections::HashMap<String, Vec<usize>>,
    tops: Vec<usize>,
    /// The statements of called functions' bodies, by the start of the call they follow, in
    /// the order they were found.
    after: std::collections::HashMap<usize, Vec<Vec<Statement>>>,
    /// The start of the last top-level statement passed.
    last_top: Option<usize>,
    out: Vec<Statement>,
}

impl Walk<'_> {
    /// Passes one statement; when it creates a plpgsql function that a later top-level statement
    /// calls, parses the body to go after that call.
    fn visit(&mut self, s: Statement) {
        let text = self.text;
        if !s.in_do_block {
            self.last_top = Some(s.span.start);
        }
        let name = match maybe_function(text, &s)
            .then(|| s.tree(text))
            .flatten()
            .as_deref()
        {
            Some(ast::Statement::CreateFunction(f))
                if f.language
                    .as_ref()
                    .is_some_and(|l| l.value.eq_ignore_ascii_case("plpgsql")) =>
            {
                Some(crate::extract::qual(&f.name).name)
            }
            _ => None,
        };
        let span = s.span.clone();
        self.out.push(s);
        let Some(name) = name else {
            return;
        };
        // The first top-level statement after this one, then the first call at or after it.
        let next = match self.last_top {
            Some(t) => self.tops.partition_point(|&x| x <= t),
            None => 0,
        };
        let call = self
            .tops
            .get(next)
            .zip(self.calls_by_name.get(&name))
            .and_then(|(&from, starts)| starts.get(starts.partition_point(|&s| s < from)).copied());
        let sql = &text[span.clone()];
        let (Some(call), Some(body)) = (call, function_body(sql)) else {
            return;
        };
        let mut inner = Vec::new();
        let base = span.start + body.start;
        for (r, dynamic) in split_plpgsql(&sql[body]) {
            let r = base + r.start..base + r.end;
            match dynamic {
                None => parse_statement(text, r, None, true, &mut inner),
                Some(sql) => parse_dynamic(&sql, r, &mut inner),
            }
        }
        self.after.entry(call).or_default().push(inner);
    }
}

/// The functions each top-level `SELECT` or `CALL` calls (`name(` as a word, outside strings):
/// name → starts of the statements that call it, in file order.
fn calls_by_name_of(
    text: &str,
    out: &[Statement],
) -> std::collections::HashMap<String, Vec<usize>> {
    use crate::fallback::Tok;
    let mut map: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for s in out {
        if s.in_do_block || !(s.head.starts_with("SELECT") || s.head.starts_with("CALL")) {
            continue;
        }
        let toks = crate::fallback::tokens(&text[s.span.clone()]);
        for w in toks.windows(2) {
            if let (Tok::Word(_, n) | Tok::Quoted(n), Tok::LParen) = (&w[0], &w[1]) {
                let starts = map.entry(n.clone()).or_default();
                if starts.last() != Some(&s.span.start) {
                    starts.push(s.span.start);
                }
            }
        }
    }
    map
}

/// A statement a `DO` block runs with `EXECUTE` of a constant: parsed from the constant's text,
/// reported at the `EXECUTE` (its span in the file).
fn parse_dynamic(sql: &str, span: Range<usize>, out: &mut Vec<Statement>) {
    // Go template actions in the constant (`execute 'drop index {{ .Schema }}.i'`) were
    // rendered into it before the file ran: read as names, as in plain statements.
    let filled = crate::dynamic::fill_templates(sql);
    let sql = filled.as_deref().unwrap_or(sql);
    let (ast, unparsed) = match parse_nesting(sql) {
        Ok(ast) => (Some(ast), None),
        Err(e) => (None, Some(e)),
    };
    let effects = match &ast {
        Some((a, _)) => crate::extract::effects(a),
        None => crate::fallback::effects(sql),
    };
    let recognised = match (&ast, &unparsed) {
        (None, Some(_)) => crate::recognise::read(sql),
        _ => None,
    };
    // Its text is the constant, not the file at its span: a tree that is not kept as bytes
    // (too deep to write them) is kept as it is, since it could not be parsed again.
    let (kind, tree) = kept_with_kind(ast);
    let (ast, stored_tree) = match tree {
        Some((a, depth)) if depth > KEEP_NESTING_UP_TO => (Some(Box::new(a)), None),
        tree => (None, tree.and_then(|(a, depth)| stored(&a, depth))),
    };
    out.push(Statement {
        span,
        ast,
        unparsed: Unparsed::new(unparsed, recognised),
        effects: effects.into_boxed_slice(),
        in_do_block: true,
        rollback: false,
        head: head_words(sql).into(),
        stored_tree,
        kind,
    });
}

/// How deep an expression may nest (operators in a chain plus parentheses around them) before
/// migcheck declines to build its tree. sqlparser builds `1+1+...+1` and `... UNION ...` chains in
/// a loop, so its recursion limit does not bound them, but every walk over the tree afterwards
/// (rules, effects, printing, dropping it) recurses once per level: 150,000 terms overflowed the
/// main thread's stack, 40,000 a worker's. A statement deeper than this is reported as
/// `unparsed-statement` ("too deep") and goes through the token-level fallback.
pub const MAX_NESTING: usize = 1000;

/// Parses one statement and checks that nothing is left over.
pub fn parse_one(sql: &str) -> Result<ast::Statement, String> {
    parse_nesting(sql).map(|(a, _)| a)
}

/// [`parse_one`], with how deep its expressions nest ([`nesting`]).
fn parse_nesting(sql: &str) -> Result<(ast::Statement, usize), String> {
    crate::work::add(sql.len());
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| clean_error(e.to_string()))?;
    let depth = nesting(&tokens);
    if depth > MAX_NESTING {
        return Err(format!(
            "too deep: its expressions nest at least {depth} levels, and migcheck reads at most {MAX_NESTING}"
        ));
    }
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(tokens);
    let stmt = parser
        .parse_statement()
        .map_err(|e| clean_error(e.to_string()))?;
    loop {
        let next = parser.next_token();
        match next.token {
            Token::SemiColon => continue,
            Token::EOF => return Ok((stmt, depth)),
            other => {
                return Err(format!(
                    "the parser stopped before `{other}` at line {} column {} of the statement",
                    next.span.start.line, next.span.start.column
                ))
            }
        }
    }
}

/// An upper bound of how deep the expression trees of a statement nest, from its tokens: in
/// each comma-separated element, the operators of its chain plus the depth of the deepest
/// parenthesised group inside it.
fn nesting(tokens: &[TokenWithSpan]) -> usize {
    const OPERATOR_WORDS: &[&str] = &[
        "AND",
        "OR",
        "NOT",
        "IS",
        "LIKE",
        "ILIKE",
        "SIMILAR",
        "BETWEEN",
        "IN",
        "UNION",
        "EXCEPT",
        "INTERSECT",
        "AT",
        "COLLATE",
        "OVERLAPS",
    ];
    // The branches of a CASE are a list, like the elements between commas.
    const SEPARATOR_WORDS: &[&str] = &["WHEN", "THEN", "ELSE"];
    // Per open group: (chain of the current element, deepest element so far).
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    let mut deepest = 0;
    for t in tokens {
        let top = stack.len() - 1;
        match &t.token {
            Token::LParen | Token::LBracket => stack.push((0, 0)),
            Token::RParen | Token::RBracket => {
                if stack.len() > 1 {
                    let (c, m) = stack.pop().unwrap_or_default();
                    let top = stack.len() - 1;
                    stack[top].0 += c.max(m) + 1;
                }
            }
            Token::Comma | Token::SemiColon => {
                stack[top].1 = stack[top].1.max(stack[top].0);
                stack[top].0 = 0;
            }
            Token::Word(w) if w.quote_style.is_none() => {
                let is = |words: &[&str]| words.iter().any(|k| w.value.eq_ignore_ascii_case(k));
                if is(OPERATOR_WORDS) {
                    stack[top].0 += 1;
                } else if is(SEPARATOR_WORDS) {
                    stack[top].1 = stack[top].1.max(stack[top].0);
                    stack[top].0 = 0;
                }
            }
            Token::Word(_) => {}
            Token::Whitespace(_)
            | Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::Placeholder(_)
            | Token::Period
            | Token::EOF => {}
            _ => stack[top].0 += 1,
        }
        let top = stack.len() - 1;
        deepest = deepest.max(stack[top].0);
    }
    deepest
}

fn clean_error(e: String) -> String {
    e.strip_prefix("sql parser error: ")
        .map(str::to_string)
        .unwrap_or(e)
}

/// Up to three leading keywords, upper-cased.
pub fn head_words(sql: &str) -> String {
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_ascii_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The range of the dollar-quoted body of `DO [LANGUAGE lang] $tag$ body $tag$ [LANGUAGE lang]`
/// inside the statement text, read token by token (PostgreSQL's `DoStmt` takes the body and an
/// optional `LANGUAGE` clause in either order): a word `language` inside the body or a comment
/// is not the clause. Only plpgsql bodies (the default) are analysed.
fn do_body(sql: &str) -> Option<Range<usize>> {
    let b = sql.as_bytes();
    if !sql.get(..2)?.eq_ignore_ascii_case("do") {
        return None;
    }
    let mut i = 2;
    let mut lang: Option<String> = None;
    let mut body = None;
    loop {
        i = skip_trivia(b, i);
        match b.get(i) {
            None | Some(b';') => break,
            Some(b'$') if body.is_none() => {
                let tag_end = i + 1 + sql[i + 1..].find('$')?;
                let tag = &sql[i..=tag_end];
                if !tag[1..tag.len() - 1]
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
                {
                    return None;
                }
                let close = tag_end + 1 + sql[tag_end + 1..].find(tag)?;
                body = Some(tag_end + 1..close);
                i = close + tag.len();
            }
            Some(_) if lang.is_none() && is_keyword_at(sql, i, "language") => {
                i = skip_trivia(b, i + "language".len());
                let rest = &sql[i..];
                let (name, len) = if let Some(q) = rest.strip_prefix('\'') {
                    let n = q.find('\'')?;
                    (q[..n].to_string(), n + 2)
                } else if let Some(q) = rest.strip_prefix('"') {
                    let n = q.find('"')?;
                    (q[..n].to_string(), n + 2)
                } else {
                    let n = rest
                        .bytes()
                        .take_while(|&c| is_word(c) || c >= 0x80)
                        .count();
                    (rest[..n].to_ascii_lowercase(), n)
                };
                if len == 0 {
                    return None;
                }
                lang = Some(name);
                i += len;
            }
            // A string-constant body (`DO 'begin ... end'`) or anything else: not analysed.
            Some(_) => return None,
        }
    }
    match lang.as_deref() {
        None | Some("plpgsql") => body,
        Some(_) => None,
    }
}

/// The range of the first dollar-quoted string of a `CREATE FUNCTION` statement: its body
/// (parameters and return types hold no dollar quotes; a `$1` is not a tag).
fn function_body(sql: &str) -> Option<Range<usize>> {
    let (start, tag) = function_body_start(sql)?;
    let close = start + sql[start..].find(tag)?;
    Some(start..close)
}

/// Where the first dollar-quoted string of a statement starts (after its opening tag), and
/// the tag (`$$`, `$fn$`), without looking for its end.
fn function_body_start(sql: &str) -> Option<(usize, &str)> {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => i += 1 + sql[i + 1..].find('\'')? + 1,
            b'"' => i += 1 + sql[i + 1..].find('"')? + 1,
            b'$' => {
                let tag_len = sql[i + 1..]
                    .bytes()
                    .take_while(|&c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
                    .count();
                if b.get(i + 1 + tag_len) == Some(&b'$')
                    && !sql[i + 1..].starts_with(|c: char| c.is_ascii_digit())
                {
                    let tag = &sql[i..i + tag_len + 2];
                    return Some((i + tag.len(), tag));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether the keyword `word` (case-insensitive) starts at `i` as a whole word.
fn is_keyword_at(sql: &str, i: usize, word: &str) -> bool {
    sql.get(i..i + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && !sql
            .as_bytes()
            .get(i + word.len())
            .is_some_and(|&c| is_word(c) || c >= 0x80)
}

/// Skips whitespace, `--` comments and (nested) `/* */` comments from `i`.
fn skip_trivia(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"--") {
            // scan.l `newline [\n\r]`: a lone CR ends the comment too.
            while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0usize;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            return i;
        }
    }
}

/// plpgsql control words that can stand before an SQL statement inside a block.
const CONTROL: &[&str] = &[
    "BEGIN",
    "THEN",
    "ELSE",
    "LOOP",
    "DECLARE",
    "END",
    "IF",
    "ELSIF",
    "EXCEPTION",
    "WHEN",
];

/// Splits a plpgsql body into the SQL statements it runs, skipping control structure
/// (`IF ... THEN`, `BEGIN`, `END IF`, `EXCEPTION WHEN ... THEN`) and plpgsql-only statements
/// (`RAISE`, `PERFORM`, assignments, `EXECUTE` of strings built from variables). `EXECUTE` of a
/// constant (or `format` of one) comes with the SQL it runs.
fn split_plpgsql(body: &str) -> Vec<(Range<usize>, Option<String>)> {
    let mut out = Vec::new();
    for raw in split(body).statements {
        let text = &body[raw.span.clone()];
        if let Some(start) = sql_start(text) {
            out.push((raw.span.start + start..raw.span.end, None));
        } else if let Some(sql) = crate::dynamic::executed_sql(text) {
            // Reported at the `EXECUTE` word, after any control words before it.
            let at = text.to_ascii_lowercase().find("execute").unwrap_or(0);
            out.push((raw.span.start + at..raw.span.end, Some(sql)));
        }
    }
    out
}

/// Where the SQL statement inside one plpgsql chunk starts, if it has one.
fn sql_start(chunk: &str) -> Option<usize> {
    const SQL: &[&str] = &[
        "CREATE", "ALTER", "DROP", "TRUNCATE", "DELETE", "INSERT", "UPDATE", "GRANT", "REVOKE",
        "COMMENT",
    ];
    let mut i = 0;
    let b = chunk.as_bytes();
    let mut depth = 0i32;
    // The previous significant token, upper-cased (comments skipped); `None` at the start.
    let mut prev: Option<String> = None;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // Skip string constants (dynamic SQL is not analysed).
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            prev = Some("'".into());
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            // A comment between control words and the statement (`THEN -- why\n DROP ...`)
            // must neither hide the statement nor supply words of its own.
            while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                i += 1;
            }
            continue;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i += 2;
            continue;
        } else if c.is_ascii_alphabetic() && (i == 0 || !is_word(b[i - 1])) {
            let s = i;
            while i < b.len() && is_word(b[i]) {
                i += 1;
            }
            let w = chunk[s..i].to_ascii_uppercase();
            // `... THEN DROP ...`: accept only at the start or after control words.
            if depth == 0
                && SQL.contains(&w.as_str())
                && prev
                    .as_deref()
                    .is_none_or(|p| p == ";" || CONTROL.contains(&p))
            {
                return Some(s);
            }
            prev = Some(w);
            continue;
        } else if !c.is_ascii_whitespace() {
            if c == b'(' {
                depth += 1;
            } else if c == b')' {
                depth -= 1;
            }
            prev = Some((c as char).to_string());
        }
        i += 1;
    }
    None
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_index_concurrently_is_not_silently_misread() {
        let err = parse_one("DROP INDEX CONCURRENTLY i").unwrap_err();
        assert!(err.contains("`i`"), "{err}");
    }

    #[test]
    fn do_blocks_are_analysed_inside() {
        let sql = "do $$\nbegin\n  if exists (select 1) then\n    alter table t drop column c;\n  end if;\nend\n$$;";
        let f = parse_file(sql);
        let inner: Vec<_> = f.statements.iter().filter(|s| s.in_do_block).collect();
        assert_eq!(inner.len(), 1, "{:?}", f.statements);
        assert_eq!(&sql[inner[0].span.clone()], "alter table t drop column c;");
        assert!(matches!(inner[0].effects[0], Effect::DropColumn { .. }));
    }

    /// Issue 28 item 13: valid statements real migrations use that sqlparser 0.64 rejects are
    /// read by `recognise.rs` (none is left for `unparsed-statement`), with what they change.
    #[test]
    fn every_valid_statement_of_issue_28_is_read() {
        let sql = "CREATE USER svc_admin NOINHERIT CREATEROLE LOGIN;\n\
            SET CONSTRAINTS \"orders_customer_id_fk\" IMMEDIATE;\n\
            CREATE INDEX orders_placed_idx ON ONLY public.orders (placed_at);\n\
            ALTER TABLE public.orders ALTER COLUMN note SET STATISTICS 1000;\n\
            ALTER TABLE public.orders ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME public.orders_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1);\n\
            REVOKE USAGE ON TYPE public.order_state FROM anon;\n\
            DO $$ BEGIN EXECUTE format('ALTER TABLE %1$I RENAME COLUMN %2$I TO %3$I', 'orders', 'note', 'remark'); END $$;\n";
        let f = parse_file(sql);
        for s in &f.statements {
            if let Some(u) = &s.unparsed {
                assert!(
                    matches!(u.recognised, Some(crate::recognise::Reading::Valid(_))),
                    "{}: {:?}",
                    &sql[s.span.clone()],
                    u
                );
            }
        }
        let effects: Vec<&Effect> = f.statements.iter().flat_map(|s| s.effects.iter()).collect();
        assert!(
            effects.iter().any(|e| matches!(e, Effect::CreateObject { kind: crate::effect::ObjectKind::Index, name, .. } if name.name == "orders_placed_idx")),
            "{effects:?}"
        );
        assert!(
            effects.iter().any(|e| matches!(e, Effect::RenameColumn { from, to, .. } if from == "note" && to == "remark")),
            "{effects:?}"
        );
    }

    #[test]
    fn comments_inside_do_blocks_do_not_hide_statements() {
        let sql = "do $$\nbegin\n  if true then\n    -- see ticket: drop-table\n    drop table t;\n  end if;\nend\n$$;";
        let f = parse_file(sql);
        let inner: Vec<_> = f.statements.iter().filter(|s| s.in_do_block).collect();
        assert_eq!(inner.len(), 1, "{:?}", f.statements);
        assert_eq!(&sql[inner[0].span.clone()], "drop table t;");
    }

    #[test]
    fn function_bodies_are_not_analysed() {
        let sql =
            "create function f() returns void language plpgsql as $$ begin drop table t; end $$;";
        let f = parse_file(sql);
        assert_eq!(f.statements.len(), 1);
        assert!(!f.statements[0]
            .effects
            .iter()
            .any(|e| matches!(e, Effect::DropTable { .. })));
    }

    #[test]
    fn functions_the_migration_calls_are_analysed() {
        let sql = "create function tmp_fix() returns void language plpgsql as $$\nbegin\n  execute 'drop table old_t';\n  alter table t drop column c;\nend\n$$;\nselect tmp_fix();\ndrop function tmp_fix();\n";
        let f = parse_file(sql);
        let heads: Vec<_> = f.statements.iter().map(|s| s.head.as_ref()).collect();
        assert_eq!(
            heads,
            [
                "CREATE FUNCTION TMP_FIX",
                "SELECT TMP_FIX",
                "DROP TABLE OLD_T",
                "ALTER TABLE T",
                "DROP FUNCTION TMP_FIX"
            ],
            "{:?}",
            f.statements
        );
        assert!(matches!(
            f.statements[2].effects[0],
            Effect::DropTable { .. }
        ));
        assert_eq!(
            &sql[f.statements[3].span.clone()],
            "alter table t drop column c;"
        );
    }

    /// Issue 31 item 1: a comment that merely starts `migrate:down` (`/* migrate:down */`,
    /// `-- migrate:downgrade ...`) used to make every later statement a rollback in every
    /// tool. Rollback sections are the tool's to mark (`Tool::rollback_spans`); parsing marks
    /// none.
    #[test]
    fn no_comment_marks_a_rollback_when_parsing() {
        for sql in [
            "/* migrate:down */\ndrop table t;\n",
            "-- migrate:downgrade is manual\ndrop table t;\n",
            "-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n",
        ] {
            let f = parse_file(sql);
            assert!(f.statements.iter().all(|s| !s.rollback), "{sql}");
        }
    }

    #[test]
    fn long_chains_are_too_deep_but_lists_are_not() {
        let chain = |term: &str, sep: &str, n: usize| vec![term; n].join(sep);
        let err = parse_one(&format!("select {}", chain("1", "+", 5_000))).unwrap_err();
        assert!(err.starts_with("too deep"), "{err}");
        let err = parse_one(&format!("select x{}", "::int".repeat(5_000))).unwrap_err();
        assert!(err.starts_with("too deep"), "{err}");
        // Long lists nest nothing: VALUES rows, IN lists, CASE branches, columns.
        let rows = chain("(1, -2, 'a' || 'b')", ", ", 5_000);
        parse_one(&format!("insert into t values {rows}")).unwrap();
        parse_one(&format!("select 1 where a in ({})", chain("1", ",", 5_000))).unwrap();
        let branches = chain("when a = 1 then 'x'", " ", 5_000);
        parse_one(&format!("select case {branches} end")).unwrap();
    }

    /// A statement nesting deeper than `KEEP_NESTING_UP_TO` keeps no bytes and still gives its
    /// tree: parsed again from the file, or, for an `EXECUTE` constant of a `DO` block (whose
    /// text is not the file's at its span), kept as a tree.
    #[test]
    fn a_deep_statement_still_gives_its_tree() {
        let chain = |term: &str, sep: &str, n: usize| vec![term; n].join(sep);
        let cond = chain("a = 1", " or ", 150);
        let plain = format!("create index i on t (a) where {cond};");
        let dynamic =
            format!("do $$ begin execute 'create index j on t (a) where {cond}'; end $$;");
        for sql in [plain, dynamic] {
            let f = parse_file(&sql);
            let s = f
                .statements
                .iter()
                .find(|s| s.head.starts_with("CREATE INDEX"))
                .unwrap_or_else(|| panic!("{sql}: {:?}", f.statements));
            assert!(s.stored_tree.is_none(), "{sql}");
            assert!(
                matches!(
                    s.tree(&sql).as_deref(),
                    Some(ast::Statement::CreateIndex(_))
                ),
                "{sql}: {:?}",
                s.tree(&sql)
            );
        }
    }

    #[test]
    fn do_language_clause_is_read_syntactically() {
        let body = |sql: &str| do_body(sql).map(|r| sql[r].to_string());
        let drop = " begin alter table posts drop column language; end ";
        assert_eq!(body(&format!("do $${drop}$$")).as_deref(), Some(drop));
        assert_eq!(
            body(&format!("do $${drop}$$ language plpgsql")).as_deref(),
            Some(drop)
        );
        assert_eq!(
            body(&format!("DO LANGUAGE 'plpgsql' $x${drop}$x$;")).as_deref(),
            Some(drop)
        );
        assert_eq!(
            body(&format!("do -- language sql\n $${drop}$$")).as_deref(),
            Some(drop)
        );
        assert_eq!(body(&format!("do $${drop}$$ language plperl")), None);
        assert_eq!(body(&format!("do language plv8 $${drop}$$")), None);
    }

    #[test]
    fn unterminated_comment_after_the_last_statement_is_a_statement() {
        let f = parse_file("create table t (id int);\n/* drop table t;\n");
        assert_eq!(f.statements.len(), 2);
        let open = &f.statements[1];
        assert!(open
            .unparsed
            .as_ref()
            .unwrap()
            .reason
            .starts_with("unterminated block comment"));
        assert_eq!(open.span, 25..41);
    }

    /// Every statement of a file is held for the whole run (issue 16: a 10 MB file holds
    /// 250,000 of them); what is rare is boxed, effects and leading words are exact slices.
    /// 72 bytes until the parse cache's stored tree (one pointer) in session 14.
    #[test]
    fn a_statement_takes_80_bytes() {
        assert_eq!(std::mem::size_of::<Statement>(), 80);
    }

    /// A function's body is held once, in the file's text: its stored tree leaves it out and
    /// reading the tree puts it back, tag and all (Go templates are filled in names only, not in
    /// a body). A body the text does not hold where it looks (a dollar quote before it) stays in
    /// the bytes.
    #[test]
    fn a_function_body_is_stored_once_and_read_back_whole() {
        let body = "begin\n  perform 1;\n  raise notice 'x';\nend;".repeat(20);
        let cases = [
            (format!("create function f() returns void language plpgsql as $$ {body} $$;"), true),
            (format!("create or replace function f() returns void as $fn$ {body} $fn$ language plpgsql;"), true),
            (format!("create function f(a text default $d$x$d$) returns void language plpgsql as $$ {body} $$;"), false),
            (format!("create function {{{{ .Schema }}}}.f() returns void language plpgsql as $$ {{{{ .Schema }}}} {body} $$;"), true),
            ("create function f() returns int language sql as $$ $$;".to_string(), true),
        ];
        for (sql, left_out) in cases {
            let f = parse_file(&sql);
            let [s] = &f.statements[..] else {
                panic!("{sql}: {:?}", f.statements)
            };
            let bytes = s.stored_tree.as_ref().expect("stored").len();
            assert_eq!(bytes < body.len(), left_out, "{sql}: {bytes} bytes");
            let filled = crate::dynamic::fill_templates(&sql);
            let parsed = parse_one(filled.as_deref().unwrap_or(&sql)).expect("parses");
            assert_eq!(s.tree(&sql).as_deref(), Some(&parsed), "{sql}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let sql = format!("select {}1{};", "(".repeat(5000), ")".repeat(5000));
        let f = parse_file(&sql);
        assert!(f.statements[0].unparsed.is_some());
    }
}

#[cfg(test)]
mod called_functions {
    use super::parse_file;

    /// The statements of a file as `(text, in a body)`, in the order the rules see them.
    fn order(sql: &str) -> Vec<(String, bool)> {
        parse_file(sql)
            .statements
            .iter()
            .map(|s| (sql[s.span.clone()].trim().to_string(), s.in_do_block))
            .collect()
    }

    /// A called plpgsql function's body stands right after the first call; when one statement
    /// calls two functions, the body found last comes first (each was put right after the call
    /// as it was found); a function created inside a body and called later has its body after
    /// that later call; a function nobody calls is not looked into.
    #[test]
    fn bodies_stand_after_their_calls() {
        let sql = "create function a() returns void language plpgsql as $$ begin drop table ta; end $$;\n\
                   create function b() returns void language plpgsql as $$ begin drop table tb; \
                   create function c() returns void language plpgsql as $x$ begin drop table tc; end $x$; end $$;\n\
                   create function u() returns void language plpgsql as $$ begin drop table tu; end $$;\n\
                   select a(), b();\n\
                   select 1;\n\
                   select c();\n";
        let got = order(sql);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        let at = |t: &str| texts.iter().position(|x| x.starts_with(t)).unwrap();
        let call = at("select a(), b()");
        let follows = |i: usize, t: &str| texts.get(i).is_some_and(|x| x.starts_with(t));
        assert!(follows(call + 1, "drop table tb"), "{texts:#?}");
        assert!(follows(call + 2, "create function c()"), "{texts:#?}");
        assert!(follows(call + 3, "drop table ta"), "{texts:#?}");
        assert!(follows(call + 4, "select 1"), "{texts:#?}");
        assert!(follows(at("select c()") + 1, "drop table tc"), "{texts:#?}");
        assert!(
            !texts.iter().any(|t| t.starts_with("drop table tu")),
            "{texts:#?}"
        );
        assert!(got
            .iter()
            .filter(|(t, _)| t.starts_with("drop table"))
            .all(|(_, body)| *body));
    }
}
