use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::quote_ident;
use crate::extract::fold;

pub struct DropNotNullOrDefault;

static META: RuleMeta = rule_meta!(
    "drop-not-null-or-default",
    Off,
    NonAdditive,
    "ALTER COLUMN ... DROP NOT NULL or DROP DEFAULT on an existing column (off by default)"
);

impl Rule for DropNotNullOrDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        for op in &at.operations {
            let AlterTableOperation::AlterColumn { column_name, op } = op else {
                continue;
            };
            let column = fold(column_name);
            if cx.state.column_created_in(&table, &column, cx.unit.index) {
                continue;
            }
            let col = format!("`{}`.`{}`", cx.table_name(&table), quote_ident(&column));
            let (message, help) = match op {
                AlterColumnOperation::DropNotNull => (
                    format!("Dropping NOT NULL on {col} lets NULLs in, which deployed code that reads the column may not handle"),
                    "Make sure every reader handles NULL before you allow it, and say so in `-- migcheck:allow drop-not-null-or-default reason: ...`.",
                ),
                AlterColumnOperation::DropDefault => (
                    format!("Dropping the default of {col} makes inserts of deployed code that omit the column store NULL, or fail if the column is NOT NULL"),
                    "Deploy code that always sets the column first, then drop the default in a later migration.",
                ),
                _ => continue,
            };
            out.push(cx.hit(message, help));
        }
    }
}
