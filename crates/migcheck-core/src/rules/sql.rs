//! Small questions about SQL text and expressions that several rules ask.

use sqlparser::ast::{self, Expr, ObjectName, Owner};

use crate::extract::{fold, qual};

pub use crate::fallback::{tokens, Tok};

/// True when the unquoted keyword `word` occurs among the tokens.
pub fn has_word(toks: &[Tok], word: &str) -> bool {
    toks.iter()
        .any(|t| matches!(t, Tok::Word(w, _) if w == word))
}

/// The roles a policy or grant names, folded (`public` for PUBLIC).
pub fn owner_roles(to: &[Owner]) -> Vec<String> {
    to.iter()
        .map(|o| match o {
            Owner::Ident(id) => fold(id),
            other => other.to_string().to_lowercase(),
        })
        .collect()
}

/// The roles of a GRANT / REVOKE, folded; `public` for PUBLIC.
pub fn grantee_roles(grantees: &[ast::Grantee]) -> Vec<String> {
    grantees
        .iter()
        .map(|g| match (&g.grantee_type, &g.name) {
            (ast::GranteesType::Public, _) => "public".to_string(),
            (_, Some(ast::GranteeName::ObjectName(n))) => qual(n).name,
            (_, Some(other)) => other.to_string().to_lowercase(),
            (_, None) => String::new(),
        })
        .collect()
}

/// Roles every client of a Supabase project acts as (`public` includes all of them).
pub const CLIENT_ROLES: &[&str] = &["anon", "authenticated", "public"];

/// The last part of a function name, folded.
pub fn function_name(name: &ObjectName) -> String {
    qual(name).name
}

/// Functions whose result changes on every call, so a column default that calls one must be
/// computed (and written) for every existing row.
const VOLATILE: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "uuid_generate_v7",
    "random",
    "random_normal",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
    "statement_timestamp",
    "gen_random_bytes",
];

/// Built-in functions that are IMMUTABLE or STABLE, which a column default may call without
/// rewriting the table (`now()` is evaluated once for the ALTER TABLE).
const NON_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp",
    "current_user",
    "current_role",
    "session_user",
    "current_schema",
    "current_setting",
    "timezone",
    "date_trunc",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "concat",
    "length",
    "replace",
    "to_jsonb",
    "to_json",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
    "array",
    "array_fill",
    "make_interval",
    "make_date",
    "make_timestamp",
    "make_timestamptz",
    "to_timestamp",
    "to_date",
    "to_char",
    "interval",
    "uuid_nil",
    "inet",
    "abs",
    "round",
    "md5",
    "encode",
    "decode",
    // Supabase's `auth` helpers, declared STABLE by the platform.
    "uid",
    "jwt",
];

/// A function a default calls that PostgreSQL treats as VOLATILE or that is not known to be
/// otherwise: declared in the set without IMMUTABLE / STABLE, or neither declared in the set
/// nor a known non-volatile built-in (functions default to VOLATILE).
pub fn maybe_volatile_call(e: &Expr, facts: &crate::facts::Facts) -> Option<(String, bool)> {
    let mut found = None;
    let _ = ast::visit_expressions(e, |x| {
        if let Expr::Function(f) = x {
            let n = function_name(&f.name);
            if facts.non_volatile_functions.contains(&n) || NON_VOLATILE.contains(&n.as_str()) {
                return std::ops::ControlFlow::Continue(());
            }
            found = Some((n.clone(), facts.volatile_functions.contains(&n)));
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    found
}

/// The first volatile function an expression calls, if any (by name: unknown functions are
/// assumed not to be volatile, so the rule stays quiet rather than guess).
pub fn volatile_call(e: &Expr) -> Option<String> {
    let mut found = None;
    let _ = ast::visit_expressions(e, |x| {
        if let Expr::Function(f) = x {
            let n = function_name(&f.name);
            if VOLATILE.contains(&n.as_str()) {
                found = Some(n);
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    found
}

/// The value of `security_invoker` among view options: `Some(true)` when set truthy.
pub fn security_invoker(options: &[ast::SqlOption]) -> Option<bool> {
    let mut found = None;
    for o in options {
        match o {
            ast::SqlOption::KeyValue { key, value } if qual(key).name == "security_invoker" => {
                let v = value.to_string().trim_matches('\'').to_ascii_lowercase();
                found = Some(matches!(v.as_str(), "true" | "on" | "1" | "yes" | "t"));
            }
            ast::SqlOption::Ident(key) if qual(key).name == "security_invoker" => {
                found = Some(true)
            }
            _ => {}
        }
    }
    found
}

/// The options of a `CREATE VIEW ... WITH (...)`.
pub fn view_options(o: &ast::CreateTableOptions) -> &[ast::SqlOption] {
    match o {
        ast::CreateTableOptions::With(v)
        | ast::CreateTableOptions::Options(v)
        | ast::CreateTableOptions::Plain(v)
        | ast::CreateTableOptions::TableProperties(v) => v,
        ast::CreateTableOptions::None => &[],
    }
}

/// The element type of an array type, or the type itself.
pub fn element_type(t: &ast::DataType) -> &ast::DataType {
    match t {
        ast::DataType::Array(
            ast::ArrayElemTypeDef::AngleBracket(inner)
            | ast::ArrayElemTypeDef::SquareBracket(inner, _)
            | ast::ArrayElemTypeDef::Parenthesis(inner)
            | ast::ArrayElemTypeDef::ParenthesisNotNull(inner)
            | ast::ArrayElemTypeDef::Qualified(inner, _),
        ) => element_type(inner),
        other => other,
    }
}

/// Columns a statement declares or retypes, with their types: CREATE TABLE columns, ADD
/// COLUMN, ALTER COLUMN ... TYPE.
pub fn declared_columns(stmt: &ast::Statement) -> Vec<(String, &ast::DataType)> {
    match stmt {
        ast::Statement::CreateTable(ct) => ct
            .columns
            .iter()
            .map(|c| (fold(&c.name), &c.data_type))
            .collect(),
        ast::Statement::AlterTable(at) => at
            .operations
            .iter()
            .filter_map(|op| match op {
                ast::AlterTableOperation::AddColumn { column_def, .. } => {
                    Some((fold(&column_def.name), &column_def.data_type))
                }
                ast::AlterTableOperation::AlterColumn {
                    column_name,
                    op: ast::AlterColumnOperation::SetDataType { data_type, .. },
                } => Some((fold(column_name), data_type)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The table a CREATE TABLE or ALTER TABLE statement is about.
pub fn statement_table(stmt: &ast::Statement) -> Option<crate::effect::QualName> {
    match stmt {
        ast::Statement::CreateTable(ct) => Some(qual(&ct.name)),
        ast::Statement::AlterTable(at) => Some(qual(&at.name)),
        _ => None,
    }
}

/// For the column-type rules: the columns this forward statement declares whose (element) type
/// matches `bad`, named as "Column `a` of `t` uses" / "Columns `a`, `b` of `t` use", or `None`
/// when there are none.
pub fn columns_of_type(
    cx: &super::StatementCx<'_>,
    bad: impl Fn(&ast::DataType) -> bool,
) -> Option<String> {
    if !cx.is_forward() {
        return None;
    }
    let stmt = cx.stmt.ast.as_deref()?;
    let cols: Vec<String> = declared_columns(stmt)
        .into_iter()
        .filter(|(_, t)| bad(element_type(t)))
        .map(|(c, _)| format!("`{}`", crate::effect::quote_ident(&c)))
        .collect();
    let table = statement_table(stmt)?;
    let (noun, verb) = match cols.len() {
        0 => return None,
        1 => ("Column", "uses"),
        _ => ("Columns", "use"),
    };
    Some(format!(
        "{noun} {} of `{}` {verb}",
        cols.join(", "),
        cx.table_name(&table)
    ))
}

/// The fix of `prefer-jsonb` and `prefer-timestamptz`: `replacement` for every column type the
/// statement writes as the unquoted `word` and `is_bad` accepts, when it creates the table or adds
/// the columns to a table created in this same file (no rows to convert) and names no other
/// `word` (a cast or default) that could change meaning. The rest of the type (a precision kept
/// by the word, `without time zone`) is removed with it.
pub(super) fn retype_fix(
    cx: &super::StatementCx<'_>,
    word: &str,
    replacement: &str,
    is_bad: impl Fn(&sqlparser::ast::DataType) -> bool,
) -> Option<crate::fix::Fix> {
    use sqlparser::ast::Statement as Ast;
    if cx.stmt.in_do_block {
        return None;
    }
    let stmt = cx.stmt.ast.as_deref()?;
    match stmt {
        Ast::CreateTable(_) => {}
        Ast::AlterTable(at) if cx.table_is_new(&crate::extract::qual(&at.name)) => {}
        _ => return None,
    }
    let bad = declared_columns(stmt)
        .into_iter()
        .filter(|(_, t)| is_bad(element_type(t)))
        .count();
    let found = crate::fix::column_type_words(&cx.unit.source.text, cx.stmt.span.clone(), word)?;
    if found.len() != bad || bad == 0 {
        return None;
    }
    let mut edits = Vec::new();
    for (word, tail) in found {
        edits.push(crate::fix::Edit {
            start: word.start,
            end: word.end,
            replacement: replacement.into(),
        });
        if !tail.is_empty() {
            edits.push(crate::fix::Edit {
                start: tail.start,
                end: tail.end,
                replacement: String::new(),
            });
        }
    }
    Some(crate::fix::Fix {
        title: format!("Declare the column(s) as `{replacement}`"),
        edits,
    })
}
