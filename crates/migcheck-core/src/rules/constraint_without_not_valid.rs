use sqlparser::ast::{AlterTableOperation, TableConstraint};

use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::quote_ident;
use crate::extract::{fold, qual};

pub struct ConstraintWithoutNotValid;

static META: RuleMeta = rule_meta!(
    "constraint-without-not-valid",
    Error,
    Locking,
    "FOREIGN KEY or CHECK constraint added to an existing table without NOT VALID"
);

impl Rule for ConstraintWithoutNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        let name = cx.table_name(&table);
        for op in &at.operations {
            let AlterTableOperation::AddConstraint {
                constraint,
                not_valid: false,
            } = op
            else {
                continue;
            };
            let named = |n: &Option<sqlparser::ast::Ident>| {
                n.as_ref()
                    .map(|n| format!(" `{}`", quote_ident(&fold(n))))
                    .unwrap_or_default()
            };
            let (message, help) = match constraint {
                TableConstraint::ForeignKey(fk) => {
                    let other = qual(&fk.foreign_table);
                    (
                        format!(
                            "Adding foreign key{} checks every existing row of `{name}` while holding a SHARE ROW EXCLUSIVE lock on `{name}` and on `{}`, blocking INSERT, UPDATE and DELETE on both until the check finishes",
                            named(&fk.name),
                            cx.table_name(&other)
                        ),
                        "Add the constraint with NOT VALID, then run `ALTER TABLE ... VALIDATE CONSTRAINT` in a later migration.",
                    )
                }
                TableConstraint::Check(c) => (
                    format!(
                        "Adding check constraint{} scans every row of `{name}` under an ACCESS EXCLUSIVE lock, blocking every read and write of the table until the scan finishes",
                        named(&c.name)
                    ),
                    "Add the constraint with NOT VALID, then run `ALTER TABLE ... VALIDATE CONSTRAINT` in a later migration.",
                ),
                _ => continue,
            };
            out.push(cx.hit(message, help));
        }
    }
}
