use sqlparser::ast::DataType;

use super::sql::columns_of_type;
use super::{Hits, Rule, RuleMeta, StatementCx};

pub struct PreferJsonb;

static META: RuleMeta = rule_meta!(
    "prefer-jsonb",
    Warning,
    Hygiene,
    "A column declared as `json` instead of `jsonb`",
    offers: Fix
);

impl Rule for PreferJsonb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some(columns) = columns_of_type(cx, |t| matches!(t, DataType::JSON)) else {
            return;
        };
        let hit = cx.hit(
            format!(
                "{columns} `json`, which stores the text as written and re-parses it on every access; it has no equality operator, so `DISTINCT`, `GROUP BY` and unique indexes fail on it",
            ),
            "Declare the column as `jsonb` (unless you must keep key order, duplicate keys or exact whitespace).",
        );
        out.push(hit.with_fix(super::sql::retype_fix(
            cx,
            "JSON",
            "jsonb",
            |t| matches!(t, DataType::JSON),
        )));
    }
}
