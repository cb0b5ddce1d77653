use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect};

pub struct DropColumn;

static META: RuleMeta = rule_meta!(
    "drop-column",
    Error,
    NonAdditive,
    "ALTER TABLE ... DROP COLUMN of an existing column"
);

impl Rule for DropColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::DropColumn { table, column } = e {
                if cx.state.column_created_in(table, column, cx.unit.index) {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Dropping column `{}` of `{}` loses its data, and queries of the running application that name it (including `select *` into a fixed shape, and ORM models) start failing",
                        quote_ident(column),
                        cx.table_name(table)
                    ),
                    "Remove every use of the column from the application and deploy that first; drop the column in a later migration.",
                ));
            }
        }
    }
}
