use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect};

pub struct RenameTable;

static META: RuleMeta = rule_meta!(
    "rename-table",
    Error,
    NonAdditive,
    "ALTER TABLE ... RENAME TO"
);

impl Rule for RenameTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::RenameTable { table, to } = e {
                if cx.table_is_new(table)
                    || super::replace::renames_table_for_rebuild(cx, table, to)
                {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Renaming table `{}` to `{}` breaks every query of the running application that uses the old name, from the moment the migration commits",
                        cx.table_name(table),
                        quote_ident(to)
                    ),
                    "Create the new table (or a view with the new name), move the application to it, and drop the old name only after no deployed code uses it.",
                ));
            }
        }
    }
}
