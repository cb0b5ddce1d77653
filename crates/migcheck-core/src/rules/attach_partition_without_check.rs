//! `ALTER TABLE parent ATTACH PARTITION p FOR VALUES ...` of a table that existed before the
//! file, with no validated CHECK on it added earlier in the file: PostgreSQL scans every row of
//! `p` to prove it fits the bound, holding ACCESS EXCLUSIVE on `p` (SHARE UPDATE EXCLUSIVE on the
//! parent), unless a valid CHECK constraint of `p` implies the bound (PostgreSQL docs, ALTER
//! TABLE, ATTACH PARTITION; `QueuePartitionConstraintValidation` /
//! `PartConstraintImpliedByRelConstraint` in src/backend/commands/tablecmds.c).

use sqlparser::ast::{AlterTableOperation as Op, Statement as Ast, TableConstraint};

use super::mentions::{self, Act};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct AttachPartitionWithoutCheck;

static META: RuleMeta = rule_meta!(
    "attach-partition-without-check",
    Warning,
    Locking,
    "ATTACH PARTITION of an existing table with no CHECK matching the bound (scans it under ACCESS EXCLUSIVE)"
);

impl Rule for AttachPartitionWithoutCheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::AlterTable(at)) = cx.stmt.ast.as_deref() else {
            return;
        };
        for op in &at.operations {
            let Op::AttachPartitionOf { partition, .. } = op else {
                continue;
            };
            let part = qual(partition);
            // A table created in this file holds only what the file put in it.
            if cx.table_is_new(&part) || checked_earlier(cx, &part.name) {
                continue;
            }
            out.push(cx.hit(
                format!(
                    "Attaching `{}` as a partition of `{}` scans every row of `{}` to prove it fits the partition bound, holding an ACCESS EXCLUSIVE lock on it (every read and write of it waits) and SHARE UPDATE EXCLUSIVE on the parent",
                    cx.table_name(&part),
                    cx.table_name(&qual(&at.name)),
                    cx.table_name(&part)
                ),
                "First add a CHECK constraint matching the bound, `NOT VALID`, and `VALIDATE` it (no ACCESS EXCLUSIVE lock while it scans); PostgreSQL then skips the scan at ATTACH, and the CHECK can be dropped afterwards.",
            ));
        }
    }
}

/// True when an earlier statement of this file added a validated CHECK constraint to the table
/// (added without `NOT VALID`): the case where PostgreSQL may skip the scan. Whether the check
/// implies the bound is not compared.
fn checked_earlier(cx: &StatementCx<'_>, table: &str) -> bool {
    let stmts = &cx.unit.parsed.statements;
    mentions::of(cx.unit)
        .naming(Act::CreatesOn, table, 0..cx.index)
        .map(|i| &stmts[i])
        .filter(|s| !s.rollback)
        .any(|s| {
            let full = s.with_tree(&cx.unit.source.text);
            let Some(Ast::AlterTable(at)) = full.ast.as_deref() else {
                return false;
            };
            at.operations.iter().any(|op| {
                matches!(
                    op,
                    Op::AddConstraint {
                        constraint: TableConstraint::Check(_),
                        not_valid: false
                    }
                )
            })
        })
}
