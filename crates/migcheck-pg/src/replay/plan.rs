//! How one migration file is sent to the server: inside one transaction or statement by
//! statement, which statements run, and mapping PostgreSQL's error positions back into the file.
//! Pure functions, no server.

use std::ops::Range;

use migcheck_core::parse::ParsedFile;
use migcheck_core::tool::Wrapping;

/// A statement's effect on the session's transaction state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxControl {
    /// Not a transaction statement.
    None,
    /// `BEGIN`, `START TRANSACTION`: opens a transaction block.
    Begin,
    /// `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO`), `ABORT`, `PREPARE TRANSACTION`.
    End,
    /// `SAVEPOINT`, `RELEASE`, `ROLLBACK TO`: inside a block, changes nothing here.
    Inside,
}

/// One statement to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Byte range in the file (the exact text that is sent).
    pub span: Range<usize>,
    /// Upper-cased leading keywords.
    pub head: String,
    /// False for statements PostgreSQL refuses inside a transaction block.
    pub in_transaction_ok: bool,
    pub tx: TxControl,
}

/// How a file is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlan {
    /// The whole file runs in one transaction (with the history insert).
    pub wrap: bool,
    /// Why a file of a tool that wraps files in a transaction is not wrapped.
    pub unwrapped_because: Option<String>,
    pub steps: Vec<Step>,
}

/// Plans a file: the statements to send (top level, forward; `DO` blocks whole, their inner
/// statements are analysis-only; rollback sections skipped) and whether to wrap the file in a
/// transaction, as its tool does (`wrapping`, from the set's tool module): a tool that opens a
/// transaction gets one; a tool that sends the file as one script gets PostgreSQL's implicit
/// transaction when the file holds more than one statement; a plain file gets none.
pub fn plan_file(
    text: &str,
    parsed: &ParsedFile,
    wrapping: Wrapping,
    server_major: u32,
) -> FilePlan {
    let steps: Vec<Step> = parsed
        .statements
        .iter()
        .filter(|s| !s.in_do_block && !s.rollback)
        .map(|s| {
            let sql = &text[s.span.clone()];
            Step {
                span: s.span.clone(),
                head: s.head.to_string(),
                in_transaction_ok: runs_in_transaction(&s.head, sql, server_major),
                tx: tx_control(&s.head),
            }
        })
        .collect();
    let wraps = match wrapping {
        // A pipeline is one transaction; a refusing first statement is run unwrapped below.
        Wrapping::Tool(_) | Wrapping::Pipeline(_) => true,
        Wrapping::Script(_) => steps.len() > 1,
        Wrapping::None => false,
    };
    let mut unwrapped_because = None;
    if wraps {
        if let Some(s) = steps.iter().find(|s| s.tx != TxControl::None) {
            unwrapped_because = Some(format!(
                "the file controls its own transactions ({})",
                first_words(&s.head, 2)
            ));
        } else if let Some(s) = steps.iter().find(|s| !s.in_transaction_ok) {
            unwrapped_because = Some(format!(
                "{} cannot run inside a transaction",
                first_words(&s.head, 3)
            ));
        }
    }
    FilePlan {
        wrap: wraps && unwrapped_because.is_none(),
        unwrapped_because,
        steps,
    }
}

fn first_words(head: &str, n: usize) -> String {
    head.split(' ').take(n).collect::<Vec<_>>().join(" ")
}

/// Classifies transaction control statements by their leading keywords.
pub fn tx_control(head: &str) -> TxControl {
    let mut w = head.split(' ');
    let first = w.next().unwrap_or("");
    let second = w.next().unwrap_or("");
    match first {
        "BEGIN" => TxControl::Begin,
        "START" if second == "TRANSACTION" => TxControl::Begin,
        "COMMIT" if second == "PREPARED" => TxControl::None,
        "COMMIT" | "END" | "ABORT" => TxControl::End,
        "ROLLBACK" if second == "TO" => TxControl::Inside,
        "ROLLBACK" if second == "PREPARED" => TxControl::None,
        "ROLLBACK" => TxControl::End,
        "PREPARE" if second == "TRANSACTION" => TxControl::End,
        "SAVEPOINT" | "RELEASE" => TxControl::Inside,
        _ => TxControl::None,
    }
}

/// Whether PostgreSQL accepts the statement inside a transaction block.
pub fn runs_in_transaction(head: &str, sql: &str, server_major: u32) -> bool {
    if tx_control(head) != TxControl::None {
        return false;
    }
    let starts = |p: &str| head == p || head.starts_with(&format!("{p} "));
    if starts("VACUUM")
        || starts("CREATE DATABASE")
        || starts("DROP DATABASE")
        || starts("ALTER SYSTEM")
        || starts("CREATE TABLESPACE")
        || starts("DROP TABLESPACE")
        || starts("CREATE SUBSCRIPTION")
        || starts("REINDEX SYSTEM")
        || starts("REINDEX DATABASE")
    {
        return false;
    }
    let words = keywords(sql);
    if words.iter().any(|w| w == "CONCURRENTLY") && !starts("REFRESH") {
        return false;
    }
    if server_major < 12
        && starts("ALTER TYPE")
        && words.windows(2).any(|p| p[0] == "ADD" && p[1] == "VALUE")
    {
        return false;
    }
    true
}

/// Upper-cased words of a statement outside string constants, quoted identifiers, dollar
/// quotes and comments.
fn keywords(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if c == b'$' {
            // $tag$ ... $tag$
            let tag_end = sql[i + 1..].find('$').map(|n| i + 1 + n).filter(|&e| {
                sql[i + 1..e]
                    .chars()
                    .all(|ch| ch.is_alphanumeric() || ch == '_')
            });
            match tag_end {
                Some(e) => {
                    let tag = &sql[i..=e];
                    i = match sql[e + 1..].find(tag) {
                        Some(n) => e + 1 + n + tag.len(),
                        None => b.len(),
                    };
                }
                None => i += 1,
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            out.push(sql[s..i].to_ascii_uppercase());
        } else {
            i += 1;
        }
    }
    out
}

/// Maps PostgreSQL's error position (1-based, in characters, into the text sent) to a byte
/// offset into the statement, given how many characters were sent before the statement.
pub fn position_in_statement(stmt: &str, prefix_chars: usize, position: u32) -> Option<usize> {
    let index = (position as usize)
        .checked_sub(1)?
        .checked_sub(prefix_chars)?;
    stmt.char_indices().nth(index).map(|(b, _)| b)
}

/// The byte range of the token starting at `offset` in `text` (an identifier, possibly
/// qualified and quoted, a number, or else one character).
pub fn token_at(text: &str, offset: usize) -> Range<usize> {
    let rest = &text[offset..];
    let mut end = 0;
    let mut chars = rest.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c == '"' {
            chars.next();
            let mut closed = false;
            for (j, d) in chars.by_ref() {
                if d == '"' {
                    end = j + 1;
                    closed = true;
                    break;
                }
            }
            if !closed {
                end = rest.len();
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' || (c == '.' && end > 0) {
            end = i + c.len_utf8();
            chars.next();
        } else {
            break;
        }
    }
    if end == 0 {
        end = rest.chars().next().map_or(0, char::len_utf8);
    }
    // A trailing '.' is not part of the name.
    let mut r = offset..offset + end;
    while r.end > r.start + 1 && text[..r.end].ends_with('.') {
        r.end -= 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plans `sql` as the tool `tool` (a tool module id) would run it.
    fn plan(sql: &str, tool: &str) -> FilePlan {
        let tool = migcheck_core::tool::by_id(tool).unwrap();
        let file = migcheck_core::discover::MigrationFile {
            path: "m/1_x.sql".into(),
            version: Some("1".into()),
            name: "x".into(),
            role: migcheck_core::discover::Role::Up,
            reported: true,
            is_new: false,
        };
        // Parsed as `check` does: the tool marks its rollback sections.
        let parsed = migcheck_core::lint::parse_as(tool, file.role, sql);
        plan_file(sql, &parsed, tool.wrapping(&file, sql), 15)
    }

    #[test]
    fn wrapped_unless_the_file_cannot_run_in_a_transaction() {
        let p = plan(
            "create table t (id int);\ncreate index i on t (id);",
            "supabase",
        );
        assert!(p.wrap);
        assert_eq!(p.steps.len(), 2);
        let p = plan(
            "create table t (id int);\ncreate index concurrently i on t (id);",
            "supabase",
        );
        assert!(!p.wrap);
        assert_eq!(
            p.unwrapped_because.as_deref(),
            Some("CREATE INDEX CONCURRENTLY cannot run inside a transaction")
        );
        assert!(p.steps[0].in_transaction_ok && !p.steps[1].in_transaction_ok);
        let p = plan("begin;\ncreate table t (id int);\ncommit;", "prisma");
        assert!(!p.wrap);
        assert_eq!(p.steps[0].tx, TxControl::Begin);
        assert_eq!(p.steps[2].tx, TxControl::End);
        let p = plan("-- no-transaction\ncreate table t (id int);", "sqlx");
        assert!(!p.wrap);
        let p = plan(
            "-- migrate:up transaction:false\ncreate table t (id int);\n-- migrate:down\ndrop table t;",
            "dbmate",
        );
        assert!(!p.wrap);
        assert_eq!(p.steps.len(), 1, "down section skipped");
        // Tools that never wrap; a one-statement script gets no implicit transaction.
        assert!(!plan("create table t (id int);", "plain").wrap);
        assert!(!plan("create table t (id int);", "golang-migrate").wrap);
        assert!(
            plan(
                "create table t (id int); create table u (id int);",
                "golang-migrate"
            )
            .wrap
        );
        assert!(
            !plan(
                "-- +goose Up\n-- +goose NO TRANSACTION\ncreate table t (id int);",
                "goose"
            )
            .wrap
        );
        assert!(
            !plan(
                "-- postgres-migrations disable-transaction\ncreate table t (id int);",
                "postgres-migrations"
            )
            .wrap
        );
        // The word in a string or comment does not count; REFRESH ... CONCURRENTLY runs in one.
        assert!(plan("select 'concurrently'; -- concurrently", "supabase").wrap);
        assert!(plan("refresh materialized view concurrently m;", "supabase").wrap);
    }

    #[test]
    fn do_blocks_are_sent_whole() {
        let sql = "do $$ begin alter table t add column c int; end $$;\nselect 1;";
        let p = plan(sql, "supabase");
        assert_eq!(p.steps.len(), 2);
        assert!(sql[p.steps[0].span.clone()].starts_with("do $$"));
        assert!(sql[p.steps[0].span.clone()].ends_with("$$;"));
    }

    #[test]
    fn enum_values_before_pg12() {
        let sql = "alter type mood add value 'meh';";
        assert!(runs_in_transaction("ALTER TYPE MOOD", sql, 12));
        assert!(!runs_in_transaction("ALTER TYPE MOOD", sql, 11));
    }

    #[test]
    fn positions_map_back() {
        let stmt = "ALTER TABLE tile_setting ENABLE ROW LEVEL SECURITY;";
        let at = position_in_statement(stmt, 0, 13).unwrap();
        assert_eq!(&stmt[token_at(stmt, at)], "tile_setting");
        let at = position_in_statement(stmt, 7, 20).unwrap();
        assert_eq!(at, 12);
        let s = "select é, \"Ünï\".x from y";
        let at = position_in_statement(s, 0, 11).unwrap();
        assert_eq!(&s[token_at(s, at)], "\"Ünï\".x");
        assert_eq!(position_in_statement(s, 0, 500), None);
        assert_eq!(position_in_statement(s, 3, 2), None);
        assert_eq!(&s[token_at(s, s.find(',').unwrap())], ",");
    }
}
