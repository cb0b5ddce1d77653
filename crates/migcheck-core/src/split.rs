//! Splitting a migration file into statements with exact byte spans.
//!
//! The splitter is a small lexer that only knows what can hide a `;`: quoted identifiers, string
//! constants (standard, `E''` with backslash escapes, dollar quotes with tags), line comments and
//! nested block comments, and `BEGIN ATOMIC ... END` function bodies. It never fails: an
//! unterminated construct runs to the end of the file and is reported as a [`SplitProblem`], so
//! the statement that contains it still reaches the parser (which then reports it unreadable).
//!
//! Drizzle separates statements with `--> statement-breakpoint` comments; they are treated as
//! separators too, so a Drizzle statement without a trailing `;` still ends there.
//!
//! A migration tool may also name spans it sends as one statement whatever `;` they hold
//! (goose's `-- +goose StatementBegin` / `StatementEnd` blocks): [`split_with`] keeps each such
//! span whole, and the lexer never runs past its end.

use std::ops::Range;

use memchr::memchr;

/// One statement: from its first significant character to its terminating `;` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStatement {
    pub span: Range<usize>,
}

/// One comment, `--` or `/* */`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    /// The whole comment, leader included.
    pub span: Range<usize>,
    /// The text after the leader (`--`, `/*`), without the closing `*/` or line ending.
    pub body: Range<usize>,
}

/// Something the splitter could not close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitProblem {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Split {
    pub statements: Vec<RawStatement>,
    pub comments: Vec<Comment>,
    pub problems: Vec<SplitProblem>,
}

const BREAKPOINT: &str = "--> statement-breakpoint";

/// What reads the file and splits it into statements before PostgreSQL sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Client {
    /// PostgreSQL's own scanner (`src/backend/parser/scan.l`), for tools that send a file, a
    /// section or statements cut at `;`.
    #[default]
    Server,
    /// psql (`psql -f`, `src/fe_utils/psqlscan.l` and `src/bin/psql/mainloop.c`): the file
    /// is read line by line; backslash meta-commands end at the end of their line, `COPY ...
    /// FROM stdin` data runs to a line `\.`, `SET standard_conforming_strings = off` makes
    /// `'...'` strings take backslash escapes, a `;` inside parentheses ends nothing, and a
    /// NUL byte drops the rest of its line.
    Psql,
}

/// Splits `text` (a whole file, or a `DO` block body) into statements.
pub fn split(text: &str) -> Split {
    split_for(text, &[], Client::Server)
}

/// Like [`split`], but each span of `whole` (sorted, not overlapping) is sent by the tool as
/// one query whatever `;` it holds: the lexer never runs past its end, a drizzle breakpoint
/// inside it separates nothing, and the statements it holds are cut as PostgreSQL's grammar
/// reads one query string (a `;` inside parentheses, as in a rule's action list, ends
/// nothing), so that every one of them is read.
pub fn split_with(text: &str, whole: &[Range<usize>]) -> Split {
    split_for(text, whole, Client::Server)
}

/// [`split_with`] for the program that reads the file (see [`Client`]).
pub fn split_for(text: &str, whole: &[Range<usize>], client: Client) -> Split {
    let mut out = Split::default();
    let mut lx = Lexer {
        client,
        std_strings: true,
        copy_data: None,
    };
    let mut at = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for w in whole {
        let (start, end) = (w.start.clamp(at, text.len()), w.end.min(text.len()));
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        lx.split_part(&text[..start], at, false, &mut out);
        lx.split_part(&text[..end], start, true, &mut out);
        at = end;
    }
    lx.split_part(text, at, false, &mut out);
    out
}

/// Lexer state that lives across statements (and across goose blocks).
struct Lexer {
    client: Client,
    /// psql's `std_strings`: false after `SET standard_conforming_strings = off`.
    std_strings: bool,
    /// psql: the lines of `COPY ... FROM stdin` data still ahead, as a byte range.
    copy_data: Option<Range<usize>>,
}

/// The statement being read.
#[derive(Default)]
struct Current {
    start: Option<usize>,
    /// Parenthesis depth (psqlscan.l `paren_depth`).
    parens: usize,
    /// Inside `BEGIN ATOMIC`: `;` ends the statement only after the matching `END`.
    atomic_depth: usize,
    /// The first letters of the statement's first words among `create`, `or`, `replace`,
    /// `function`, `procedure` (psqlscan.l `identifiers`), and how many words were read.
    idents: [u8; 4],
    ident_count: usize,
    /// The previous token was the word `begin`.
    after_begin: bool,
}

impl Current {
    /// psqlscan.l `{identifier}`: the statement starts `CREATE [OR REPLACE] FUNCTION` or
    /// `... PROCEDURE`, the only statements whose body may be `BEGIN ATOMIC ... END` (gram.y
    /// `opt_routine_body`).
    fn is_routine(&self) -> bool {
        let i = &self.idents;
        i[0] == b'c'
            && (matches!(i[1], b'f' | b'p')
                || (i[1] == b'o' && i[2] == b'r' && matches!(i[3], b'f' | b'p')))
    }

    fn word(&mut self, word: &str, client: Client) {
        const ROUTINE_WORDS: &[&str] = &["create", "function", "procedure", "or", "replace"];
        if self.ident_count < 4 && ROUTINE_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
            self.idents[self.ident_count] = word.as_bytes()[0].to_ascii_lowercase();
        }
        self.ident_count += 1;
        let is = |w: &str| word.eq_ignore_ascii_case(w);
        if self.is_routine() && self.parens == 0 {
            // The server's grammar has `BEGIN ATOMIC`; psql counts any `begin` of such a
            // statement (psqlscan.l), which can only be that one outside parentheses.
            let opens = match client {
                Client::Server => is("atomic") && self.after_begin,
                Client::Psql => is("begin"),
            };
            if opens || (self.atomic_depth > 0 && (is("case") || is("begin"))) {
                self.atomic_depth += 1;
            } else if self.atomic_depth > 0 && is("end") {
                self.atomic_depth -= 1;
            }
        }
        self.after_begin = is("begin");
    }
}

impl Lexer {
    /// Splits `text[from..]` into `out`; `whole`: it is one query string a tool sends as is.
    fn split_part(&mut self, text: &str, from: usize, whole: bool, out: &mut Split) {
        let b = text.as_bytes();
        let psql = self.client == Client::Psql;
        let mut i = from;
        let mut cur = Current::default();
        // A `;` inside parentheses ends no statement where a grammar reads the whole query
        // string (a tool's block) or psql counts parentheses (psqlscan.l `";"`).
        let paren_aware = whole || psql;

        while i < b.len() {
            if let Some(data) = self.copy_data.clone() {
                if i >= data.start {
                    i = data.end.max(i);
                    self.copy_data = None;
                    continue;
                }
            }
            let c = b[i];
            match c {
                b'-' if b.get(i + 1) == Some(&b'-') => {
                    // scan.l `comment ("--"{non_newline}*)`, `newline [\n\r]`: a lone CR
                    // ends the comment as a LF does.
                    let end = line_end(b, i);
                    out.comments.push(Comment {
                        span: i..end,
                        body: i + 2..end,
                    });
                    if text[i..end].starts_with(BREAKPOINT) && cur.atomic_depth == 0 && !whole {
                        if let Some(s) = cur.start.take() {
                            out.statements.push(RawStatement {
                                span: s..trim_end(b, s, i),
                            });
                        }
                        cur = Current::default();
                    }
                    i = end;
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let open = i;
                    let closed;
                    (i, closed) = skip_block_comment(b, open);
                    let body_end = if closed { i - 2 } else { i };
                    if !closed {
                        out.problems.push(SplitProblem {
                            offset: open,
                            message: "unterminated block comment".into(),
                        });
                    }
                    out.comments.push(Comment {
                        span: open..i,
                        body: open + 2..body_end,
                    });
                    continue;
                }
                // psql reads a file with fgets and appends each line as a C string
                // (`gets_fromFile`, src/bin/psql/input.c): a NUL drops the rest of its line,
                // line end included. Read here as whitespace up to the next line.
                0 if psql => {
                    i = memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n + 1);
                    continue;
                }
                b'\\' if psql => {
                    // psqlscan.l `"\\"[;:]`: `\;` puts a `;` in the query buffer without
                    // sending it; the server then runs both statements.
                    if b.get(i + 1) == Some(&b';') {
                        if let Some(s) = cur.start.take() {
                            out.statements.push(RawStatement {
                                span: s..trim_end(b, s, i),
                            });
                        }
                        cur = Current::default();
                        i += 2;
                        continue;
                    }
                    // psqlscan.l `"\\"`: a meta-command, whose arguments psqlscanslash.l
                    // reads to the end of the line (or to a `\\` separator). It ends the
                    // statement read so far (`\g` sends it; other commands leave it in the
                    // buffer, joined to what follows, which PostgreSQL then rejects).
                    if let Some(s) = cur.start.take() {
                        self.statement_done(text, s..trim_end(b, s, i), out);
                    }
                    cur = Current::default();
                    i = meta_command_end(b, i);
                    continue;
                }
                _ => {}
            }
            if c.is_ascii_whitespace() {
                i += 1;
                continue;
            }
            if cur.start.is_none() {
                if c == b';' {
                    i += 1;
                    continue;
                }
                cur.start = Some(i);
            }
            let mut was_begin = false;
            match c {
                b';' => {
                    if cur.atomic_depth == 0 && !(paren_aware && cur.parens > 0) {
                        let s = cur.start.take().unwrap_or(i);
                        self.statement_done(text, s..i + 1, out);
                        cur = Current::default();
                    }
                    i += 1;
                }
                b'\'' => {
                    let escapes = is_escape_string_prefix(b, i)
                        || (!self.std_strings && !is_bit_string_prefix(b, i));
                    i = skip_string(b, i, escapes, psql, &mut out.problems);
                }
                b'"' => i = skip_quoted(b, i, b'"', false, &mut out.problems, "quoted identifier"),
                b'$' => i = skip_dollar(text, i, &mut out.problems),
                b'(' => {
                    cur.parens += 1;
                    i += 1;
                }
                b')' => {
                    cur.parens = cur.parens.saturating_sub(1);
                    i += 1;
                }
                c if is_ident_start(c) => {
                    let w = i;
                    while i < b.len() && is_ident_char(b[i]) {
                        i += 1;
                    }
                    // `E'...'`, `B'...'`: the prefix is read with the string.
                    if b.get(i) != Some(&b'\'') {
                        cur.word(&text[w..i], self.client);
                        was_begin = cur.after_begin;
                    }
                }
                _ => {
                    i += 1;
                    while i < b.len() && b[i] >= 0x80 && !text.is_char_boundary(i) {
                        i += 1;
                    }
                }
            }
            if !was_begin {
                cur.after_begin = false;
            }
        }
        if let Some(s) = cur.start {
            self.statement_done(text, s..trim_end(b, s, b.len()), out);
        }
    }

    /// Records a statement; for psql, follows what it changes in how the rest is read.
    fn statement_done(&mut self, text: &str, span: Range<usize>, out: &mut Split) {
        if self.client == Client::Psql {
            let words = leading_words(&text[span.clone()], 6);
            let w: Vec<&str> = words.iter().map(String::as_str).collect();
            match w.as_slice() {
                ["reset", "standard_conforming_strings", ..] | ["reset", "all", ..] => {
                    self.std_strings = true
                }
                ["set", rest @ ..] => {
                    let rest = match rest {
                        ["session" | "local", r @ ..] => r,
                        r => r,
                    };
                    if let ["standard_conforming_strings", v, ..] = rest {
                        // `= off`, `to off` (`=` is no word).
                        let v = if *v == "to" {
                            rest.get(2).copied().unwrap_or("")
                        } else {
                            v
                        };
                        match v {
                            "off" | "false" | "no" | "0" => self.std_strings = false,
                            "on" | "true" | "yes" | "1" | "default" => self.std_strings = true,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            if w.first() == Some(&"copy") && is_copy_from_stdin(&text[span.clone()]) {
                // psql's handleCopyIn (src/bin/psql/copy.c) reads the data from the next line
                // of the file up to a line `\.` (or the end of the file).
                let b = text.as_bytes();
                let from = memchr(b'\n', &b[span.end..]).map_or(b.len(), |n| span.end + n + 1);
                self.copy_data = Some(from..copy_data_end(b, from));
            }
        }
        out.statements.push(RawStatement { span });
    }
}

/// Where a `--` comment starting at `i` ends: at the next LF or CR (scan.l `newline [\n\r]`).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |n| i + n)
}

/// The end of a psql meta-command starting at `i` (a `\`): the end of its line, or a `\\`
/// separator after which the line is SQL again (psqlscanslash.l).
fn meta_command_end(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() && b[j] != b'\n' {
        if b[j] == b'\\' && b.get(j + 1) == Some(&b'\\') {
            return j + 2;
        }
        j += 1;
    }
    j
}

/// `COPY ... FROM STDIN` (not `TO STDOUT`, not a file).
fn is_copy_from_stdin(sql: &str) -> bool {
    let w = leading_words(sql, usize::MAX);
    w.windows(2).any(|p| p[0] == "from" && p[1] == "stdin")
}

/// The end of `COPY FROM stdin` data starting at `from`: after the line `\.`, or the end.
fn copy_data_end(b: &[u8], from: usize) -> usize {
    let mut at = from;
    while at < b.len() {
        let next = memchr(b'\n', &b[at..]).map_or(b.len(), |n| at + n + 1);
        let line = &b[at..next];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line == b"\\." {
            return next;
        }
        at = next;
    }
    b.len()
}

/// The first `n` words of a statement, lower-cased, outside comments (quotes kept as words:
/// `'off'` is `off`).
fn leading_words(sql: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() && out.len() < n {
        if b[i..].starts_with(b"--") {
            i = line_end(b, i);
        } else if b[i..].starts_with(b"/*") {
            i = skip_block_comment(b, i).0;
        } else if is_ident_char(b[i]) && b[i] != b'$' {
            let s = i;
            while i < b.len() && is_ident_char(b[i]) {
                i += 1;
            }
            out.push(sql[s..i].to_ascii_lowercase());
        } else {
            i += 1;
        }
    }
    out
}

/// Counts the tokens of one statement the way the parser would see them (a word, a number, a
/// quoted string or identifier, a dollar-quoted body, a punctuation character; comments and
/// whitespace are none), stopping after `limit`. Returns the count (at most `limit + 1`) and the
/// byte offset where the counted tokens end. Cheap: it holds nothing, where the parser's tokens
/// and tree take about a kilobyte a token.
pub fn count_tokens(sql: &str, limit: usize) -> (usize, usize) {
    let b = sql.as_bytes();
    let mut problems = Vec::new();
    let (mut i, mut n) = (0, 0);
    while i < b.len() && n <= limit {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i).0;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'\'' => {
                let escapes = is_escape_string_prefix(b, i);
                i = skip_string(b, i, escapes, false, &mut problems);
            }
            b'"' => i = skip_quoted(b, i, b'"', false, &mut problems, ""),
            b'$' => i = skip_dollar(sql, i, &mut problems),
            c if is_ident_char(c) => {
                while i < b.len() && (is_ident_char(b[i]) || b[i] == b'.' && c.is_ascii_digit()) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        n += 1;
    }
    while i < b.len() && !sql.is_char_boundary(i) {
        i += 1;
    }
    (n, i)
}

/// Skips the (nested) block comment opened at `open`: where it ends, and whether it is closed.
fn skip_block_comment(b: &[u8], open: usize) -> (usize, bool) {
    let mut depth = 1;
    let mut i = open + 2;
    while i < b.len() && depth > 0 {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    (i, depth == 0)
}

fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// `E'...'` (or `e'...'`) where the `E` is a word of its own.
fn is_escape_string_prefix(b: &[u8], quote: usize) -> bool {
    quote >= 1 && matches!(b[quote - 1], b'e' | b'E') && (quote < 2 || !is_ident_char(b[quote - 2]))
}

/// `B'...'` / `X'...'` where the prefix is a word of its own: no backslash escapes, whatever
/// `standard_conforming_strings` says (scan.l `xbinside`, `xhinside`).
fn is_bit_string_prefix(b: &[u8], quote: usize) -> bool {
    quote >= 1
        && matches!(b[quote - 1], b'b' | b'B' | b'x' | b'X')
        && (quote < 2 || !is_ident_char(b[quote - 2]))
}

/// Skips the string constant opened at `open` (`backslash`: `E'...'`, or any string while
/// `standard_conforming_strings` is off), with its continuations: scan.l's `xqs` state reads
/// `'a'` + whitespace holding a newline + `'b'` as one literal, and the continued part keeps
/// the escapes of the first (`state_before_str_stop`). psql scans a line at a time and takes
/// the end of a line in `xqs` as the end of the string (psqlscan.l `psql_scan`, `case xqs`),
/// so for psql (`psql`) a continuation may only cross a lone CR.
fn skip_string(
    b: &[u8],
    open: usize,
    backslash: bool,
    psql: bool,
    problems: &mut Vec<SplitProblem>,
) -> usize {
    let mut from = open;
    loop {
        let end = skip_quoted(b, from, b'\'', backslash, problems, "string constant");
        if end > b.len() || b.get(end - 1) != Some(&b'\'') || end == from + 1 {
            return end.min(b.len());
        }
        match continuation(b, end, psql) {
            Some(quote) => from = quote,
            None => return end,
        }
    }
}

/// scan.l `{whitespace_with_newline}{quote}` after a closing quote at `at - 1`: the offset of
/// the quote that continues the literal.
fn continuation(b: &[u8], at: usize, psql: bool) -> Option<usize> {
    let mut i = at;
    let mut newline = false;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | 0x0c => i += 1,
            b'\n' if psql => return None,
            b'\n' | b'\r' => {
                newline = true;
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
                // special_whitespace: after the first newline a comment must end with one.
                if i >= b.len() {
                    return None;
                }
            }
            b'\'' if newline => return Some(i),
            _ => return None,
        }
    }
    None
}

fn skip_quoted(
    b: &[u8],
    open: usize,
    q: u8,
    backslash: bool,
    problems: &mut Vec<SplitProblem>,
    what: &str,
) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    problems.push(SplitProblem {
        offset: open,
        message: format!("unterminated {what}"),
    });
    b.len()
}

/// Skips `$tag$ ... $tag$`; a `$` that does not open a dollar quote (`$1`) is one character.
fn skip_dollar(text: &str, open: usize, problems: &mut Vec<SplitProblem>) -> usize {
    let b = text.as_bytes();
    // A `$` inside an identifier (`a$b`) was consumed with the identifier, so here it opens
    // either a dollar quote or a positional parameter.
    let mut j = open + 1;
    if j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'_' || b[j] >= 0x80) {
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
            j += 1;
        }
    }
    if b.get(j) != Some(&b'$') {
        return open + 1;
    }
    let tag = &text[open..=j];
    match text[j + 1..].find(tag) {
        Some(n) => j + 1 + n + tag.len(),
        None => {
            problems.push(SplitProblem {
                offset: open,
                message: format!("unterminated dollar-quoted string {tag}"),
            });
            b.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split(sql)
            .statements
            .iter()
            .map(|s| &sql[s.span.clone()])
            .collect()
    }

    #[test]
    fn tokens_are_counted_as_the_parser_sees_them() {
        let sql = "alter table \"T\" -- note\n add column c1 int default 1.5, /* x */ add column $$a;b$$;";
        assert_eq!(count_tokens(sql, 100).0, 14);
        let (n, end) = count_tokens(sql, 3);
        assert_eq!((n, &sql[..end]), (4, "alter table \"T\" -- note\n add"));
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql =
            "select ';'; -- a; b\nselect \"x;\" /* c; /* nested; */ d; */ ;\n  select E'\\';' ;";
        assert_eq!(
            texts(sql),
            [
                "select ';';",
                "select \"x;\" /* c; /* nested; */ d; */ ;",
                "select E'\\';' ;"
            ]
        );
    }

    #[test]
    fn dollar_quotes_with_tags_and_parameters() {
        let sql = "create function f() returns int as $fn$ begin; return $1; end $fn$ language plpgsql;\nselect $$a;b$$;";
        let t = texts(sql);
        assert_eq!(t.len(), 2);
        assert!(t[0].ends_with("plpgsql;"));
        assert_eq!(t[1], "select $$a;b$$;");
    }

    #[test]
    fn drizzle_breakpoints_separate_statements() {
        let sql = "CREATE TABLE a (id int)\n--> statement-breakpoint\nCREATE TABLE b (id int);--> statement-breakpoint\n";
        assert_eq!(
            texts(sql),
            ["CREATE TABLE a (id int)", "CREATE TABLE b (id int);"]
        );
    }

    #[test]
    fn whole_spans_are_cut_as_one_query_string() {
        let sql = "select 1;\n-- begin\ncreate rule r as on insert to t do also (insert into a values (1); insert into b values (2));\n-- x\nselect 'a;\n-- end\nselect 2; select 3;";
        let from = sql.find("create").unwrap();
        let to = sql.find("-- end").unwrap();
        let span = from..to;
        let s = split_with(sql, std::slice::from_ref(&span));
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        // The rule's action list stays whole (the `;` is inside parentheses, which the
        // grammar reads as one statement); the unclosed quote runs to the end of the span,
        // not of the file.
        assert_eq!(
            t,
            [
                "select 1;",
                &sql[from..sql.find("\n-- x").unwrap()],
                "select 'a;",
                "select 2;",
                "select 3;"
            ]
        );
        assert_eq!(s.problems.len(), 1);
        assert!(s.problems[0].offset < to);
        assert!(s.comments.iter().any(|c| &sql[c.span.clone()] == "-- x"));
        // Without the span, the rule is cut after its first action.
        assert!(texts(sql)[1].ends_with("values (1);"));
    }

    /// Issue 31 item 3: goose sends a `StatementBegin` ... `StatementEnd` block as one query,
    /// and PostgreSQL runs every statement in it: each is a statement of its own here.
    #[test]
    fn every_statement_of_a_whole_span_is_read() {
        let sql =
            "-- +goose StatementBegin\nselect 1;\ndrop table users;\n-- +goose StatementEnd\n";
        let from = sql.find("select").unwrap();
        let to = sql.find("-- +goose StatementEnd").unwrap();
        let s = split_with(sql, std::slice::from_ref(&(from..to)));
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        assert_eq!(t, ["select 1;", "drop table users;"]);
    }

    /// Issue 31 item 3: `BEGIN ATOMIC` opens a body only in `CREATE [OR REPLACE] FUNCTION |
    /// PROCEDURE` (gram.y `opt_routine_body`; psqlscan.l tracks the same statements), outside
    /// parentheses and with nothing between the two words.
    #[test]
    fn begin_atomic_only_in_routines() {
        for sql in [
            "insert into t (begin, atomic) values (1, 2); drop table users;",
            "select begin atomic from t; drop table users;",
            "create table t (begin int, atomic int); drop table users;",
            "create function f(begin int) returns int language sql return 1; drop table users;",
        ] {
            let t = texts(sql);
            assert_eq!(t.last(), Some(&"drop table users;"), "{sql}: {t:?}");
        }
        let sql = "create or replace procedure p() language sql begin atomic insert into a values (1); end; drop table users;";
        assert_eq!(texts(sql).len(), 2);
        // psql counts any `begin` of such a statement (psqlscan.l `{identifier}`).
        let s = split_for(
            "CREATE PROCEDURE p() BEGIN ATOMIC select 1; END;\ndrop table users;",
            &[],
            Client::Psql,
        );
        assert_eq!(s.statements.len(), 2);
    }

    /// Issue 31 item 2: scan.l `newline [\n\r]`: a lone CR ends a `--` comment.
    #[test]
    fn a_lone_cr_ends_a_line_comment() {
        let sql = "-- note\rdrop table users;";
        assert_eq!(texts(sql), ["drop table users;"]);
        let s = split(sql);
        assert_eq!(&sql[s.comments[0].span.clone()], "-- note");
        assert_eq!(count_tokens("select -- x\r1", 10).0, 2);
        assert_eq!(texts("select 1 -- x\r; drop table users;").len(), 2);
    }

    /// Issue 31 item 4: scan.l `xqs`: `'...'` + white space holding a newline + `'...'` is one
    /// literal, and the continuation of an `E''` string keeps its backslash escapes
    /// (`state_before_str_stop`).
    #[test]
    fn string_continuations_keep_their_escapes() {
        let sql = "select E'a\\''\n  'b\\';drop table users;';\nselect 2;";
        assert_eq!(
            texts(sql),
            [&sql[..sql.find("\nselect 2").unwrap()], "select 2;"]
        );
        // A comment may stand between the parts, and a lone CR is a newline.
        let sql = "select E'a' -- c\n 'b\\';drop table users;';\rselect E'x'\r'\\';';\nselect 3;";
        let t = texts(sql);
        assert_eq!(t.len(), 3, "{t:?}");
        // Without a newline the second literal is not a continuation (and the server rejects
        // the statement): the `;` after it ends the statement.
        assert_eq!(texts("select E'a' 'b\\';drop table users;").len(), 2);
        // psql ends a string at the end of a line (`case xqs`, "we treat this like INITIAL"):
        // the continued part is a new standard string, and the `;` after it sends the query.
        let sql = "select E'a\\''\n  'b\\';drop table users;';\n";
        let s = split_for(sql, &[], Client::Psql);
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        assert_eq!(t[1], "drop table users;", "{t:?}");
    }

    /// Issue 31 item 7: psql meta-commands end at the end of their line (psqlscan.l `"\\"`,
    /// psqlscanslash.l), and `\;` separates statements sent together.
    #[test]
    fn psql_meta_commands_end_at_the_end_of_their_line() {
        let psql = |sql: &'static str| {
            let s = split_for(sql, &[], Client::Psql);
            s.statements
                .iter()
                .map(|r| &sql[r.span.clone()])
                .collect::<Vec<_>>()
        };
        assert_eq!(
            psql("\\set ON_ERROR_STOP on\n\\i other.sql\ndrop table users;\n"),
            ["drop table users;"]
        );
        assert_eq!(
            psql("select 1 \\gset\ndrop table users;"),
            ["select 1", "drop table users;"]
        );
        assert_eq!(
            psql("select 1 \\; drop table users;"),
            ["select 1", "drop table users;"]
        );
        assert_eq!(
            psql("\\echo a \\\\ drop table users;"),
            ["drop table users;"]
        );
        // The server knows no meta-commands: a backslash is a character like another.
        assert_eq!(texts("\\set x 1\ndrop table users;").len(), 1);
    }

    /// Issue 31 item 7: psql's handleCopyIn (src/bin/psql/copy.c) reads `COPY ... FROM stdin`
    /// data from the lines after the command up to a line `\.`; the rest is SQL again.
    #[test]
    fn psql_copy_data_ends_at_a_backslash_dot_line() {
        let sql = "COPY public.t (a, b) FROM stdin;\nx\t'y;\n\\.\ndrop table users;\n";
        let s = split_for(sql, &[], Client::Psql);
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        assert_eq!(t, ["COPY public.t (a, b) FROM stdin;", "drop table users;"]);
        // CRLF data, and data running to the end of the file.
        let sql = "copy t from stdin;\r\n1\r\n\\.\r\ndrop table users;";
        assert_eq!(split_for(sql, &[], Client::Psql).statements.len(), 2);
        assert_eq!(
            split_for("copy t from stdin;\n1;\n", &[], Client::Psql)
                .statements
                .len(),
            1
        );
        // COPY TO STDOUT has no data in the file.
        assert_eq!(
            split_for("copy t to stdout;\ndrop table users;", &[], Client::Psql)
                .statements
                .len(),
            2
        );
    }

    /// Issue 31 item 7: after `SET standard_conforming_strings = off`, psql and the server
    /// read `'...'` with backslash escapes (scan.l `{xqstart}`: `xe` unless
    /// `standard_conforming_strings`), until it is set back on.
    #[test]
    fn psql_follows_standard_conforming_strings() {
        let sql = "set standard_conforming_strings = off;\nselect 'a\\';drop table users;';\nset standard_conforming_strings to 'on';\nselect 'b\\';drop table users;\n";
        let s = split_for(sql, &[], Client::Psql);
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        assert_eq!(
            t,
            [
                "set standard_conforming_strings = off;",
                "select 'a\\';drop table users;';",
                "set standard_conforming_strings to 'on';",
                "select 'b\\';",
                "drop table users;"
            ]
        );
        // Bit strings take no escapes; RESET turns it back on.
        let sql = "set session standard_conforming_strings to off;\nselect B'1\\';\nreset all;\nselect '\\';drop table users;\n";
        assert_eq!(split_for(sql, &[], Client::Psql).statements.len(), 5);
    }

    /// Issue 31 item 7: psql reads the file a line at a time as C strings (`gets_fromFile`,
    /// src/bin/psql/input.c): a NUL drops the rest of its line. Tried with psql 15: `select
    /// 1;\0 junk\ndrop table users;` runs the DROP.
    #[test]
    fn psql_drops_the_rest_of_a_line_after_a_nul() {
        let sql = "select 1;\0 junk; 'x\ndrop table users;\n";
        let s = split_for(sql, &[], Client::Psql);
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        assert_eq!(t, ["select 1;", "drop table users;"]);
    }

    #[test]
    fn bom_crlf_and_empty_statements() {
        let sql = "\u{feff}select 1;\r\n;;\r\nselect 2\r\n";
        assert_eq!(texts(sql), ["select 1;", "select 2"]);
    }

    #[test]
    fn begin_atomic_bodies_stay_whole() {
        let sql = "create function f() returns int language sql begin atomic select 1; select case when true then 2 end; end;\nselect 3;";
        let t = texts(sql);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[1], "select 3;");
    }

    #[test]
    fn unterminated_constructs_run_to_the_end_and_are_reported() {
        for sql in [
            "select 1; select $$ never closed;",
            "select 'x;",
            "/* open",
            "select \"x",
        ] {
            let s = split(sql);
            assert_eq!(s.problems.len(), 1, "{sql}");
        }
        let s = split("select 1; select $$ never closed;");
        assert_eq!(s.statements.len(), 2);
    }

    #[test]
    fn comments_are_recorded_with_bodies() {
        let sql = "-- migcheck:allow x reason: y\r\ndrop table t;";
        let s = split(sql);
        assert_eq!(
            &sql[s.comments[0].body.clone()],
            " migcheck:allow x reason: y"
        );
        assert_eq!(&sql[s.statements[0].span.clone()], "drop table t;");
    }
}
