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

/// One statement: from its first significant character to its terminating `;` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStatement {
    pub span: Range<usize>,
}

/// One comment, `--` or `/* */`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Splits `text` (a whole file, or a `DO` block body) into statements.
pub fn split(text: &str) -> Split {
    split_with(text, &[])
}

/// Like [`split`], but each span of `whole` (sorted, not overlapping) is one statement whatever
/// `;` it holds; comments and unclosed quotes inside it are still recorded.
pub fn split_with(text: &str, whole: &[Range<usize>]) -> Split {
    let mut out = Split::default();
    let mut at = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for w in whole {
        let (start, end) = (w.start.clamp(at, text.len()), w.end.min(text.len()));
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        split_part(&text[..start], at, false, &mut out);
        split_part(&text[..end], start, true, &mut out);
        at = end;
    }
    split_part(text, at, false, &mut out);
    out
}

/// Splits `text[from..]` into `out`; `whole`: all of it is one statement.
fn split_part(text: &str, from: usize, whole: bool, out: &mut Split) {
    let b = text.as_bytes();
    let mut i = from;
    let mut start: Option<usize> = None;
    // Inside `BEGIN ATOMIC`: `;` ends the statement only after the matching `END`.
    let mut atomic_depth = 0usize;
    let mut last_word: Option<Range<usize>> = None;

    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let end = memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                let mut body_end = end;
                if body_end > i && b[body_end - 1] == b'\r' {
                    body_end -= 1;
                }
                out.comments.push(Comment {
                    span: i..body_end,
                    body: i + 2..body_end,
                });
                if text[i..body_end].starts_with(BREAKPOINT) && atomic_depth == 0 && !whole {
                    if let Some(s) = start.take() {
                        out.statements.push(RawStatement {
                            span: s..trim_end(b, s, i),
                        });
                    }
                    last_word = None;
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
            _ => {}
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if start.is_none() {
            if c == b';' {
                i += 1;
                continue;
            }
            start = Some(i);
        }
        match c {
            b';' => {
                if atomic_depth == 0 && !whole {
                    out.statements.push(RawStatement {
                        span: start.take().unwrap_or(i)..i + 1,
                    });
                    last_word = None;
                }
                i += 1;
            }
            b'\'' => {
                let escapes = is_escape_string_prefix(b, i);
                i = skip_quoted(b, i, b'\'', escapes, &mut out.problems, "string constant");
            }
            b'"' => i = skip_quoted(b, i, b'"', false, &mut out.problems, "quoted identifier"),
            b'$' => i = skip_dollar(text, i, &mut out.problems),
            c if is_ident_start(c) => {
                let w = i;
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                let word = &text[w..i];
                let opens_atomic = word.eq_ignore_ascii_case("atomic")
                    && last_word
                        .as_ref()
                        .is_some_and(|r| text[r.clone()].eq_ignore_ascii_case("begin"));
                let opens_nested = atomic_depth > 0
                    && (word.eq_ignore_ascii_case("case") || word.eq_ignore_ascii_case("begin"));
                if opens_atomic || opens_nested {
                    atomic_depth += 1;
                } else if atomic_depth > 0 && word.eq_ignore_ascii_case("end") {
                    atomic_depth -= 1;
                }
                last_word = Some(w..i);
            }
            _ => {
                i += 1;
                while i < b.len() && b[i] >= 0x80 && !text.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
    }
    if let Some(s) = start {
        out.statements.push(RawStatement {
            span: s..trim_end(b, s, b.len()),
        });
    }
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
                i = memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
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
                i = skip_quoted(b, i, b'\'', escapes, &mut problems, "");
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

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
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
    fn whole_spans_keep_their_semicolons() {
        let sql = "select 1;\n-- begin\ncreate rule r as on insert to t do also (insert into a values (1); insert into b values (2));\n-- x\nselect 'a;\n-- end\nselect 2; select 3;";
        let from = sql.find("create").unwrap();
        let to = sql.find("-- end").unwrap();
        let span = from..to;
        let s = split_with(sql, std::slice::from_ref(&span));
        let t: Vec<_> = s.statements.iter().map(|r| &sql[r.span.clone()]).collect();
        assert_eq!(
            t,
            [
                "select 1;",
                &sql[from..sql.find("\n-- end").unwrap()],
                "select 2;",
                "select 3;"
            ]
        );
        // The unclosed quote runs to the end of the span, not of the file.
        assert_eq!(s.problems.len(), 1);
        assert!(s.problems[0].offset < to);
        assert!(s.comments.iter().any(|c| &sql[c.span.clone()] == "-- x"));
        // Without the span, the rule is cut after its first action.
        assert!(texts(sql)[1].ends_with("values (1);"));
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
