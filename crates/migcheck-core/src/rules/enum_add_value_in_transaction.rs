use sqlparser::ast::{AlterTypeOperation, Statement as Ast};

use super::sql::{tokens, Tok};
use super::transaction::{in_transaction, same_transaction};
use super::{Hit, Hits, mentions, Rule, RuleMeta, StatementCx};
use crate::effect::{type_key, ObjectKind, QualName};
use crate::extract::qual;

pub struct EnumAddValueInTransaction;

static META: RuleMeta = rule_meta!(
    "enum-add-value-in-transaction",
    Error,
    Locking,
    "ALTER TYPE ... ADD VALUE in a transaction (before PostgreSQL 12), or the new value used in the same transaction"
);

impl Rule for EnumAddValueInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::AlterType(t)) = cx.stmt.ast.as_deref() else {
            return;
        };
        let AlterTypeOperation::AddValue(add) = &t.operation else {
            return;
        };
        let ty = qual(&t.name);
        let value = &add.value.value;
        let at = cx.index;
        if cx.config.pg_version < 12 {
            if let Some(why) = in_transaction(cx.set, cx.unit, at) {
                out.push(cx.hit(
                    format!(
                        "`ALTER TYPE {ty} ADD VALUE` cannot run inside a transaction block before PostgreSQL 12 (pg_version is {}), and here it would: {why}",
                        cx.config.pg_version
                    ),
                    "Put the statement alone in a migration that runs outside a transaction.",
                ));
            }
            return;
        }
        let line = cx.unit.source.line_col(cx.stmt.span.start).line;
        let mut columns = None;
        let stmts = &cx.unit.parsed.statements;
        // Only the statements that quote the value (an index made once per file).
        let quoting = mentions::of(cx.unit).quoting(cx.unit, value, at + 1..stmts.len());
        for (j, later) in quoting.iter().map(|&j| (j as usize, &stmts[j as usize])) {
            // Past a COMMIT no statement shares the transaction: nothing more to find.
            if super::transaction::of(cx.unit).ends_between(at, j) {
                break;
            }
            if later.rollback || later.head.starts_with("ALTER TYPE") {
                continue;
            }
            let text = &cx.unit.source.text[later.span.clone()];
            if !text.contains(value.as_str()) {
                continue;
            }
            let toks = tokens(text);
            if !toks.iter().any(|t| matches!(t, Tok::Str(s) if s == value)) {
                continue;
            }
            if !used_as_enum(cx, &ty, value, text, &toks, &mut columns) {
                continue;
            }
            if !same_transaction(cx.set, cx.unit, at, j) {
                break;
            }
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: cx.unit.source.clone(),
                span: later.span.clone(),
                message: format!(
                    "This statement uses `'{value}'`, which the `ALTER TYPE {ty} ADD VALUE` on line {line} adds in the same transaction: PostgreSQL rejects a new enum value until the transaction that added it has committed (\"unsafe use of new value\")"
                ),
                help: "Move the statements that use the new value to a later migration.".into(),
            });
            break;
        }
    }
}

/// True when a statement that contains the new value as a string uses it as a value of the enum
/// `ty`: casts it to the type (`'v'::ty`, `cast('v' as ty)`), or names a column declared with
/// the type. A statement that only compares the same text with other columns (a `text` status)
/// does not. When the set declares no column of the type and does not create the type itself,
/// its columns are unknown and any use counts.
fn used_as_enum(
    cx: &StatementCx<'_>,
    ty: &QualName,
    value: &str,
    text: &str,
    toks: &[Tok],
    columns: &mut Option<Vec<String>>,
) -> bool {
    if casts_to(text, value, &ty.name) {
        return true;
    }
    // Worked out once per ADD VALUE, for the first statement that quotes the value.
    let columns = columns.get_or_insert_with(|| enum_columns(cx, ty));
    if columns.is_empty() {
        return !cx.state.object_exists(ObjectKind::Type, ty, None);
    }
    toks.iter().any(|t| match t {
        Tok::Word(_, w) | Tok::Quoted(w) => columns.iter().any(|c| c == w),
        _ => false,
    })
}

/// The columns declared with the enum `ty`: in the schema so far and anywhere in this file.
fn enum_columns(cx: &StatementCx<'_>, ty: &QualName) -> Vec<String> {
    let key = &ty.name;
    let mut columns: Vec<&str> = cx
        .state
        .tables
        .values()
        .flat_map(|t| t.columns.types())
        .filter(|&(_, t)| t == key)
        .map(|(c, _)| c)
        .collect();
    columns.extend(
        mentions::of(cx.unit)
            .columns_of_type(cx.unit, key)
            .iter()
            .map(String::as_str),
    );
    columns.into_iter().map(str::to_string).collect()
}

/// `'v'::ty`, `'v'::schema.ty`, `'v'::"Ty"` or `cast('v' as ty)` in the statement text.
fn casts_to(text: &str, value: &str, key: &str) -> bool {
    let lit = format!("'{}'", value.replace('\'', "''"));
    text.match_indices(&lit).any(|(i, _)| {
        let rest = text[i + lit.len()..].trim_start();
        let rest = match rest.strip_prefix("::") {
            Some(r) => r,
            None => match rest.get(..2) {
                Some(a) if a.eq_ignore_ascii_case("as") => &rest[2..],
                _ => return false,
            },
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| !(c.is_whitespace() || matches!(c, ')' | ',' | ';')))
            .collect();
        !name.is_empty() && type_key(&name) == key
    })
}
