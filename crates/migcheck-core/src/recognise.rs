//! Statements sqlparser cannot read, read by a small grammar of our own per statement family.
//!
//! sqlparser 0.64 does not support a number of valid PostgreSQL statements that real migrations
//! use (`COMMENT ON FUNCTION f(int)`, `DROP INDEX CONCURRENTLY`, `REINDEX`, `CLUSTER`,
//! `VACUUM (...)`, `ALTER DOMAIN`, `CREATE PROCEDURE`, ...). For each family this module checks
//! the statement's shape on the fallback's tokens and says what it is, so that:
//!
//! - `unparsed-statement` does not warn about a statement we understood;
//! - its effect on the schema model comes from the token-level fallback
//!   ([`crate::fallback::effects`]) plus the few creations listed in [`extra_effects`];
//! - the locks it takes come from [`Reading::lock`], which the locking rules read.
//!
//! A statement that matches no family stays unread (`unparsed-statement` plus the token scan).
//! A few statements are recognised as *not valid PostgreSQL* (the server will reject them), so
//! that the finding can say so; see [`invalid`].

use std::borrow::Cow;

use crate::effect::{Effect, ObjectKind, QualName};
use crate::fallback::{tokens, Tok};

/// What our own reader made of a statement the parser could not read.
/// Its texts are `Cow`s so that the parse cache (`crate::cache`) can store and read them back;
/// the reader itself only ever makes borrowed ones.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Reading {
    /// A valid statement of this family (e.g. "COMMENT ON", "REINDEX").
    Valid(Cow<'static, str>),
    /// Not valid PostgreSQL: applying it fails. The text says why.
    Invalid(Cow<'static, str>),
}

/// The strongest lock a recognised maintenance command takes on a whole existing table, with
/// the table (or index) it names, when that is a hazard the locking rules report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLock {
    /// The command, as shown in messages (`VACUUM FULL`, `CLUSTER`, `REINDEX`...).
    pub command: &'static str,
    /// The table named, when the statement names one.
    pub table: Option<QualName>,
    /// The index named (`REINDEX INDEX i`, `CLUSTER t USING i`).
    pub index: Option<QualName>,
    /// True when the command rewrites the table (not only locks it).
    pub rewrites: bool,
    /// True when a concurrent form exists that the help may advise.
    pub concurrent_form: bool,
}

fn word(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Word(u, _)) => Some(u.as_str()),
        _ => None,
    }
}

/// Whether `text` holds `word` (ASCII lower case) in any ASCII case, anywhere: a cheap test
/// before tokenizing a statement to look for that word.
pub(crate) fn contains_word_text(text: &str, word: &str) -> bool {
    let (b, w) = (text.as_bytes(), word.as_bytes());
    let Some(&first) = w.first() else {
        return true;
    };
    // Only where the word's first letter is, in either case, is the rest compared.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), b).any(|i| {
        b.get(i..i + w.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(w))
    })
}

/// Whether the statement text `sql` may start with one of `words` (ASCII lower case), in any
/// ASCII case: a cheap test before tokenizing a statement that only its first word can make
/// interesting. A statement's span starts at its first token; text that starts with a comment
/// answers yes (the tokenizer decides).
pub(crate) fn may_start_with(sql: &str, words: &[&str]) -> bool {
    let t = sql.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    t.starts_with("--")
        || t.starts_with("/*")
        || words
            .iter()
            .any(|w| t.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w)))
}

fn words(toks: &[Tok]) -> Vec<&str> {
    toks.iter()
        .map(|t| match t {
            Tok::Word(u, _) => u.as_str(),
            _ => "",
        })
        .collect()
}

fn starts(w: &[&str], seq: &[&str]) -> bool {
    w.len() >= seq.len() && w.iter().zip(seq).all(|(a, b)| a == b)
}

fn has(w: &[&str], x: &str) -> bool {
    w.contains(&x)
}

/// Object kinds `COMMENT ON` accepts (first word).
const COMMENT_KINDS: &[&str] = &[
    "ACCESS",
    "AGGREGATE",
    "CAST",
    "COLLATION",
    "COLUMN",
    "CONSTRAINT",
    "CONVERSION",
    "DATABASE",
    "DOMAIN",
    "EXTENSION",
    "EVENT",
    "FOREIGN",
    "FUNCTION",
    "INDEX",
    "LARGE",
    "MATERIALIZED",
    "OPERATOR",
    "POLICY",
    "PROCEDURAL",
    "LANGUAGE",
    "PROCEDURE",
    "PUBLICATION",
    "ROLE",
    "ROUTINE",
    "RULE",
    "SCHEMA",
    "SEQUENCE",
    "SERVER",
    "STATISTICS",
    "SUBSCRIPTION",
    "TABLE",
    "TABLESPACE",
    "TEXT",
    "TRANSFORM",
    "TRIGGER",
    "TYPE",
    "VIEW",
];

/// Actions of `ALTER TABLE` that sqlparser 0.64 does not read for PostgreSQL.
const ALTER_TABLE_EXTRA: &[&[&str]] = &[
    &["SET", "TABLESPACE"],
    &["SET", "LOGGED"],
    &["SET", "UNLOGGED"],
    &["SET", "SCHEMA"],
    &["SET", "WITHOUT", "CLUSTER"],
    &["SET", "WITHOUT", "OIDS"],
    &["SET", "ACCESS", "METHOD"],
    &["CLUSTER", "ON"],
    &["DETACH", "PARTITION"],
    &["ATTACH", "PARTITION"],
    &["INHERIT"],
    &["NO", "INHERIT"],
    &["OF"],
    &["NOT", "OF"],
    &["REPLICA", "IDENTITY"],
    &["OWNER", "TO"],
    &["RESET"],
    &["SET", "("],
    // `ALTER [COLUMN] c SET STATISTICS n` (SHARE UPDATE EXCLUSIVE, no rewrite).
    &["SET", "STATISTICS"],
    // `ADD GENERATED ... AS IDENTITY (SEQUENCE NAME s ...)`: sqlparser reads the action but
    // not its sequence options (pg_dump writes them; Cap-go's base migration has eight).
    &["IDENTITY", "(", "SEQUENCE"],
    &["IDENTITY", "(", "START"],
    &["IDENTITY", "(", "INCREMENT"],
];

/// Options of `CREATE ROLE` / `CREATE USER` / `CREATE GROUP` (gram.y `CreateOptRoleElem` and
/// `AlterOptRoleElem`): the first word after the name (and an optional `WITH`) must be one.
const ROLE_OPTIONS: &[&str] = &[
    "SUPERUSER",
    "NOSUPERUSER",
    "CREATEDB",
    "NOCREATEDB",
    "CREATEROLE",
    "NOCREATEROLE",
    "INHERIT",
    "NOINHERIT",
    "LOGIN",
    "NOLOGIN",
    "REPLICATION",
    "NOREPLICATION",
    "BYPASSRLS",
    "NOBYPASSRLS",
    "CONNECTION",
    "PASSWORD",
    "ENCRYPTED",
    "UNENCRYPTED",
    "VALID",
    "IN",
    "ROLE",
    "ADMIN",
    "USER",
    "SYSID",
];

/// Reads a statement sqlparser rejected. `None`: not a family we know; it stays unread.
pub fn read(sql: &str) -> Option<Reading> {
    let toks = tokens(sql);
    let w = words(&toks);
    if let Some(why) = invalid(&w) {
        return Some(Reading::Invalid(Cow::Borrowed(why)));
    }
    let first = *w.first()?;
    let family = match first {
        "COMMENT"
            if w.get(1) == Some(&"ON") && w.get(2).is_some_and(|k| COMMENT_KINDS.contains(k)) =>
        {
            // `... IS 'text'` or `... IS NULL` (the text may be an E'' or dollar-quoted string).
            let is = toks
                .iter()
                .rposition(|t| matches!(t, Tok::Word(u, _) if u == "IS"));
            let ok = is.is_some_and(|i| {
                matches!(toks.get(i + 1), Some(Tok::Str(_) | Tok::Other))
                    || matches!(toks.get(i + 1), Some(Tok::Word(u, _)) if u == "NULL")
            });
            ok.then_some("COMMENT ON")?
        }
        "DROP" if starts(&w, &["DROP", "INDEX", "CONCURRENTLY"]) => "DROP INDEX CONCURRENTLY",
        "DROP" if starts(&w, &["DROP", "EVENT", "TRIGGER"]) => "DROP EVENT TRIGGER",
        "DROP" if starts(&w, &["DROP", "PUBLICATION"]) => "DROP PUBLICATION",
        "DROP" if starts(&w, &["DROP", "PROCEDURE"]) || starts(&w, &["DROP", "ROUTINE"]) => {
            "DROP PROCEDURE"
        }
        "DROP"
            if matches!(
                w.get(1),
                Some(
                    &"DOMAIN"
                        | &"AGGREGATE"
                        | &"CAST"
                        | &"OPERATOR"
                        | &"RULE"
                        | &"STATISTICS"
                        | &"COLLATION"
                        | &"SERVER"
                        | &"TEXT"
                        | &"OWNED"
                        | &"SUBSCRIPTION"
                        | &"FOREIGN"
                        | &"TRANSFORM"
                        | &"CONVERSION"
                        | &"LANGUAGE"
                        | &"ACCESS"
                        | &"TABLESPACE"
                        | &"USER"
                )
            ) =>
        {
            "DROP (other object)"
        }
        "ALTER" => match w.get(1).copied()? {
            "PUBLICATION" => "ALTER PUBLICATION",
            "SUBSCRIPTION" => "ALTER SUBSCRIPTION",
            "EVENT" if w.get(2) == Some(&"TRIGGER") => "ALTER EVENT TRIGGER",
            "TYPE" => "ALTER TYPE",
            "SEQUENCE" => "ALTER SEQUENCE",
            "DOMAIN" => "ALTER DOMAIN",
            // SECURITY DEFINER changes stay unread, for a human to review.
            "FUNCTION" | "PROCEDURE" | "ROUTINE" | "AGGREGATE" if !has(&w, "SECURITY") => {
                "ALTER FUNCTION"
            }
            "VIEW" | "MATERIALIZED" => "ALTER VIEW",
            "INDEX" => "ALTER INDEX",
            "SCHEMA" => "ALTER SCHEMA",
            "EXTENSION" => "ALTER EXTENSION",
            "DATABASE" => "ALTER DATABASE",
            "ROLE" | "USER" | "GROUP" => "ALTER ROLE",
            "TRIGGER" => "ALTER TRIGGER",
            "STATISTICS" => "ALTER STATISTICS",
            "TEXT" => "ALTER TEXT SEARCH",
            "FOREIGN" if w.get(2) != Some(&"TABLE") => "ALTER FOREIGN DATA WRAPPER",
            "SERVER" => "ALTER SERVER",
            "LARGE" => "ALTER LARGE OBJECT",
            "TABLESPACE" => "ALTER TABLESPACE",
            "OPERATOR" => "ALTER OPERATOR",
            "COLLATION" => "ALTER COLLATION",
            "RULE" => "ALTER RULE",
            "TABLE" | "FOREIGN" => {
                // Every action must be one sqlparser reads or one of ours; the fallback
                // extracts the effects of both.
                let texts: Vec<String> = toks
                    .iter()
                    .map(|t| match t {
                        Tok::Word(u, _) => u.clone(),
                        Tok::LParen => "(".into(),
                        _ => String::new(),
                    })
                    .collect();
                let ok = ALTER_TABLE_EXTRA.iter().any(|seq| {
                    texts
                        .windows(seq.len())
                        .any(|win| win.iter().zip(seq.iter()).all(|(a, b)| a.as_str() == *b))
                });
                ok.then_some("ALTER TABLE")?
            }
            _ => return None,
        },
        // `CREATE ROLE r [WITH] NOINHERIT CREATEROLE ...`: sqlparser 0.64 reads some option
        // lists (`WITH LOGIN PASSWORD 'x'`) but not others (`NOINHERIT CREATEROLE`). A role
        // changes no table: nothing for the model or the locking rules.
        "CREATE"
            if matches!(w.get(1), Some(&"ROLE" | &"USER" | &"GROUP"))
                && w.get(2).is_some_and(|n| !n.is_empty())
                && {
                    let at = if w.get(3) == Some(&"WITH") { 4 } else { 3 };
                    w.get(at).is_some_and(|o| ROLE_OPTIONS.contains(o))
                } =>
        {
            "CREATE ROLE"
        }
        // `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON ONLY t ...`: an index on the
        // partitioned parent only, not recursing to its partitions (PostgreSQL docs, CREATE
        // INDEX, "ONLY"). The parent holds no rows: nothing is scanned, and the SHARE lock is
        // on the parent alone, so it is not the long lock `require-concurrent-index` is about.
        // Its creation comes from [`extra_effects`].
        "CREATE" if index_on_only(&toks).is_some() => "CREATE INDEX ON ONLY",
        "CREATE" => {
            let mut i = 1;
            if starts(&w[1..], &["OR", "REPLACE"]) {
                i = 3;
            }
            if w.get(i) == Some(&"CONSTRAINT") && w.get(i + 1) == Some(&"TRIGGER") {
                "CREATE CONSTRAINT TRIGGER"
            } else {
                match w.get(i).copied()? {
                    "PROCEDURE" => "CREATE PROCEDURE",
                    "EVENT" if w.get(i + 1) == Some(&"TRIGGER") => "CREATE EVENT TRIGGER",
                    "DOMAIN" => "CREATE DOMAIN",
                    "PUBLICATION" => "CREATE PUBLICATION",
                    "AGGREGATE" => "CREATE AGGREGATE",
                    "CAST" => "CREATE CAST",
                    "COLLATION" => "CREATE COLLATION",
                    "OPERATOR" => "CREATE OPERATOR",
                    "RULE" => "CREATE RULE",
                    "STATISTICS" => "CREATE STATISTICS",
                    "TEXT" => "CREATE TEXT SEARCH",
                    "CONVERSION" => "CREATE CONVERSION",
                    "TRANSFORM" => "CREATE TRANSFORM",
                    "LANGUAGE" | "TRUSTED" | "PROCEDURAL" => "CREATE LANGUAGE",
                    "SUBSCRIPTION" => "CREATE SUBSCRIPTION",
                    "TRIGGER" => "CREATE TRIGGER",
                    "TYPE" => "CREATE TYPE",
                    "FOREIGN" | "SERVER" => "CREATE FOREIGN DATA",
                    "USER" if w.get(i + 1) == Some(&"MAPPING") => "CREATE USER MAPPING",
                    _ => return None,
                }
            }
        }
        "REINDEX" => "REINDEX",
        "CLUSTER" => "CLUSTER",
        "VACUUM" => "VACUUM",
        "ANALYZE" | "ANALYSE" => "ANALYZE",
        "UPDATE" if has(&w, "SET") => "UPDATE",
        "SECURITY" if w.get(1) == Some(&"LABEL") => "SECURITY LABEL",
        "IMPORT" if w.get(1) == Some(&"FOREIGN") => "IMPORT FOREIGN SCHEMA",
        "REFRESH" if w.get(1) == Some(&"MATERIALIZED") => "REFRESH MATERIALIZED VIEW",
        "REASSIGN" if w.get(1) == Some(&"OWNED") => "REASSIGN OWNED",
        // Rows, not schema: an INSERT sqlparser trips over (a column named like a keyword)
        // changes nothing the model or the locking rules track.
        "INSERT" if w.get(1) == Some(&"INTO") => "INSERT",
        "SELECT" | "WITH" | "INSERT" | "DELETE" => return None,
        "NOTIFY" | "LISTEN" | "DISCARD" | "CHECKPOINT" | "LOAD" | "RESET" => "session command",
        // `SET CONSTRAINTS {ALL | names} {DEFERRED | IMMEDIATE}` (Django emits `SET
        // CONSTRAINTS "fk" IMMEDIATE` after each foreign key it adds): only when this
        // transaction checks its deferred constraints.
        "SET"
            if w.get(1) == Some(&"CONSTRAINTS")
                && matches!(
                    w.iter().rev().find(|x| !x.is_empty()),
                    Some(&"IMMEDIATE" | &"DEFERRED")
                ) =>
        {
            "SET CONSTRAINTS"
        }
        // `GRANT` / `REVOKE ... ON TYPE | DOMAIN`, which sqlparser 0.64 does not read: the
        // security rules judge privileges on tables, functions, sequences and schemas
        // (`revoke-from-client-role` ignores the other kinds), so nothing is lost by reading
        // them here.
        "GRANT" | "REVOKE"
            if w.windows(2)
                .any(|p| p[0] == "ON" && matches!(p[1], "TYPE" | "DOMAIN"))
                && (has(&w, "TO") || has(&w, "FROM")) =>
        {
            "GRANT ON TYPE"
        }
        // GRANT / REVOKE and ALTER DEFAULT PRIVILEGES are left unread on purpose: the security
        // rules need their parsed form, so a human reviews the ones sqlparser cannot read.
        _ => return None,
    };
    Some(Reading::Valid(Cow::Borrowed(family)))
}

/// For `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON ONLY table`: the index's name (when
/// given) and the table.
fn index_on_only(toks: &[Tok]) -> Option<(Option<QualName>, QualName)> {
    let w = words(toks);
    let mut i = 1;
    if w.get(i) == Some(&"UNIQUE") {
        i += 1;
    }
    if w.get(i) != Some(&"INDEX") {
        return None;
    }
    i += 1;
    if starts(&w[i.min(w.len())..], &["IF", "NOT", "EXISTS"]) {
        i += 3;
    }
    let name = if w.get(i) == Some(&"ON") {
        None
    } else {
        let (n, next) = name_at(toks, i)?;
        i = next;
        Some(n)
    };
    if !(w.get(i) == Some(&"ON") && w.get(i + 1) == Some(&"ONLY")) {
        return None;
    }
    let (table, _) = name_at(toks, i + 2)?;
    Some((name, table))
}

/// Statements PostgreSQL's grammar rejects, which real projects have shipped.
fn invalid(w: &[&str]) -> Option<&'static str> {
    if starts(w, &["CREATE", "ROLE", "IF", "NOT", "EXISTS"])
        || starts(w, &["CREATE", "USER", "IF", "NOT", "EXISTS"])
    {
        return Some(
            "PostgreSQL has no `CREATE ROLE IF NOT EXISTS` (checked against its grammar, gram.y `CreateRoleStmt`): the server rejects this statement with a syntax error, so the migration fails when applied. Certain, unless a tool rewrites the statement before sending it",
        );
    }
    if starts(w, &["CREATE", "POLICY", "IF", "NOT", "EXISTS"]) {
        return Some(
            "PostgreSQL has no `CREATE POLICY IF NOT EXISTS` (gram.y `CreatePolicyStmt`): the server rejects this statement with a syntax error, so the migration fails when applied. Certain, unless a tool rewrites the statement before sending it",
        );
    }
    if starts(w, &["CREATE", "TRIGGER", "IF", "NOT", "EXISTS"]) {
        return Some(
            "PostgreSQL has no `CREATE TRIGGER IF NOT EXISTS` (gram.y `CreateTrigStmt`; use `CREATE OR REPLACE TRIGGER`, PostgreSQL 14+): the server rejects this statement with a syntax error. Certain, unless a tool rewrites the statement before sending it",
        );
    }
    if starts(w, &["CREATE", "TYPE", "IF", "NOT", "EXISTS"]) {
        return Some(
            "PostgreSQL has no `CREATE TYPE IF NOT EXISTS` (gram.y `DefineStmt`): the server rejects this statement with a syntax error. Certain, unless a tool rewrites the statement before sending it",
        );
    }
    None
}

/// Schema effects of recognised statements that the fallback does not produce (creations of
/// procedures, domains, event triggers and publications, which `drop-object` and the model use
/// to tell a replacement from a drop).
pub fn extra_effects(sql: &str, reading: &Reading) -> Vec<Effect> {
    let Reading::Valid(family) = reading else {
        return Vec::new();
    };
    let kind = match &**family {
        "CREATE INDEX ON ONLY" => {
            // An index lives in its table's schema; an unnamed one is named by the server.
            let toks = tokens(sql);
            return match index_on_only(&toks) {
                Some((Some(mut name), table)) => {
                    name.schema = name.schema.or_else(|| table.schema.clone());
                    vec![Effect::CreateObject {
                        kind: ObjectKind::Index,
                        name,
                        on: Some(table),
                    }]
                }
                _ => Vec::new(),
            };
        }
        "CREATE PROCEDURE" => ObjectKind::Procedure,
        "CREATE DOMAIN" => ObjectKind::Domain,
        _ => return Vec::new(),
    };
    let toks = tokens(sql);
    let at = toks
        .iter()
        .position(|t| matches!(t, Tok::Word(u, _) if u == "PROCEDURE" || u == "DOMAIN"));
    let Some(at) = at else { return Vec::new() };
    let mut parts = Vec::new();
    let mut i = at + 1;
    while let Some(t) = toks.get(i) {
        match t {
            Tok::Word(_, f) => parts.push(crate::effect::truncate_identifier(f.clone())),
            Tok::Quoted(q) => parts.push(crate::effect::truncate_identifier(q.clone())),
            _ => break,
        }
        if toks.get(i + 1) != Some(&Tok::Dot) {
            break;
        }
        i += 2;
    }
    let Some(name) = parts.pop() else {
        return Vec::new();
    };
    vec![Effect::CreateObject {
        kind,
        name: QualName {
            schema: parts.pop(),
            name,
        },
        on: None,
    }]
}

/// A possibly schema-qualified name starting at token `i`, and the index of the token after it.
pub(crate) fn name_at(toks: &[Tok], mut i: usize) -> Option<(QualName, usize)> {
    let mut parts = Vec::new();
    loop {
        match toks.get(i)? {
            Tok::Word(_, f) => parts.push(f.clone()),
            Tok::Quoted(q) => parts.push(q.clone()),
            _ => return None,
        }
        i += 1;
        if toks.get(i) == Some(&Tok::Dot) {
            i += 1;
        } else {
            break;
        }
    }
    let name = parts.pop()?;
    Some((
        QualName {
            schema: parts.pop(),
            name,
        },
        i,
    ))
}

/// Skips a parenthesised option list at `i` (`VACUUM (FULL, ANALYZE)`), returning the words
/// inside (upper-cased, with any `false` / `off` option value applied) and the next position.
fn options_at(toks: &[Tok], i: usize) -> (Vec<(String, bool)>, usize) {
    let mut out = Vec::new();
    if toks.get(i) != Some(&Tok::LParen) {
        return (out, i);
    }
    let mut j = i + 1;
    let mut current: Option<String> = None;
    let mut on = true;
    while let Some(t) = toks.get(j) {
        j += 1;
        match t {
            Tok::RParen => break,
            Tok::Comma => {
                if let Some(c) = current.take() {
                    out.push((c, on));
                }
                on = true;
            }
            Tok::Word(u, _) if current.is_none() => current = Some(u.clone()),
            Tok::Word(u, _) => {
                if matches!(u.as_str(), "FALSE" | "OFF") {
                    on = false;
                }
            }
            Tok::Other => {
                // A numeric value: `0` turns a boolean option off.
            }
            _ => {}
        }
    }
    if let Some(c) = current.take() {
        out.push((c, on));
    }
    (out, j)
}

/// The whole-table lock of a maintenance command (`VACUUM FULL`, `CLUSTER`, `REINDEX`), read
/// from its text whether or not sqlparser parsed it. `None` for other statements and for the
/// forms that take no blocking lock (`VACUUM` without FULL, `REINDEX ... CONCURRENTLY`).
pub fn command_lock(sql: &str) -> Option<CommandLock> {
    // Every statement comes here: tokenize only one that can start with one of these words.
    if !may_start_with(sql, &["vacuum", "cluster", "reindex"]) {
        return None;
    }
    let toks = tokens(sql);
    let w = words(&toks);
    match *w.first()? {
        "VACUUM" => {
            let (opts, mut i) = options_at(&toks, 1);
            let mut full = opts.iter().any(|(o, on)| o == "FULL" && *on);
            // Old syntax: VACUUM FULL FREEZE VERBOSE ANALYZE t
            while let Some(u) = word(toks.get(i)) {
                match u {
                    "FULL" => full = true,
                    "FREEZE" | "VERBOSE" | "ANALYZE" | "ANALYSE" => {}
                    _ => break,
                }
                i += 1;
            }
            if !full {
                return None;
            }
            Some(CommandLock {
                command: "VACUUM FULL",
                table: name_at(&toks, i).map(|(n, _)| n),
                index: None,
                rewrites: true,
                concurrent_form: false,
            })
        }
        "CLUSTER" => {
            let (_, mut i) = options_at(&toks, 1);
            if word(toks.get(i)) == Some("VERBOSE") {
                i += 1;
            }
            let (table, next) = match name_at(&toks, i) {
                Some((n, j)) => (Some(n), j),
                None => (None, i),
            };
            // CLUSTER index ON table (pre-8.3 syntax) or CLUSTER table USING index.
            let (table, index) = match word(toks.get(next)) {
                Some("USING") => (table, name_at(&toks, next + 1).map(|(n, _)| n)),
                Some("ON") => (name_at(&toks, next + 1).map(|(n, _)| n), table),
                _ => (table, None),
            };
            Some(CommandLock {
                command: "CLUSTER",
                table,
                index,
                rewrites: true,
                concurrent_form: false,
            })
        }
        "REINDEX" => {
            let (opts, mut i) = options_at(&toks, 1);
            let mut concurrently = opts.iter().any(|(o, on)| o == "CONCURRENTLY" && *on);
            let kind = word(toks.get(i))?.to_string();
            i += 1;
            if word(toks.get(i)) == Some("CONCURRENTLY") {
                concurrently = true;
                i += 1;
            }
            if concurrently {
                return None;
            }
            let name = name_at(&toks, i).map(|(n, _)| n);
            let (table, index) = match kind.as_str() {
                "INDEX" => (None, name),
                "TABLE" => (name, None),
                _ => (None, None),
            };
            Some(CommandLock {
                command: match kind.as_str() {
                    "INDEX" => "REINDEX INDEX",
                    "TABLE" => "REINDEX TABLE",
                    "SCHEMA" => "REINDEX SCHEMA",
                    "DATABASE" => "REINDEX DATABASE",
                    _ => "REINDEX SYSTEM",
                },
                table,
                index,
                rewrites: true,
                // REINDEX SYSTEM cannot run concurrently (PostgreSQL docs, REINDEX).
                concurrent_form: kind != "SYSTEM",
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(sql: &str) -> Cow<'static, str> {
        match read(sql) {
            Some(Reading::Valid(f)) => f,
            other => panic!("{sql}: {other:?}"),
        }
    }

    #[test]
    fn reads_the_families_sqlparser_does_not() {
        assert_eq!(
            valid("COMMENT ON FUNCTION public.f(integer, text) IS 'x'"),
            "COMMENT ON"
        );
        assert_eq!(valid("comment on policy p on t is null"), "COMMENT ON");
        assert_eq!(
            valid("DROP INDEX CONCURRENTLY IF EXISTS i"),
            "DROP INDEX CONCURRENTLY"
        );
        assert_eq!(
            valid("ALTER PUBLICATION supabase_realtime ADD TABLE t"),
            "ALTER PUBLICATION"
        );
        assert_eq!(
            valid("CREATE EVENT TRIGGER e ON ddl_command_end EXECUTE FUNCTION f()"),
            "CREATE EVENT TRIGGER"
        );
        assert_eq!(
            valid("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ select 1 $$"),
            "CREATE PROCEDURE"
        );
        assert_eq!(valid("ALTER TYPE t ADD ATTRIBUTE a int"), "ALTER TYPE");
        assert_eq!(valid("ALTER SEQUENCE s OWNED BY t.id"), "ALTER SEQUENCE");
        assert_eq!(valid("REINDEX (VERBOSE) TABLE t"), "REINDEX");
        assert_eq!(valid("VACUUM (FULL, ANALYZE) t"), "VACUUM");
        assert_eq!(
            valid("ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0)"),
            "ALTER DOMAIN"
        );
        assert_eq!(valid("UPDATE t SET a[1] = 1"), "UPDATE");
        assert_eq!(valid("ALTER TABLE t SET TABLESPACE fast"), "ALTER TABLE");
        assert_eq!(read("ALTER TABLE t FROBNICATE"), None);
        // Issue 28 item 13.
        assert_eq!(
            valid("CREATE USER supabase_admin NOINHERIT CREATEROLE LOGIN"),
            "CREATE ROLE"
        );
        assert_eq!(
            valid("create role app with noinherit password 'x'"),
            "CREATE ROLE"
        );
        assert_eq!(read("CREATE ROLE app FROBNICATE"), None);
        assert_eq!(
            valid(r#"SET CONSTRAINTS "a_b_fk" IMMEDIATE"#),
            "SET CONSTRAINTS"
        );
        assert_eq!(valid("set constraints all deferred;"), "SET CONSTRAINTS");
        assert_eq!(
            valid("CREATE INDEX orders_status_idx ON ONLY public.orders (status)"),
            "CREATE INDEX ON ONLY"
        );
        assert_eq!(
            valid("create unique index if not exists i on only t using btree (a)"),
            "CREATE INDEX ON ONLY"
        );
        assert_eq!(
            valid("ALTER TABLE t ALTER COLUMN c SET STATISTICS 500"),
            "ALTER TABLE"
        );
        assert_eq!(
            valid("ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME public.t_id_seq START WITH 1)"),
            "ALTER TABLE"
        );
        assert_eq!(
            valid("REVOKE USAGE ON TYPE public.mood FROM anon"),
            "GRANT ON TYPE"
        );
        assert_eq!(
            valid("grant usage on domain d to authenticated"),
            "GRANT ON TYPE"
        );
        assert_eq!(read("REVOKE ALL ON weird t FROM anon"), None);
        assert_eq!(read("FROB t"), None);
    }

    #[test]
    fn index_on_only_creates_the_index_on_that_table() {
        let sql = "CREATE INDEX orders_status_idx ON ONLY public.orders (status)";
        assert_eq!(
            extra_effects(sql, &read(sql).unwrap()),
            [Effect::CreateObject {
                kind: ObjectKind::Index,
                name: QualName::new(Some("public"), "orders_status_idx"),
                on: Some(QualName::new(Some("public"), "orders")),
            }]
        );
        let sql = "CREATE INDEX ON ONLY t (a)";
        assert!(extra_effects(sql, &read(sql).unwrap()).is_empty());
        // Not a hazard the locking rules name: only the parent, which holds no rows.
        assert_eq!(command_lock(sql), None);
    }

    #[test]
    fn knows_statements_postgresql_rejects() {
        assert!(matches!(
            read("CREATE ROLE IF NOT EXISTS app"),
            Some(Reading::Invalid(_))
        ));
    }

    #[test]
    fn command_locks() {
        assert_eq!(command_lock("VACUUM t"), None);
        assert_eq!(command_lock("VACUUM (ANALYZE) t"), None);
        assert_eq!(command_lock("VACUUM (FULL false) t"), None);
        let l = command_lock("VACUUM (FULL, ANALYZE) public.t").unwrap();
        assert_eq!(l.table, Some(QualName::new(Some("public"), "t")));
        assert_eq!(
            command_lock("vacuum full t").unwrap().command,
            "VACUUM FULL"
        );
        let l = command_lock("CLUSTER t USING i").unwrap();
        assert_eq!(l.index, Some(QualName::new(None, "i")));
        assert_eq!(command_lock("REINDEX INDEX CONCURRENTLY i"), None);
        assert_eq!(command_lock("REINDEX (CONCURRENTLY) INDEX i"), None);
        let l = command_lock("REINDEX (CONCURRENTLY false) INDEX i").unwrap();
        assert_eq!(l.index, Some(QualName::new(None, "i")));
        assert!(!command_lock("REINDEX SYSTEM db").unwrap().concurrent_form);
    }

    #[test]
    fn command_lock_reads_only_statements_holding_its_words() {
        // The text test before tokenizing: any case, after comments, in a quoted name it is
        // only a hint (the tokens decide).
        assert!(contains_word_text("/* x */ VaCuUm FULL t", "vacuum"));
        assert!(!contains_word_text("select 1", "vacuum"));
        assert!(!contains_word_text("vac", "vacuum"));
        assert!(may_start_with("VaCuUm FULL t", &["vacuum"]));
        assert!(may_start_with("\u{feff} cluster t", &["vacuum", "cluster"]));
        assert!(may_start_with("/* x */ VACUUM FULL t", &["vacuum"]));
        assert!(may_start_with("-- x\nVACUUM FULL t", &["vacuum"]));
        assert!(!may_start_with("select 'vacuum full t'", &["vacuum"]));
        assert!(!may_start_with("vac", &["vacuum"]));
        assert_eq!(
            command_lock("-- why\n/* note */ Vacuum Full t")
                .unwrap()
                .command,
            "VACUUM FULL"
        );
        assert_eq!(command_lock("create table vacuum_log (id int)"), None);
        assert_eq!(command_lock("alter table t add column c int"), None);
    }
}
