use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct DeleteAllRows;

static META: RuleMeta = rule_meta!(
    "delete-all-rows",
    Error,
    NonAdditive,
    "DELETE without WHERE (or with an always-true WHERE) on an existing table"
);

impl Rule for DeleteAllRows {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::DeleteAllRows { table } = e {
                if cx.table_is_new(table) {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "This DELETE has no restricting WHERE clause: it removes every row of `{}`",
                        cx.table_name(table)
                    ),
                    "Add a WHERE clause that selects exactly the rows to remove (and run large deletes in batches).",
                ));
            }
        }
    }
}
