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
use sqlparser::tokenizer::Token;

use crate::effect::Effect;
use crate::split::{split, Comment, Split};

/// How deep the parser may recurse before it gives up on a statement (deeply nested input must
/// not overflow the stack).
const RECURSION_LIMIT: usize = 64;

/// One statement of a migration file.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Byte range in the file.
    pub span: Range<usize>,
    /// The parsed statement, when sqlparser read all of it (not kept for INSERT and SELECT,
    /// which no rule inspects: see `parse_statement`).
    /// Boxed: sqlparser's statement enum is large, and most statements of a big data
    /// migration keep no tree at all.
    pub ast: Option<Box<ast::Statement>>,
    /// Why the parser could not read it.
    pub unparsed: Option<String>,
    /// What it does to the schema.
    pub effects: Vec<Effect>,
    /// True for a statement inside a `DO` block body.
    pub in_do_block: bool,
    /// True in a rollback (down) section: parsed, but never reported as non-additive.
    pub rollback: bool,
    /// Upper-cased leading keywords (up to three), for rules and reports.
    pub head: String,
}

/// A parsed file: statements in order, plus the comments (for directives).
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    pub statements: Vec<Statement>,
    pub comments: Vec<Comment>,
    /// Offset where a dbmate `-- migrate:down` section starts.
    pub down_from: Option<usize>,
}

/// Splits and parses a whole file.
pub fn parse_file(text: &str) -> ParsedFile {
    let Split {
        statements,
        comments,
        problems,
    } = split(text);
    let down_from = comments
        .iter()
        .find(|c| {
            text[c.body.clone()]
                .trim_start()
                .starts_with("migrate:down")
        })
        .map(|c| c.span.start);
    let mut out = Vec::with_capacity(statements.len());
    for raw in statements {
        let problem = problems
            .iter()
            .find(|p| raw.span.contains(&p.offset))
            .map(|p| p.message.clone());
        parse_statement(text, raw.span, problem, false, &mut out);
    }
    run_called_functions(text, &mut out);
    if let Some(d) = down_from {
        for s in &mut out {
            s.rollback = s.span.start >= d;
        }
    }
    ParsedFile {
        statements: out,
        comments,
        down_from,
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
    let head = head_words(sql);
    if !in_do_block && (head == "DO" || head.starts_with("DO ")) && split_problem.is_none() {
        if let Some(body) = do_body(sql) {
            out.push(Statement {
                span: span.clone(),
                ast: None,
                unparsed: None,
                effects: Vec::new(),
                in_do_block: false,
                rollback: false,
                head,
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
    // Go template actions (`{{ .Schema }}`) are read as names.
    let filled = crate::dynamic::fill_templates(sql);
    let sql = filled.as_deref().unwrap_or(sql);
    let (ast, unparsed) = match split_problem {
        Some(p) => (None, Some(p)),
        None => match parse_one(sql) {
            Ok(ast) => (Some(ast), None),
            Err(e) => (None, Some(e)),
        },
    };
    let effects = match &ast {
        Some(a) => crate::extract::effects(a),
        None => crate::fallback::effects(sql),
    };
    // Data statements (seed INSERTs, SELECTs) can be most of a large file, and no rule looks
    // into their trees: keep only their effects, so memory stays proportional to the DDL.
    let ast = ast
        .filter(|a| !matches!(a, ast::Statement::Insert(_) | ast::Statement::Query(_)))
        .map(Box::new);
    out.push(Statement {
        span,
        ast,
        unparsed,
        effects,
        in_do_block,
        rollback: false,
        head,
    });
}

/// A plpgsql function the migration creates and then calls itself (`select f();`, `call f()`)
/// runs during the migration, like a `DO` block: the statements of its body (and the SQL it runs
/// with `EXECUTE` of a constant) are analysed as if they stood right after the first call, with
/// their spans in the body. Functions the migration only creates are never looked into.
fn run_called_functions(text: &str, out: &mut Vec<Statement>) {
    let mut i = 0;
    while i < out.len() {
        let Some(ast::Statement::CreateFunction(f)) = out[i].ast.as_deref() else {
            i += 1;
            continue;
        };
        let name = crate::extract::qual(&f.name).name;
        let span = out[i].span.clone();
        let sql = &text[span.clone()];
        let call = out[i + 1..].iter().position(|s| {
            !s.in_do_block
                && (s.head.starts_with("SELECT") || s.head.starts_with("CALL"))
                && calls(&text[s.span.clone()], &name)
        });
        let (Some(call), Some(body)) = (call, do_body(sql)) else {
            i += 1;
            continue;
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
        let at = i + 1 + call + 1;
        out.splice(at..at, inner);
        i += 1;
    }
}

/// True when the statement calls the function `name` (`name(` as a word, outside strings).
fn calls(stmt: &str, name: &str) -> bool {
    use crate::fallback::Tok;
    let toks = crate::fallback::tokens(stmt);
    toks.windows(2).any(|w| {
        matches!(&w[0], Tok::Word(_, n) | Tok::Quoted(n) if n == name) && w[1] == Tok::LParen
    })
}

/// A statement a `DO` block runs with `EXECUTE` of a constant: parsed from the constant's text,
/// reported at the `EXECUTE` (its span in the file).
fn parse_dynamic(sql: &str, span: Range<usize>, out: &mut Vec<Statement>) {
    let (ast, unparsed) = match parse_one(sql) {
        Ok(ast) => (Some(ast), None),
        Err(e) => (None, Some(e)),
    };
    let effects = match &ast {
        Some(a) => crate::extract::effects(a),
        None => crate::fallback::effects(sql),
    };
    let ast = ast
        .filter(|a| !matches!(a, ast::Statement::Insert(_) | ast::Statement::Query(_)))
        .map(Box::new);
    out.push(Statement {
        span,
        ast,
        unparsed,
        effects,
        in_do_block: true,
        rollback: false,
        head: head_words(sql),
    });
}

/// Parses one statement and checks that nothing is left over.
pub fn parse_one(sql: &str) -> Result<ast::Statement, String> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)
        .map_err(|e| clean_error(e.to_string()))?;
    let stmt = parser
        .parse_statement()
        .map_err(|e| clean_error(e.to_string()))?;
    loop {
        let next = parser.next_token();
        match next.token {
            Token::SemiColon => continue,
            Token::EOF => return Ok(stmt),
            other => {
                return Err(format!(
                    "the parser stopped before `{other}` at line {} column {} of the statement",
                    next.span.start.line, next.span.start.column
                ))
            }
        }
    }
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

/// The range of the body of `DO [LANGUAGE x] $tag$ body $tag$` (or a plain string body) inside
/// the statement text. Only plpgsql bodies (the default) are analysed.
fn do_body(sql: &str) -> Option<Range<usize>> {
    let lower = sql.to_ascii_lowercase();
    if let Some(l) = lower.find("language") {
        let lang = lower[l + 8..].trim_start();
        if !lang.starts_with("plpgsql") && !lang.starts_with("'plpgsql'") {
            return None;
        }
    }
    let open = sql.find('$')?;
    let tag_end = open + 1 + sql[open + 1..].find('$')?;
    let tag = &sql[open..=tag_end];
    if !tag[1..tag.len() - 1]
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    let close = tag_end + 1 + sql[tag_end + 1..].find(tag)?;
    Some(tag_end + 1..close)
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
            while i < b.len() && b[i] != b'\n' {
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
        let heads: Vec<_> = f.statements.iter().map(|s| s.head.as_str()).collect();
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

    #[test]
    fn dbmate_down_sections_are_rollbacks() {
        let sql = "-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n";
        let f = parse_file(sql);
        assert!(!f.statements[0].rollback);
        assert!(f.statements[1].rollback);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let sql = format!("select {}1{};", "(".repeat(5000), ")".repeat(5000));
        let f = parse_file(&sql);
        assert!(f.statements[0].unparsed.is_some());
    }
}
