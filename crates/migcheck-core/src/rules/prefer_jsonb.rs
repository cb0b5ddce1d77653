use sqlparser::ast::DataType;

use super::sql::{declared_columns, element_type, statement_table};
use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::quote_ident;

pub struct PreferJsonb;

static META: RuleMeta = rule_meta!(
    "prefer-jsonb",
    Warning,
    Hygiene,
    "A column declared as `json` instead of `jsonb`"
);

impl Rule for PreferJsonb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        if !cx.is_forward() {
            return;
        }
        let Some(ast) = cx.stmt.ast.as_deref() else { return };
        let cols: Vec<String> = declared_columns(ast)
            .into_iter()
            .filter(|(_, t)| matches!(element_type(t), DataType::JSON))
            .map(|(c, _)| format!("`{}`", quote_ident(&c)))
            .collect();
        let Some(table) = statement_table(ast) else { return };
        if cols.is_empty() {
            return;
        }
        out.push(cx.hit(
            format!(
                "Column{} {} of `{}` use{} `json`, which stores the text as written and re-parses it on every access; it has no equality operator, so `DISTINCT`, `GROUP BY` and unique indexes fail on it",
                if cols.len() > 1 { "s" } else { "" },
                cols.join(", "),
                cx.table_name(&table),
                if cols.len() > 1 { "" } else { "s" },
            ),
            "Declare the column as `jsonb` (unless you must keep key order, duplicate keys or exact whitespace).",
        ));
    }
}
