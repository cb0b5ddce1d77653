use sqlparser::ast::{AlterTypeOperation, Statement as Ast};

use super::sql::{tokens, Tok};
use super::transaction::{in_transaction, position, same_transaction};
use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct EnumAddValueInTransaction;

static META: RuleMeta = rule_meta!(
    "enum-add-value-in-transaction",
    Error,
    Locking,
    "ALTER TYPE ... ADD VALUE in a transaction (before PostgreSQL 12), or the new value used in the same transaction"
);

impl Rule for EnumAddValueInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::AlterType(t)) = cx.stmt.ast.as_deref() else {
            return;
        };
        let AlterTypeOperation::AddValue(add) = &t.operation else {
            return;
        };
        let ty = qual(&t.name);
        let value = &add.value.value;
        let at = position(cx.unit, cx.stmt);
        if cx.config.pg_version < 12 {
            if let Some(why) = in_transaction(cx.set, cx.unit, at) {
                out.push(cx.hit(
                    format!(
                        "`ALTER TYPE {ty} ADD VALUE` cannot run inside a transaction block before PostgreSQL 12 (pg_version is {}), and here it would: {why}",
                        cx.config.pg_version
                    ),
                    "Put the statement alone in a migration that runs outside a transaction.",
                ));
            }
            return;
        }
        let line = cx.unit.source.line_col(cx.stmt.span.start).line;
        for (j, later) in cx.unit.parsed.statements.iter().enumerate().skip(at + 1) {
            if later.rollback || later.head.starts_with("ALTER TYPE") {
                continue;
            }
            let text = &cx.unit.source.text[later.span.clone()];
            if !text.contains(value.as_str()) {
                continue;
            }
            if !tokens(text).iter().any(|t| matches!(t, Tok::Str(s) if s == value)) {
                continue;
            }
            if !same_transaction(cx.set, cx.unit, at, j) {
                break;
            }
            out.push(Hit {
                file: cx.unit.source.clone(),
                span: later.span.clone(),
                message: format!(
                    "This statement uses `'{value}'`, which the `ALTER TYPE {ty} ADD VALUE` on line {line} adds in the same transaction: PostgreSQL rejects a new enum value until the transaction that added it has committed (\"unsafe use of new value\")"
                ),
                help: "Move the statements that use the new value to a later migration.".into(),
            });
            break;
        }
    }
}
