use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect};

pub struct RenameColumn;

static META: RuleMeta = rule_meta!(
    "rename-column",
    Error,
    NonAdditive,
    "ALTER TABLE ... RENAME COLUMN"
);

impl Rule for RenameColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::RenameColumn { table, from, to } = e {
                if cx.state.column_created_in(table, from, cx.unit.index) {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Renaming column `{}` of `{}` to `{}` breaks every query of the running application that uses the old name",
                        quote_ident(from),
                        cx.table_name(table),
                        quote_ident(to)
                    ),
                    "Add the new column, write to both and backfill, move reads to the new column, and drop the old one in a later migration.",
                ));
            }
        }
    }
}
