use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct TruncateTable;

static META: RuleMeta = rule_meta!(
    "truncate-table",
    Error,
    NonAdditive,
    "TRUNCATE of an existing table"
);

impl Rule for TruncateTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::Truncate { table } = e {
                if cx.table_is_new(table) {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Truncating `{}` deletes every row at once, takes an ACCESS EXCLUSIVE lock, and cannot be undone once committed",
                        cx.table_name(table)
                    ),
                    "Delete the rows you mean to remove with a bounded `DELETE ... WHERE` (in batches), or archive them first; never empty a production table from a migration.",
                ));
            }
        }
    }
}
