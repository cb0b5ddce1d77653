use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Statement as Ast};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect, QualName};
use crate::extract::fold;

/// A type with an optional list of integer modifiers: `varchar(20)` → ("varchar", [20]).
fn split_type(t: &str) -> (String, Vec<u64>) {
    let t = t.trim().to_ascii_lowercase();
    let (base, mods) = match t.split_once('(') {
        Some((b, m)) => (b.trim().to_string(), m.trim_end_matches(')').to_string()),
        None => (t.clone(), String::new()),
    };
    let base = match base.as_str() {
        "character varying" => "varchar".to_string(),
        "decimal" => "numeric".to_string(),
        "int" | "int4" => "integer".to_string(),
        "int8" => "bigint".to_string(),
        "int2" => "smallint".to_string(),
        "bool" => "boolean".to_string(),
        "float8" => "double precision".to_string(),
        "float4" => "real".to_string(),
        "timestamptz" => "timestamp with time zone".to_string(),
        "timestamp without time zone" => "timestamp".to_string(),
        "character" | "char" => "bpchar".to_string(),
        _ => base,
    };
    let mods = mods
        .split(',')
        .filter_map(|m| m.trim().parse().ok())
        .collect();
    (base, mods)
}

/// True when PostgreSQL changes the type without rewriting the table or rechecking values, and
/// every value of the old type is a value of the new one: `varchar(n)` → `varchar(m ≥ n)`,
/// `varchar` → `text`, `varchar(n)` → `varchar`, `numeric(p, s)` → `numeric(p' ≥ p, s)` or
/// unconstrained `numeric`, `varbit(n)` → `varbit(m ≥ n)` (PostgreSQL's binary-coercible casts
/// and typmod-widening checks in `ATColumnChangeRequiresRewrite`).
pub fn is_widening(old: &str, new: &str) -> bool {
    let (ob, om) = split_type(old);
    let (nb, nm) = split_type(new);
    match (ob.as_str(), nb.as_str()) {
        ("varchar" | "text", "text") => true,
        ("varchar", "varchar") | ("bit varying" | "varbit", "bit varying" | "varbit") => {
            match (om.first(), nm.first()) {
                (_, None) => true,
                (Some(o), Some(n)) => n >= o,
                (None, Some(_)) => false,
            }
        }
        ("numeric", "numeric") => match (om.as_slice(), nm.as_slice()) {
            (_, []) => true,
            ([p], [np]) => np >= p,
            ([p, s], [np, ns]) => ns == s && np >= p,
            ([p], [np, 0]) => np >= p,
            _ => false,
        },
        _ => false,
    }
}

/// The full new type and `USING` of the column in this statement's AST, if it has one.
fn new_type(cx: &StatementCx<'_>, column: &str) -> Option<(String, bool)> {
    let Some(Ast::AlterTable(at)) = cx.stmt.ast.as_deref() else {
        return None;
    };
    at.operations.iter().find_map(|op| match op {
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { data_type, using, .. },
        } if fold(column_name) == column => Some((data_type.to_string(), using.is_some())),
        _ => None,
    })
}

/// The column's type before this statement, as the set declared it.
fn old_type<'a>(cx: &'a StatementCx<'_>, table: &QualName, column: &str) -> Option<&'a str> {
    cx.state
        .column_type(&cx.state.resolve_table(table), column)
}

/// True when the new type is the column's current type (`integer` to `integer USING ...`):
/// clients see the same type. Without `USING` PostgreSQL does nothing; with one it rewrites
/// every row (reported by `table-rewrite-command`, see [`same_type_rewrites`]).
fn same_type(cx: &StatementCx<'_>, table: &QualName, column: &str) -> bool {
    let Some((new, _)) = new_type(cx, column) else {
        return false;
    };
    old_type(cx, table, column).is_some_and(|old| split_type(old) == split_type(&new))
}

/// The columns of this statement changed to the type they already have, with a `USING`
/// expression: `(table, column, type)`. PostgreSQL rewrites the table to compute the new values
/// (`ATColumnChangeRequiresRewrite`: a USING expression that is not the column itself).
///
/// Empty when the same statement also makes a type change this rule reports: that finding
/// already says the table is rewritten, once is enough.
pub fn same_type_rewrites(cx: &StatementCx<'_>) -> Vec<(QualName, String, String)> {
    let mut out = Vec::new();
    for e in cx.forward_effects() {
        if let Effect::ColumnTypeChange { table, column, to_type } = e {
            if cx.state.column_created_in(table, column, cx.unit.index) {
                continue;
            }
            if same_type(cx, table, column) {
                if new_type(cx, column).is_some_and(|(_, u)| u) {
                    let ty = old_type(cx, table, column).unwrap_or(to_type).to_string();
                    out.push((table.clone(), column.clone(), ty));
                }
            } else if !widening(cx, table, column) {
                return Vec::new();
            }
        }
    }
    out
}

fn widening(cx: &StatementCx<'_>, table: &QualName, column: &str) -> bool {
    let Some((new, using)) = new_type(cx, column) else {
        return false;
    };
    !using
        && cx
            .state
            .column_type(&cx.state.resolve_table(table), column)
            .is_some_and(|old| is_widening(old, &new))
}

pub struct ColumnTypeChange;

static META: RuleMeta = rule_meta!(
    "column-type-change",
    Error,
    NonAdditive,
    "ALTER COLUMN ... TYPE / SET DATA TYPE"
);

impl Rule for ColumnTypeChange {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::ColumnTypeChange {
                table,
                column,
                to_type,
            } = e
            {
                if cx.state.column_created_in(table, column, cx.unit.index)
                    || widening(cx, table, column)
                    || same_type(cx, table, column)
                {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Changing the type of column `{}` of `{}` to `{to_type}` can rewrite the whole table under an ACCESS EXCLUSIVE lock, can fail or lose precision on existing values, and breaks clients that expect the old type",
                        quote_ident(column),
                        cx.table_name(table)
                    ),
                    "Add a new column of the new type, backfill it in batches and write to both, switch readers, then drop the old column in a later migration.",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_widening;

    #[test]
    fn widening_changes() {
        assert!(is_widening("VARCHAR(20)", "VARCHAR(50)"));
        assert!(is_widening("character varying(20)", "TEXT"));
        assert!(is_widening("varchar(20)", "varchar"));
        assert!(is_widening("NUMERIC(10,2)", "NUMERIC(12,2)"));
        assert!(is_widening("numeric(10,2)", "numeric"));
        assert!(!is_widening("varchar(50)", "varchar(20)"));
        assert!(!is_widening("numeric(10,2)", "numeric(12,3)"));
        assert!(!is_widening("text", "varchar(20)"));
        assert!(!is_widening("int", "bigint"));
        assert!(!is_widening("varchar", "varchar(10)"));
        assert_eq!(super::split_type("INT"), super::split_type("integer"));
        assert_ne!(super::split_type("varchar(10)"), super::split_type("varchar(20)"));
    }
}
