//! SQL that migrations build at run time: `EXECUTE` of string constants inside `DO` blocks, and
//! Go templates (`{{ .Schema }}`) that a service renders into its migrations before running them.
//!
//! Both are read as ordinary statements so that the drops, renames and policies they contain
//! count like any other: `EXECUTE 'drop table t'` drops `t`; `drop table {{ .Schema }}.t` drops
//! `t` in the schema the template names.

/// The SQL an `EXECUTE` statement of plpgsql runs, when it is a string constant or
/// `format('constant', ...)` (its `%I`/`%s`/`%L` filled from literal arguments). A `%I` filled
/// from a variable is one identifier whose value is known only at run time: it becomes a
/// stand-in name that says so (`"{tbl}"`, the way Go template placeholders are read), never the
/// variable's own name as if it were a table. A `%s` filled from a variable inserts raw SQL
/// text (a qualified name, a column list, a whole clause): the statement is unknown, `None`, as
/// for anything else built from variables.
pub fn executed_sql(chunk: &str) -> Option<String> {
    let toks = execute_tokens(chunk.trim_end().trim_end_matches(';'));
    use crate::fallback::Tok;
    // Control words may stand before it: `IF ... THEN EXECUTE ...`, `BEGIN EXECUTE ...`.
    let at = toks
        .iter()
        .position(|t| matches!(t, Tok::Word(w, _) if w == "EXECUTE"))?;
    let before_ok = at == 0
        || matches!(&toks[at - 1], Tok::Word(w, _)
            if matches!(w.as_str(), "BEGIN" | "THEN" | "ELSE" | "LOOP" | "DECLARE"));
    if !before_ok {
        return None;
    }
    let rest = &toks[at + 1..];
    // The string must be all of the command (`EXECUTE 'a' || b` is built from variables).
    let ends = |t: Option<&Tok>| match t {
        None => true,
        Some(Tok::Word(w, _)) => w == "USING" || w == "INTO",
        _ => false,
    };
    match rest {
        [Tok::Str(s), tail @ ..] if ends(tail.first()) => Some(s.clone()),
        [Tok::Word(f, _), Tok::LParen, Tok::Str(s), args @ ..] if f == "FORMAT" => {
            fill_format(s, &format_args(&chunk_args(args)))
        }
        _ => None,
    }
}

/// The tokens of an `EXECUTE` chunk, as [`crate::fallback::tokens`] gives them, except that
/// every string constant is a [`Tok::Str`] of its value: `E'...'` with its backslash escapes
/// applied, a dollar-quoted `$q$...$q$`, and constants joined by `||` (`'drop table ' ||
/// 't'`), which plpgsql evaluates to one string before it runs it.
///
/// [`Tok::Str`]: crate::fallback::Tok::Str
fn execute_tokens(chunk: &str) -> Vec<crate::fallback::Tok> {
    use crate::fallback::Tok;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(raw) = Tokenizer::new(&PostgreSqlDialect {}, chunk).tokenize() else {
        return crate::fallback::tokens(chunk);
    };
    let mut out: Vec<Tok> = Vec::new();
    // The previous significant token was `||` after a string constant.
    let mut concat = false;
    for t in raw {
        let tok = match t {
            Token::Whitespace(_) => continue,
            Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => Tok::Str(s),
            Token::DollarQuotedString(d) => Tok::Str(d.value),
            Token::StringConcat if matches!(out.last(), Some(Tok::Str(_))) => {
                concat = true;
                continue;
            }
            Token::Word(w) if w.quote_style.is_some() => Tok::Quoted(w.value),
            Token::Word(w) => Tok::Word(w.value.to_ascii_uppercase(), w.value.to_lowercase()),
            Token::Period => Tok::Dot,
            Token::Comma => Tok::Comma,
            Token::LParen => Tok::LParen,
            Token::RParen => Tok::RParen,
            _ => Tok::Other,
        };
        if std::mem::take(&mut concat) {
            match (out.last_mut(), &tok) {
                (Some(Tok::Str(a)), Tok::Str(b)) => {
                    a.push_str(b);
                    continue;
                }
                // `'...' || variable`: built at run time.
                _ => out.push(Tok::Other),
            }
        }
        out.push(tok);
    }
    if concat {
        out.push(Tok::Other);
    }
    out
}

/// The arguments after the format string, each as display text, up to the closing parenthesis.
fn chunk_args(toks: &[crate::fallback::Tok]) -> Vec<Vec<crate::fallback::Tok>> {
    use crate::fallback::Tok;
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut depth = 0;
    for t in toks {
        match t {
            Tok::LParen => {
                depth += 1;
                cur.push(t.clone());
            }
            Tok::RParen if depth == 0 => break,
            Tok::RParen => {
                depth -= 1;
                cur.push(t.clone());
            }
            Tok::Comma if depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(t.clone()),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// An argument of `format`: a string constant as its value, anything else as the text of its
/// words (`r.tablename`), which stands in for the name it holds at run time.
fn format_args(args: &[Vec<crate::fallback::Tok>]) -> Vec<(bool, String)> {
    use crate::fallback::Tok;
    args.iter()
        .map(|a| match a.as_slice() {
            [Tok::Str(s)] => (true, s.clone()),
            other => (
                false,
                other
                    .iter()
                    .map(|t| match t {
                        Tok::Word(_, w) => w.clone(),
                        Tok::Quoted(q) => q.clone(),
                        Tok::Str(s) => s.clone(),
                        Tok::Dot => ".".into(),
                        _ => String::new(),
                    })
                    .collect::<String>(),
            ),
        })
        .collect()
}

/// Fills `%I`, `%s`, `%L` (and `%%`) of a `format` string; `None` when a `%s` takes its value
/// from a variable (see [`executed_sql`]).
fn fill_format(fmt: &str, args: &[(bool, String)]) -> Option<String> {
    let mut out = String::with_capacity(fmt.len());
    let mut next = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // `%[position$][flags][width]type` (PostgreSQL's `text_format`, varlena.c): a
        // position `%2$s` names the argument (1-based); the next plain `%s` takes the one
        // after it. The `-` flag and a width only pad the value: a name stays that name.
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' || d == '$' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        if let Some((pos, _)) = spec.split_once('$') {
            match pos.parse::<usize>() {
                Ok(n) if n >= 1 => next = n - 1,
                _ => return None,
            }
        }
        let Some(k) = chars.next() else {
            out.push('%');
            break;
        };
        let (literal, value) = args
            .get(next)
            .cloned()
            .unwrap_or((false, format!("arg{}", next + 1)));
        match k {
            '%' => {
                out.push('%');
                continue;
            }
            'I' if literal => out.push_str(&format!("\"{}\"", value.replace('"', "\"\""))),
            'I' => out.push_str(&format!("\"{{{}}}\"", value.replace('"', ""))),
            'L' => out.push_str(&format!("'{}'", value.replace('\'', "''"))),
            's' if literal => out.push_str(&value),
            's' => return None,
            other => {
                out.push('%');
                out.push(other);
                continue;
            }
        }
        next += 1;
    }
    Some(out)
}

/// The statement with each Go template action outside strings and quoted names (`{{ .Schema }}`)
/// replaced by a quoted identifier of the same length (`"{ .Schema }"`), so that it parses with
/// the placeholder read as a name. `None` when there is none.
///
/// goose's `-- +goose ENVSUB ON` substitutes `${VAR}` (pressly/goose
/// `internal/sqlparser/parser.go`, through `mfridman/interpolate`) before it sends the
/// statement: `${VAR}` outside strings becomes the quoted name `"$VAR"` (same length). In SQL
/// `${` is never valid on its own, so this holds whatever the directive says.
pub fn fill_templates(sql: &str) -> Option<String> {
    if !sql.contains("{{") && !sql.contains("${") {
        return None;
    }
    let b = sql.as_bytes();
    let mut out = b.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' if sql[i + 1..].starts_with("{{") => {
                // A quoted name holding template actions (supabase/auth writes
                // `"{{ index .Options "Namespace" }}"."users"`): the action's own quotes would
                // end the name early. A name that is one whole action becomes the same name as
                // the bare action (`"{{ .S }}"` is read as `"{ .S }"  `, the name of
                // `{{ .S }}`), so that both spellings are one schema.
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'{' && b.get(i + 1) == Some(&b'{') {
                        let Some(close) = sql[i + 2..].find("}}").map(|p| i + 2 + p) else {
                            break;
                        };
                        for c in &mut out[i + 2..close] {
                            if *c == b'"' {
                                *c = b'\'';
                                changed = true;
                            }
                        }
                        let whole = b.get(close + 2) == Some(&b'"') && i == start + 1;
                        if whole && !sql[i + 2..close].contains(['\n', '\r']) {
                            place(&mut out, start, start, close + 3, &sql[i + 2..close]);
                            changed = true;
                        }
                        i = close + 2;
                    } else {
                        i += 1;
                    }
                }
                i += 1;
            }
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                // To the end of the line: a LF or a lone CR (scan.l `newline [\n\r]`).
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                let Some(close) = sql[i + 2..].find('}').map(|p| i + 2 + p) else {
                    break;
                };
                let inner = &sql[i + 2..close];
                let plain = !inner.is_empty()
                    && inner
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'-'));
                if plain {
                    out[i] = b'"';
                    out[i + 1] = b'$';
                    out[close] = b'"';
                    changed = true;
                }
                i = close + 1;
            }
            b'$' => {
                // A dollar-quoted body: skip to its closing tag.
                let tag_end = b[i + 1..]
                    .iter()
                    .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
                    .map(|p| i + 1 + p);
                match tag_end {
                    Some(e) if b[e] == b'$' => {
                        let tag = &sql[i..=e];
                        match sql[e + 1..].find(tag) {
                            Some(p) => i = e + 1 + p + tag.len(),
                            None => i = b.len(),
                        }
                    }
                    _ => i += 1,
                }
            }
            b'{' if b.get(i + 1) == Some(&b'{') => {
                let Some(close) = sql[i + 2..].find("}}").map(|p| i + 2 + p) else {
                    break;
                };
                // The action's own string arguments (`{{ index .Options "Namespace" }}`, the
                // form supabase/auth's migrations use: `internal/storage` renders them with
                // `text/template` and `.Options` before pop runs them), pipes (`{{ .S | quote
                // }}`) and trim markers (`{{- .S -}}`) are part of the stand-in name, written
                // one way whatever the spacing ([`stand_in`]). An action whose text holds a
                // `'` or a line break is left alone: it is not a name (`{{ printf '%s' }}`
                // would also hide a string from the splitter).
                let inner = &sql[i + 2..close];
                if inner.contains(['\n', '\r', '\'']) {
                    i = close + 2;
                    continue;
                }
                // Spaces or tabs just before it may be used when the name is longer.
                let mut start = i;
                while start > 0
                    && matches!(b[start - 1], b' ' | b'\t')
                    && out[start - 1] == b[start - 1]
                {
                    start -= 1;
                }
                place(&mut out, start, i, close + 2, inner);
                changed = true;
                i = close + 2;
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
    changed.then(|| String::from_utf8(out).unwrap_or_else(|_| sql.to_string()))
}

/// The stand-in name of a template action's text: `{ ` + its words joined by one space, trim
/// markers dropped and `"` turned into `'` + ` }`, as a quoted identifier. `{{ .S }}`,
/// `{{.S}}`, `{{- .S -}}` and `"{{ .S }}"` are one name, `"{ .S }"`, as they are one schema
/// once rendered (supabase/auth spells its schema both `{{ index .Options "Namespace" }}` and
/// `{{index .Options "Namespace" }}`).
fn stand_in(inner: &str) -> String {
    let inner = inner.trim();
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    let words: Vec<&str> = inner.split_whitespace().collect();
    format!("\"{{ {} }}\"", words.join(" ").replace('"', "'"))
}

/// Writes the stand-in name of `inner` over `out[at..end]` (the action, from `{{` or from the
/// quote around it) padded with spaces after it, so that the statement keeps its length and
/// its lines. When the name is longer than the action, the spaces or tabs in `start..at`
/// before it are used too; when it is still longer, the name without its inner spaces
/// (`"{.S}"`), which always fits.
fn place(out: &mut [u8], start: usize, at: usize, end: usize, inner: &str) {
    let mut name = stand_in(inner);
    let mut from = at;
    if name.len() > end - at {
        from = start;
    }
    if name.len() > end - from {
        name = format!("\"{{{}}}\"", &name[3..name.len() - 3]);
        from = at;
    }
    out[from..from + name.len()].copy_from_slice(name.as_bytes());
    for c in &mut out[from + name.len()..end] {
        *c = b' ';
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execute_literals() {
        assert_eq!(
            executed_sql("execute 'drop table t'").as_deref(),
            Some("drop table t")
        );
        assert_eq!(
            executed_sql("IF true THEN EXECUTE 'alter table t rename column a to b' ").as_deref(),
            Some("alter table t rename column a to b")
        );
        assert_eq!(
            executed_sql("execute format('drop policy if exists %I on %I.%I', 'p', 's', tbl)")
                .as_deref(),
            Some("drop policy if exists \"p\" on \"s\".\"{tbl}\"")
        );
        // `%s` from a variable inserts raw SQL known only at run time (supabase-style loops
        // over `schema.table` strings): not read as a made-up table name.
        assert!(executed_sql(
            "execute format('alter table %s add constraint c check (x > 0)', qualified_table)"
        )
        .is_none());
        assert_eq!(
            executed_sql("execute format('alter table %s owner to postgres', 'public.t')")
                .as_deref(),
            Some("alter table public.t owner to postgres")
        );
        assert_eq!(
            executed_sql("execute 'create policy \"it''s\" on t using (true)'").as_deref(),
            Some("create policy \"it's\" on t using (true)")
        );
        assert!(executed_sql("execute 'drop table ' || quote_ident(t)").is_none());
        // Issue 28 item 13: positional arguments (`%1$s`, `%2$I`), as PostgreSQL's
        // `format` reads them (varlena.c `text_format`).
        assert_eq!(
            executed_sql("execute format('alter table %1$s rename to %2$I', 'public.a', 'b')")
                .as_deref(),
            Some("alter table public.a rename to \"b\"")
        );
        assert_eq!(
            executed_sql("execute format('create index %2$I on %1$I (%2$I)', 't', 'c')").as_deref(),
            Some("create index \"c\" on \"t\" (\"c\")")
        );
        assert!(executed_sql("execute format('drop table %1$s', tbl)").is_none());
        // Issue 31 item 5: dollar-quoted and `E''` constants, and constants joined by `||`,
        // are read as plain ones are.
        assert_eq!(
            executed_sql("execute $q$drop table t$q$").as_deref(),
            Some("drop table t")
        );
        assert_eq!(
            executed_sql("IF true THEN EXECUTE $$alter table t rename to u$$").as_deref(),
            Some("alter table t rename to u")
        );
        assert_eq!(
            executed_sql("execute E'drop table \\'t\\''").as_deref(),
            Some("drop table 't'")
        );
        assert_eq!(
            executed_sql("execute 'drop ' || 'table ' || 't'").as_deref(),
            Some("drop table t")
        );
        assert!(executed_sql("execute 'drop table ' || t").is_none());
        assert!(executed_sql("execute 'drop table t' || ").is_none());
        assert!(executed_sql("x := 'execute'").is_none());
    }

    #[test]
    fn templates_become_names() {
        assert_eq!(
            fill_templates("drop table {{ .Schema }}.users").as_deref(),
            Some("drop table \"{ .Schema }\".users")
        );
        assert!(fill_templates("select '{{1,2}}'::int[][]").is_none());
        assert_eq!(
            fill_templates("alter table ${SCHEMA}.users rename to members").as_deref(),
            Some("alter table \"$SCHEMA\".users rename to members")
        );
        assert!(fill_templates("select '${NOT_A_NAME}'").is_none());
        assert!(fill_templates("select 1").is_none());
        // Issue 28 item 10: quoted arguments, pipes and trim markers (supabase/auth's
        // `{{ index .Options "Namespace" }}`) are read as one name too.
        assert_eq!(
            fill_templates(r#"alter table {{ index .Options "Namespace" }}.users drop column x"#)
                .as_deref(),
            Some(r#"alter table "{ index .Options 'Namespace' }".users drop column x"#)
        );
        assert_eq!(
            fill_templates("drop table {{- .S | printf -}}.t").as_deref(),
            Some("drop table \"{ .S | printf }\"  .t")
        );
        // Spellings of one action are one name (supabase/auth writes both).
        assert_eq!(
            fill_templates(r#"alter table {{index .Options "Namespace" }}.users drop column x"#)
                .as_deref(),
            Some(r#"alter table"{ index .Options 'Namespace' }".users drop column x"#)
        );
        assert_eq!(
            fill_templates("drop table x.{{.S}}").as_deref(),
            Some("drop table x.\"{.S}\""),
            "no room for the spaces: the short spelling"
        );
        assert_eq!(
            fill_templates(r#"select '{{ index .Options "N" }}'"#),
            None,
            "inside a string: left alone"
        );
        // ... and inside a quoted name, supabase/auth's `"{{ index .Options "Namespace" }}"`:
        // the same name as the bare action.
        assert_eq!(
            fill_templates(
                r#"ALTER TABLE "{{ index .Options "Namespace" }}"."users" RENAME COLUMN a TO b"#
            )
            .as_deref(),
            Some(r#"ALTER TABLE "{ index .Options 'Namespace' }"  ."users" RENAME COLUMN a TO b"#)
        );
        assert_eq!(
            fill_templates(r#"drop table "{{ .P }}_users""#).as_deref(),
            None,
            "part of a name: stays that name"
        );
        assert_eq!(
            fill_templates(r#"drop table "{{ index .O "P" }}_users""#).as_deref(),
            Some(r#"drop table "{{ index .O 'P' }}_users""#)
        );
        // Issue 31 item 2: a lone CR ends the comment; the template after it is filled.
        assert_eq!(
            fill_templates("-- x\rdrop table {{ .S }}.t").as_deref(),
            Some("-- x\rdrop table \"{ .S }\".t")
        );
    }
}
