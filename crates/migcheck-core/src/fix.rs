//! Fixes and suggestions: what a finding offers to change.
//!
//! A [`Fix`] is text edits (byte ranges of the finding's file and their replacement) that make
//! the migration equivalent or strictly safer and keep it valid SQL; `migcheck check --fix`
//! applies them, every output format carries them. A [`Suggestion`] is the exact SQL of a safe
//! change that needs more than one migration (`NOT VALID` now, `VALIDATE` later): it is shown,
//! never applied. Each fixable rule builds its own fix in its own file; this module holds what
//! they share (finding tokens with their byte ranges, quoting names, inserting a statement) and
//! [`apply`], which applies a file's fixes.

use std::ops::Range;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::source::LineIndex;

/// Replace `start..end` (bytes of the finding's file) with `replacement`. An insertion has
/// `start == end`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Self {
            start: at,
            end: at,
            replacement: text.into(),
        }
    }
}

/// A safe mechanical change of the finding's file: all its edits apply together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fix {
    /// One line, imperative: what applying it does.
    pub title: String,
    /// Non-overlapping edits, in file order.
    pub edits: Vec<Edit>,
}

/// The exact SQL of a safe change that takes more than one migration: each step is the SQL of
/// one migration, in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    pub title: String,
    pub steps: Vec<String>,
}

/// What a rule offers, declared in its [`crate::rules::RuleMeta`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Offers {
    /// Some of its findings carry a [`Fix`].
    Fix,
    /// Some of its findings carry a [`Suggestion`].
    Suggestion,
}

/// A name as SQL: quoted unless it is a plain lower-case identifier that is no keyword (quoting
/// more than needed never changes the name; quoting less could).
pub fn ident(name: &str) -> String {
    let plain = crate::effect::quote_ident(name) == name
        && sqlparser::keywords::ALL_KEYWORDS
            .binary_search(&name.to_ascii_uppercase().as_str())
            .is_err();
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A qualified name as SQL (see [`ident`]).
pub fn qual_sql(q: &crate::effect::QualName) -> String {
    match &q.schema {
        Some(s) => format!("{}.{}", ident(s), ident(&q.name)),
        None => ident(&q.name),
    }
}

/// The tokens of `text[span]` (whitespace and comments left out) with their byte ranges in
/// `text`. Empty when the text does not tokenize.
pub fn tokens_at(text: &str, span: Range<usize>) -> Vec<(Range<usize>, Token)> {
    let Some(sql) = text.get(span.clone()) else {
        return Vec::new();
    };
    let Ok(toks) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location() else {
        return Vec::new();
    };
    let lines = LineIndex::new(sql);
    let at = |l: sqlparser::tokenizer::Location| {
        span.start + lines.offset(sql, l.line as usize, l.column as usize)
    };
    toks.into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .map(|t| (at(t.span.start)..at(t.span.end), t.token))
        .collect()
}

/// True when the token is the unquoted keyword `word` (upper case).
pub fn is_word(t: &Token, word: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// An edit that adds the statement `sql` on its own line after the statement at `span` (which
/// ends with its `;` when it has one): after the rest of that line when only a comment
/// follows on it.
pub fn insert_after_statement(text: &str, span: &Range<usize>, sql: &str) -> Edit {
    let terminated = text[..span.end].trim_end().ends_with(';');
    let sep = if terminated { "" } else { ";" };
    let rest = &text[span.end..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let tail = rest[..line_end].trim();
    let at = if terminated && (tail.is_empty() || tail.starts_with("--")) {
        span.end + rest[..line_end].trim_end_matches('\r').len()
    } else {
        span.end
    };
    Edit::insert(at, format!("{sep}\n{sql}"))
}

/// Column types written as the unquoted word `word` in the CREATE TABLE or ADD COLUMN statement
/// at `span`: for each, the range of the word and the range of what follows it up to the end of
/// the type (a `(precision)`, `[]`, and `without time zone` for `timestamp`). `None` when
/// the word also occurs where it is not a column's type or name (a cast, a default, a
/// constraint name): then the text is not simple enough to change with certainty.
pub fn column_type_words(
    text: &str,
    span: Range<usize>,
    word: &str,
) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    let toks = tokens_at(text, span);
    let is_name = |t: &Token| match t {
        Token::Word(w) => {
            w.quote_style.is_some()
                || ![
                    "CONSTRAINT",
                    "PRIMARY",
                    "UNIQUE",
                    "FOREIGN",
                    "CHECK",
                    "EXCLUDE",
                    "LIKE",
                ]
                .iter()
                .any(|k| w.value.eq_ignore_ascii_case(k))
        }
        _ => false,
    };
    let typed = |i: usize| {
        i >= 2
            && is_word(&toks[i].1, word)
            && is_name(&toks[i - 1].1)
            && (matches!(toks[i - 2].1, Token::LParen | Token::Comma)
                || ["ADD", "COLUMN", "EXISTS"]
                    .iter()
                    .any(|k| is_word(&toks[i - 2].1, k)))
    };
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if typed(i) {
            let mut j = i + 1;
            let mut end = toks[i].0.end;
            let mut tail = end..end;
            // `(precision)`
            if matches!(toks.get(j).map(|t| &t.1), Some(Token::LParen))
                && matches!(toks.get(j + 2).map(|t| &t.1), Some(Token::RParen))
            {
                end = toks[j + 2].0.end;
                tail = end..end;
                j += 3;
            }
            let kw = |k: usize, w: &str| toks.get(k).is_some_and(|t| is_word(&t.1, w));
            if kw(j, "WITH") && kw(j + 1, "TIME") && kw(j + 2, "ZONE") {
                continue;
            }
            if kw(j, "WITHOUT") && kw(j + 1, "TIME") && kw(j + 2, "ZONE") {
                tail = end..toks[j + 2].0.end;
            }
            out.push((toks[i].0.clone(), tail));
        } else if is_word(&toks[i].1, word) && !typed(i + 1) {
            return None;
        }
    }
    Some(out)
}

/// What [`apply`] did to one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// Indexes (into the fixes given) of the fixes applied.
    pub applied: Vec<usize>,
    /// Fixes left out because an edit overlapped one applied before (or was out of range).
    pub skipped: Vec<usize>,
}

/// The line ending of `text`: `\r\n` when its first line ends so, else `\n`.
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// `s` with its line breaks written as `eol` (rules write `\n`).
fn with_line_ending(s: &str, eol: &str) -> String {
    if eol == "\n" {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\n', eol)
}

/// Applies to `text` every fix whose edits overlap no edit of a fix applied before it (fixes
/// are taken in the order of their first edit). Insertions at the same offset overlap. Line
/// breaks in replacements are written as the file writes them (a CRLF file stays CRLF); a
/// missing final newline stays missing (no edit adds one).
pub fn apply(text: &str, fixes: &[&Fix]) -> Applied {
    let eol = line_ending(text);
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| fixes[i].edits.first().map(|e| (e.start, e.end)));
    let overlaps = |a: &Edit, b: &Edit| {
        (a.start < b.end && b.start < a.end)
            || (a.start == b.start && (a.start == a.end || b.start == b.end))
    };
    let mut taken: Vec<&Edit> = Vec::new();
    let mut out = Applied::default();
    for i in order {
        let fix = fixes[i];
        let fits = fix.edits.iter().all(|e| {
            e.start <= e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end)
        });
        let clash = fix.edits.iter().enumerate().any(|(k, e)| {
            taken.iter().any(|t| overlaps(e, t)) || fix.edits[..k].iter().any(|o| overlaps(e, o))
        });
        if !fits || clash || fix.edits.is_empty() {
            out.skipped.push(i);
            continue;
        }
        taken.extend(fix.edits.iter());
        out.applied.push(i);
    }
    taken.sort_by_key(|e| (e.start, e.end));
    let mut result = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for e in taken {
        result.push_str(&text[at..e.start]);
        result.push_str(&with_line_ending(&e.replacement, eol));
        at = e.end;
    }
    result.push_str(&text[at..]);
    out.text = result;
    out.applied.sort_unstable();
    out.skipped.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ranges_are_bytes_of_the_file() {
        let text = "-- é\nselect 'ü', \"Ä\"  from\n  t;";
        let toks = tokens_at(text, 6..text.len());
        let words: Vec<&str> = toks.iter().map(|(r, _)| &text[r.clone()]).collect();
        assert_eq!(words, ["select", "'ü'", ",", "\"Ä\"", "from", "t", ";"]);
    }

    #[test]
    fn names_are_quoted_when_needed() {
        assert_eq!(ident("users"), "users");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("Tile"), "\"Tile\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }

    /// `text` with the one edit `e` applied.
    fn applied(text: &str, e: Edit) -> String {
        let fix = Fix {
            title: String::new(),
            edits: vec![e],
        };
        apply(text, &[&fix]).text
    }

    #[test]
    fn statements_are_inserted_after_the_line() {
        let t = "create table t (); -- note\nselect 1;";
        let e = insert_after_statement(t, &(0..18), "x;");
        assert_eq!(applied(t, e), "create table t (); -- note\nx;\nselect 1;");
        let t = "create table t ()";
        let e = insert_after_statement(t, &(0..t.len()), "x;");
        assert_eq!(applied(t, e), "create table t ();\nx;");
    }

    #[test]
    fn inserted_lines_keep_the_files_line_endings() {
        let t = "create table t ();\r\nselect 1;";
        let e = insert_after_statement(t, &(0..18), "x;");
        assert_eq!(applied(t, e), "create table t ();\r\nx;\r\nselect 1;");
        let e = Edit::insert(0, "set lock_timeout = '5s';\n");
        assert_eq!(
            applied(t, e),
            "set lock_timeout = '5s';\r\ncreate table t ();\r\nselect 1;"
        );
        // No final newline before, none after.
        let t = "create table t ()";
        let e = insert_after_statement(t, &(0..t.len()), "x;");
        assert!(!applied(t, e).ends_with('\n'));
    }

    #[test]
    fn overlapping_fixes_are_skipped() {
        let f = |s, e, r: &str| Fix {
            title: String::new(),
            edits: vec![Edit {
                start: s,
                end: e,
                replacement: r.into(),
            }],
        };
        let (a, b, c) = (f(0, 3, "x"), f(2, 4, "y"), f(5, 5, "z"));
        let d = f(5, 5, "w");
        let out = apply("abcdefg", &[&a, &b, &c, &d]);
        assert_eq!(out.text, "xdezfg");
        assert_eq!(out.applied, [0, 2]);
        assert_eq!(out.skipped, [1, 3]);
    }
}
