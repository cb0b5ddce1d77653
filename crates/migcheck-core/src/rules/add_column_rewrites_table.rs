use sqlparser::ast::{AlterTableOperation, ColumnOption, Expr, GeneratedAs, GeneratedExpressionMode, Value};

use super::add_column_not_null_without_default::is_serial;
use super::sql::{maybe_volatile_call, volatile_call};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::quote_ident;
use crate::extract::fold;

pub struct AddColumnRewritesTable;

static META: RuleMeta = rule_meta!(
    "add-column-rewrites-table",
    Error,
    Locking,
    "ADD COLUMN with a volatile default, serial, identity or stored generated column on an existing table (rewrites the table)"
);

fn is_null(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if matches!(v.value, Value::Null))
}

impl Rule for AddColumnRewritesTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        for op in &at.operations {
            let AlterTableOperation::AddColumn { column_def, .. } = op else {
                continue;
            };
            let mut why = None;
            if is_serial(&column_def.data_type) {
                why = Some(format!(
                    "as `{}`, which fills every existing row from a sequence",
                    column_def.data_type.to_string().to_ascii_lowercase()
                ));
            }
            for o in &column_def.options {
                match &o.option {
                    ColumnOption::Default(e) => {
                        if let Some(f) = volatile_call(e) {
                            why = Some(format!(
                                "with the volatile default `{f}()`, which is computed separately for every existing row"
                            ));
                        } else if let Some((f, declared)) = maybe_volatile_call(e, &cx.state.facts) {
                            why = Some(if declared {
                                format!("with a default calling `{f}()`, which this migration set declares without IMMUTABLE or STABLE, so PostgreSQL treats it as VOLATILE and computes it for every existing row")
                            } else {
                                format!("with a default calling `{f}()`, a function migcheck does not know: functions are VOLATILE unless declared IMMUTABLE or STABLE, and a volatile default is computed for every existing row")
                            });
                        } else if cx.config.pg_version < 11 && !is_null(e) {
                            why = Some(format!(
                                "with a default, which PostgreSQL {} writes into every existing row (11+ does not)",
                                cx.config.pg_version
                            ));
                        }
                    }
                    ColumnOption::Generated {
                        generation_expr: Some(_),
                        generation_expr_mode,
                        ..
                    } => {
                        if *generation_expr_mode == Some(GeneratedExpressionMode::Virtual) {
                            continue;
                        }
                        why = Some("as a stored generated column, computed for every existing row".into())
                    }
                    ColumnOption::Generated {
                        generated_as: GeneratedAs::Always | GeneratedAs::ByDefault,
                        ..
                    } => {
                        why = Some("as an identity column, which numbers every existing row".into())
                    }
                    _ => {}
                }
            }
            let Some(why) = why else { continue };
            out.push(cx.hit(
                format!(
                    "Adding column `{}` to `{}` {why}: PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock, blocking every read and write until it is done",
                    quote_ident(&fold(&column_def.name)),
                    cx.table_name(&table)
                ),
                "Add the column without the default (or with a constant one), set the default in a second statement, and backfill existing rows in batches.",
            ));
        }
    }
}
