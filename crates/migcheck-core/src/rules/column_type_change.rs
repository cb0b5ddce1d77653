use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect};

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

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        for e in cx.forward_effects() {
            if let Effect::ColumnTypeChange {
                table,
                column,
                to_type,
            } = e
            {
                if cx.state.column_created_in(table, column, cx.unit.index) {
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
