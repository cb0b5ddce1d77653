//! The token-level fallback: recognises the non-additive forms in a statement the parser could
//! not read, so that an unreadable `DROP TABLE` is still reported as `drop-table` (besides the
//! `unparsed-statement` warning).
//!
//! It works on sqlparser's tokens, so strings, dollar-quoted bodies and comments are single
//! tokens and never match. When even tokenizing fails (an unterminated string), only the words
//! before the first quote are considered.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::effect::{truncate_identifier, Effect, ObjectKind, QualName};

/// A token reduced to what the fallback (and rules that look at raw statement text) need.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An unquoted word, upper-cased, plus its folded (lower-case) form.
    Word(String, String),
    /// A quoted identifier, exact.
    Quoted(String),
    /// A single-quoted string constant, as written between the quotes.
    Str(String),
    Dot,
    Comma,
    LParen,
    RParen,
    Other,
}

/// The statement's tokens without whitespace and comments. Strings, dollar-quoted bodies and
/// comments are single tokens, so keywords inside them never match.
pub fn tokens(sql: &str) -> Vec<Tok> {
    // As far as the parser would read a statement (`parse::PARSE_TOKENS_UP_TO`): every
    // token-level reader stops there, so one statement of a million tokens costs no more.
    let limit = crate::parse::PARSE_TOKENS_UP_TO;
    let sql = if sql.len() > limit {
        &sql[..crate::split::count_tokens(sql, limit).1]
    } else {
        sql
    };
    crate::work::add(sql.len());
    let dialect = PostgreSqlDialect {};
    match Tokenizer::new(&dialect, sql).tokenize() {
        Ok(toks) => toks
            .into_iter()
            .filter_map(|t| match t {
                Token::Whitespace(_) => None,
                Token::Word(w) if w.quote_style.is_some() => Some(Tok::Quoted(w.value)),
                Token::Word(w) => Some(Tok::Word(
                    w.value.to_ascii_uppercase(),
                    w.value.to_lowercase(),
                )),
                Token::SingleQuotedString(s) => Some(Tok::Str(s)),
                Token::Period => Some(Tok::Dot),
                Token::Comma => Some(Tok::Comma),
                Token::LParen => Some(Tok::LParen),
                Token::RParen => Some(Tok::RParen),
                _ => Some(Tok::Other),
            })
            .collect(),
        Err(_) => {
            let cut = sql.find(['\'', '"', '$']).unwrap_or(sql.len());
            sql[..cut]
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .filter(|w| !w.is_empty())
                .flat_map(|w| {
                    let mut v = Vec::new();
                    for (i, part) in w.split('.').enumerate() {
                        if i > 0 {
                            v.push(Tok::Dot);
                        }
                        v.push(Tok::Word(part.to_ascii_uppercase(), part.to_lowercase()));
                    }
                    v
                })
                .collect()
        }
    }
}

struct Cursor {
    toks: Vec<Tok>,
    pos: usize,
}

impl Cursor {
    fn peek_word(&self) -> Option<&str> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(u, _)) => Some(u),
            _ => None,
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.peek_word() == Some(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_seq(&mut self, words: &[&str]) -> bool {
        let save = self.pos;
        if words.iter().all(|w| self.eat(w)) {
            true
        } else {
            self.pos = save;
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let r = match self.toks.get(self.pos)? {
            Tok::Word(_, folded) => truncate_identifier(folded.clone()),
            Tok::Quoted(exact) => truncate_identifier(exact.clone()),
            _ => return None,
        };
        self.pos += 1;
        Some(r)
    }

    fn name(&mut self) -> Option<QualName> {
        let mut parts = vec![self.ident()?];
        while self.toks.get(self.pos) == Some(&Tok::Dot) {
            self.pos += 1;
            parts.push(self.ident()?);
        }
        // Skip an argument list (`DROP FUNCTION f(int)`).
        if self.toks.get(self.pos) == Some(&Tok::LParen) {
            let mut depth = 0;
            while let Some(t) = self.toks.get(self.pos) {
                self.pos += 1;
                match t {
                    Tok::LParen => depth += 1,
                    Tok::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        let name = parts.pop()?;
        Some(QualName {
            schema: parts.pop(),
            name,
        })
    }

    fn names(&mut self) -> Vec<QualName> {
        let mut out = Vec::new();
        while let Some(n) = self.name() {
            out.push(n);
            if self.toks.get(self.pos) == Some(&Tok::Comma) {
                self.pos += 1;
            } else {
                break;
            }
        }
        out
    }
}

/// Effects recognised in an unparsed statement.
pub fn effects(sql: &str) -> Vec<Effect> {
    let mut c = Cursor {
        toks: tokens(sql),
        pos: 0,
    };
    let mut out = Vec::new();
    if c.eat("DROP") {
        drop(&mut c, &mut out);
    } else if c.eat("TRUNCATE") {
        c.eat("TABLE");
        c.eat("ONLY");
        for table in c.names() {
            out.push(Effect::Truncate { table });
        }
    } else if c.eat("ALTER") {
        alter(&mut c, &mut out);
    } else if c.eat("CREATE") {
        create(&mut c, &mut out);
    } else if c.eat_seq(&["DELETE", "FROM"]) {
        c.eat("ONLY");
        if let Some(table) = c.name() {
            let has_where = c.toks[c.pos..]
                .iter()
                .any(|t| matches!(t, Tok::Word(u, _) if u == "WHERE"));
            if !has_where {
                out.push(Effect::DeleteAllRows { table });
            }
        }
    }
    out
}

fn drop(c: &mut Cursor, out: &mut Vec<Effect>) {
    let kind = if c.eat("TABLE") || c.eat_seq(&["FOREIGN", "TABLE"]) {
        "TABLE"
    } else if c.eat_seq(&["MATERIALIZED", "VIEW"]) {
        "MATERIALIZED VIEW"
    } else {
        match c.peek_word().map(str::to_string) {
            Some(w) => {
                c.pos += 1;
                return drop_other(c, &w, out);
            }
            None => return,
        }
    };
    c.eat("CONCURRENTLY");
    c.eat_seq(&["IF", "EXISTS"]);
    for name in c.names() {
        out.push(match kind {
            "TABLE" => Effect::DropTable { table: name },
            _ => Effect::DropObject {
                kind: ObjectKind::MaterializedView,
                name,
                on: None,
            },
        });
    }
}

fn drop_other(c: &mut Cursor, kw: &str, out: &mut Vec<Effect>) {
    let Some(kind) = ObjectKind::from_keywords(kw) else {
        return;
    };
    c.eat("CONCURRENTLY");
    c.eat_seq(&["IF", "EXISTS"]);
    let names = c.names();
    let on = if c.eat("ON") { c.name() } else { None };
    for name in names {
        out.push(match kind {
            ObjectKind::Schema => Effect::DropSchema { name: name.name },
            _ => Effect::DropObject {
                kind,
                name,
                on: on.clone(),
            },
        });
    }
}

fn alter(c: &mut Cursor, out: &mut Vec<Effect>) {
    let kind = if c.eat("TABLE") || c.eat_seq(&["FOREIGN", "TABLE"]) {
        "table"
    } else if c.eat_seq(&["MATERIALIZED", "VIEW"]) {
        "materialized view"
    } else if let Some(w) = c.peek_word().map(str::to_string) {
        c.pos += 1;
        match ObjectKind::from_keywords(&w) {
            Some(k) => k.as_str(),
            None => return,
        }
    } else {
        return;
    };
    c.eat_seq(&["IF", "EXISTS"]);
    c.eat("ONLY");
    let Some(name) = c.name() else { return };
    // ALTER POLICY p ON t ...
    let on = if c.eat("ON") { c.name() } else { None };
    loop {
        alter_action(c, kind, &name, on.as_ref(), out);
        // Next comma-separated action, if any.
        let mut depth = 0;
        loop {
            match c.toks.get(c.pos) {
                None => return,
                Some(Tok::LParen) => depth += 1,
                Some(Tok::RParen) => depth -= 1,
                Some(Tok::Comma) if depth == 0 => {
                    c.pos += 1;
                    break;
                }
                _ => {}
            }
            c.pos += 1;
        }
    }
}

fn alter_action(
    c: &mut Cursor,
    kind: &'static str,
    name: &QualName,
    on: Option<&QualName>,
    out: &mut Vec<Effect>,
) {
    let table = kind == "table";
    if c.eat("RENAME") {
        if table && c.eat("CONSTRAINT") {
            if let Some(from) = c.ident() {
                c.eat("TO");
                out.push(Effect::RenameObject {
                    kind: ObjectKind::Constraint,
                    name: QualName::new(None, &from),
                    to: c.ident().unwrap_or_default(),
                    on: Some(name.clone()),
                });
            }
        } else if c.eat("TO") {
            let to = c.ident().unwrap_or_default();
            out.push(if table {
                Effect::RenameTable {
                    table: name.clone(),
                    to,
                }
            } else {
                Effect::RenameObject {
                    kind: ObjectKind::from_keywords(&kind.to_ascii_uppercase())
                        .unwrap_or(ObjectKind::Other),
                    name: name.clone(),
                    to,
                    on: on.cloned(),
                }
            });
        } else if kind == "type" && c.eat("VALUE") {
            let from = c.ident().unwrap_or_default();
            c.eat("TO");
            out.push(Effect::RenameObject {
                kind: ObjectKind::EnumValue,
                name: QualName::new(None, &from),
                to: c.ident().unwrap_or_default(),
                on: Some(name.clone()),
            });
        } else if table {
            c.eat("COLUMN");
            if let Some(from) = c.ident() {
                c.eat("TO");
                out.push(Effect::RenameColumn {
                    table: name.clone(),
                    from,
                    to: c.ident().unwrap_or_default(),
                });
            }
        }
    } else if c.eat_seq(&["SET", "SCHEMA"]) {
        out.push(Effect::SetSchema {
            kind,
            name: name.clone(),
            schema: c.ident().unwrap_or_default(),
        });
    } else if !table {
    } else if c.eat("DROP") {
        if c.eat("CONSTRAINT") {
            c.eat_seq(&["IF", "EXISTS"]);
            if let Some(n) = c.ident() {
                out.push(Effect::DropObject {
                    kind: ObjectKind::Constraint,
                    name: QualName::new(None, &n),
                    on: Some(name.clone()),
                });
            }
        } else {
            let explicit = c.eat("COLUMN");
            c.eat_seq(&["IF", "EXISTS"]);
            let save = c.pos;
            let not_column = !explicit
                && matches!(
                    c.peek_word(),
                    Some("DEFAULT" | "NOT" | "IDENTITY" | "EXPRESSION")
                );
            c.pos = save;
            if !not_column {
                if let Some(column) = c.ident() {
                    out.push(Effect::DropColumn {
                        table: name.clone(),
                        column,
                    });
                }
            }
        }
    } else if c.eat("ALTER") {
        c.eat("COLUMN");
        let Some(column) = c.ident() else { return };
        if c.eat("TYPE") || c.eat_seq(&["SET", "DATA", "TYPE"]) {
            let to_type = c
                .ident()
                .map(|t| t.to_ascii_lowercase())
                .unwrap_or_default();
            out.push(Effect::ColumnTypeChange {
                table: name.clone(),
                column,
                to_type,
            });
        }
    } else if c.eat("ADD") {
        c.eat("COLUMN");
        c.eat_seq(&["IF", "NOT", "EXISTS"]);
        let is_constraint = matches!(
            c.peek_word(),
            Some("CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN" | "EXCLUDE")
        );
        if !is_constraint {
            if let Some(column) = c.ident() {
                out.push(Effect::AddColumn {
                    table: name.clone(),
                    column,
                    ty: None,
                });
            }
        }
    } else if c.eat_seq(&["ENABLE", "ROW", "LEVEL", "SECURITY"]) {
        out.push(Effect::EnableRls {
            table: name.clone(),
        });
    } else if c.eat_seq(&["DISABLE", "ROW", "LEVEL", "SECURITY"]) {
        out.push(Effect::DisableRls {
            table: name.clone(),
            force: false,
        });
    } else if c.eat_seq(&["NO", "FORCE", "ROW", "LEVEL", "SECURITY"]) {
        out.push(Effect::DisableRls {
            table: name.clone(),
            force: true,
        });
    } else if c.eat_seq(&["FORCE", "ROW", "LEVEL", "SECURITY"]) {
        out.push(Effect::ForceRls {
            table: name.clone(),
        });
    }
}

fn create(c: &mut Cursor, out: &mut Vec<Effect>) {
    c.eat_seq(&["OR", "REPLACE"]);
    for w in ["GLOBAL", "LOCAL", "UNLOGGED"] {
        c.eat(w);
    }
    if c.eat("TEMP") || c.eat("TEMPORARY") {
        return;
    }
    if c.eat("TABLE") {
        c.eat_seq(&["IF", "NOT", "EXISTS"]);
        if let Some(table) = c.name() {
            out.push(Effect::CreateTable {
                table,
                columns: Vec::new(),
            });
        }
    } else if c.eat("SCHEMA") {
        c.eat_seq(&["IF", "NOT", "EXISTS"]);
        if let Some(name) = c.ident() {
            out.push(Effect::CreateSchema { name });
        }
    } else if c.eat("POLICY") {
        if let Some(name) = c.ident() {
            if c.eat("ON") {
                if let Some(table) = c.name() {
                    out.push(Effect::CreatePolicy { table, name });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: Option<&str>, n: &str) -> QualName {
        QualName::new(s, n)
    }

    #[test]
    fn recognises_non_additive_forms() {
        assert_eq!(
            effects("DROP INDEX CONCURRENTLY IF EXISTS public.i"),
            [Effect::DropObject {
                kind: ObjectKind::Index,
                name: q(Some("public"), "i"),
                on: None
            }]
        );
        assert_eq!(
            effects("alter table \"T\" rename column a to b, drop column c"),
            [
                Effect::RenameColumn {
                    table: q(None, "T"),
                    from: "a".into(),
                    to: "b".into()
                },
                Effect::DropColumn {
                    table: q(None, "T"),
                    column: "c".into()
                }
            ]
        );
        assert_eq!(
            effects("ALTER VIEW v SET SCHEMA archive"),
            [Effect::SetSchema {
                kind: "view",
                name: q(None, "v"),
                schema: "archive".into()
            }]
        );
        assert_eq!(
            effects("alter table t drop default_value"),
            [Effect::DropColumn {
                table: q(None, "t"),
                column: "default_value".into()
            }]
        );
        assert!(effects("alter table t alter column c drop default").is_empty());
    }

    #[test]
    fn strings_and_bodies_never_match() {
        assert!(effects("select 'drop table t'").is_empty());
        assert!(effects("create function f() as $$ drop table t $$ language sql").is_empty());
        assert!(effects("comment on table t is 'truncate'").is_empty());
    }

    #[test]
    fn survives_unterminated_strings() {
        assert_eq!(
            effects("drop table t where 'oops"),
            [Effect::DropTable {
                table: q(None, "t")
            }]
        );
    }
}
