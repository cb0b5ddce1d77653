use sqlparser::ast::{AlterTableOperation, TableConstraint};

use super::{Hits, Rule, RuleMeta, StatementCx};

pub struct ExcludeConstraint;

static META: RuleMeta = rule_meta!(
    "exclude-constraint",
    Error,
    Locking,
    "EXCLUDE constraint added to an existing table"
);

impl Rule for ExcludeConstraint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        for op in &at.operations {
            if let AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Exclude(_),
                ..
            } = op
            {
                out.push(cx.hit(
                    format!(
                        "Adding an EXCLUDE constraint builds its index and checks every row while holding an ACCESS EXCLUSIVE lock on `{}`, blocking every read and write of the table; unlike UNIQUE, it cannot be attached to an index built concurrently",
                        cx.table_name(&table)
                    ),
                    "Add it in a maintenance window with a short `lock_timeout`, or enforce the rule with a trigger or a UNIQUE index on a derived column instead.",
                ));
            }
        }
    }
}
