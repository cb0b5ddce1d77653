//! `ADD CONSTRAINT ... NOT VALID` and its `VALIDATE CONSTRAINT` in one transaction.

use sqlparser::ast::{AlterTableOperation, Statement as Ast};

use super::transaction::same_transaction;
use super::{FileCx, Hit, Hits, Rule, RuleMeta};
use crate::effect::quote_ident;
use crate::extract::{constraint_name, fold, qual};

pub struct ValidateInSameTransaction;

static META: RuleMeta = rule_meta!(
    "validate-in-same-transaction",
    Error,
    Locking,
    "VALIDATE CONSTRAINT in the same transaction as the ADD CONSTRAINT ... NOT VALID it validates (the scan runs under the first lock)"
);

impl Rule for ValidateInSameTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        // (table, constraint) → statement that added it NOT VALID.
        let mut added: std::collections::HashMap<((String, String), String), usize> =
            Default::default();
        for (i, s) in cx.unit.parsed.statements.iter().enumerate() {
            if s.rollback {
                continue;
            }
            let tree = s.tree_if_head(&cx.unit.source.text, &["ALTER TABLE"]);
            let Some(Ast::AlterTable(at)) = tree.as_deref() else {
                continue;
            };
            let table = qual(&at.name);
            if cx.state.table_created_in(&table, cx.unit.index) {
                continue;
            }
            let key = cx.state.resolve_table(&table);
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddConstraint {
                        constraint,
                        not_valid: true,
                    } => {
                        if let Some(n) = constraint_name(constraint) {
                            added.entry((key.clone(), fold(n))).or_insert(i);
                        }
                    }
                    AlterTableOperation::ValidateConstraint { name } => {
                        let n = fold(name);
                        let Some(a) = added.get(&(key.clone(), n.clone())) else {
                            continue;
                        };
                        if !same_transaction(cx.set, cx.unit, *a, i) {
                            continue;
                        }
                        let line = cx
                            .unit
                            .source
                            .line_col(cx.unit.parsed.statements[*a].span.start)
                            .line;
                        out.push(Hit {
                            fix: None,
                            suggestion: None,
                            file: cx.unit.source.clone(),
                            span: s.span.clone(),
                            message: format!(
                                "Validating constraint `{}` of `{}.{}` in the same transaction that added it NOT VALID (line {line}) gains nothing: the validation scan runs while the lock taken by the ADD CONSTRAINT is still held, blocking writes to the table until the transaction commits",
                                quote_ident(&n),
                                quote_ident(&key.0),
                                quote_ident(&key.1)
                            ),
                            help: "Move the `VALIDATE CONSTRAINT` to a later migration (or after a COMMIT), so the ADD CONSTRAINT ... NOT VALID commits first and the validation runs under a SHARE UPDATE EXCLUSIVE lock that lets reads and writes continue.".into(),
                        });
                    }
                    _ => {}
                }
            }
        }
    }
}
