use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct DropTable;

static META: RuleMeta = rule_meta!(
    "drop-table",
    Error,
    NonAdditive,
    "DROP TABLE of a table that existed before this migration"
);

impl Rule for DropTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        for e in cx.forward_effects() {
            if let Effect::DropTable { table } = e {
                if cx.table_is_new(table) {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Dropping table `{}` deletes it and every row in it: code still deployed that reads or writes it fails, and the data is gone unless restored from a backup",
                        cx.table_name(table)
                    ),
                    "Stop reading and writing the table in a release first, keep it until that release is everywhere, then drop it in a separate reviewed migration (allow that one with `-- migcheck:allow drop-table reason: ...`).",
                ));
            }
        }
    }
}
