use sqlparser::ast::{DataType, TimezoneInfo};

use super::sql::{declared_columns, element_type, statement_table};
use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::quote_ident;

pub struct PreferTimestamptz;

static META: RuleMeta = rule_meta!(
    "prefer-timestamptz",
    Warning,
    Hygiene,
    "A column declared as `timestamp` (without time zone) instead of `timestamptz`"
);

impl Rule for PreferTimestamptz {
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
            .filter(|(_, t)| {
                matches!(
                    element_type(t),
                    DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone)
                )
            })
            .map(|(c, _)| format!("`{}`", quote_ident(&c)))
            .collect();
        let Some(table) = statement_table(ast) else { return };
        if cols.is_empty() {
            return;
        }
        out.push(cx.hit(
            format!(
                "Column{} {} of `{}` use{} `timestamp without time zone`, which stores a wall-clock time with no zone: the same instant reads differently depending on the session's TimeZone, and values shift when clients or servers change zones",
                if cols.len() > 1 { "s" } else { "" },
                cols.join(", "),
                cx.table_name(&table),
                if cols.len() > 1 { "" } else { "s" },
            ),
            "Declare the column as `timestamptz` (it stores an absolute instant; it does not store the zone either, and costs the same 8 bytes).",
        ));
    }
}
