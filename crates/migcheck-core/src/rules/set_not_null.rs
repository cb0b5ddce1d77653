use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, TableConstraint};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, QualName};
use crate::extract::fold;

pub struct SetNotNull;

static META: RuleMeta = rule_meta!(
    "set-not-null",
    Error,
    Locking,
    "ALTER COLUMN ... SET NOT NULL on an existing column (scans the table under an ACCESS EXCLUSIVE lock)",
    offers: Suggestion
);

/// True when the set already proved the column non-null: a validated
/// `CHECK (col IS NOT NULL)` on it (alone or `AND`ed with other conditions), in this migration
/// or an earlier one; or a validated constraint that no migration of the set added (it is
/// older than the set) whose name says it is this column's not-null check
/// ([`names_not_null_check`]). Any other `VALIDATE CONSTRAINT` on the table proves nothing
/// about this column: a CHECK passes on NULL.
fn proven_earlier(cx: &StatementCx<'_>, table: &QualName, column: &str) -> bool {
    let key = cx.state.resolve_table(table);
    cx.state
        .columns_of(&key)
        .is_some_and(|c| c.has_not_null_check(column))
        || cx
            .state
            .facts
            .validated_unknown
            .get(&key)
            .is_some_and(|names| names.iter().any(|n| names_not_null_check(n, column)))
}

/// True when a constraint name says it is `column`'s not-null check: its `_`-separated words
/// hold the column's (`orders_customer_id_not_null`, `customer_id_nn`) and `not_null`,
/// `notnull` or `nn`. `orders_status_check` is not one: a CHECK on the column may pass NULLs.
fn names_not_null_check(name: &str, column: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let column = column.to_ascii_lowercase();
    let words: Vec<&str> = name.split('_').collect();
    let col: Vec<&str> = column.split('_').collect();
    let has_column = words.windows(col.len()).any(|w| w == col.as_slice());
    let says_not_null = words.windows(2).any(|w| w == ["not", "null"])
        || words.iter().any(|w| matches!(*w, "notnull" | "nn"));
    has_column && says_not_null
}

impl Rule for SetNotNull {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        for op in &at.operations {
            if let AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKeyUsingIndex(u),
                ..
            } = op
            {
                let key = cx.state.resolve_table(&table);
                let facts = &cx.state.facts;
                let Some(cols) = facts.unique_index_columns.get(&fold(&u.index_name)) else {
                    continue;
                };
                // Only columns whose declaration the set shows and that may hold NULLs.
                let table_facts = cx.state.columns_of(&key);
                let nullable: Vec<&String> = cols
                    .iter()
                    .filter(|c| {
                        table_facts.is_some_and(|t| {
                            t.written_type(c).is_some() && !t.is_not_null(c) && !t.has_not_null_check(c)
                        })
                    })
                    .collect();
                if nullable.is_empty() {
                    continue;
                }
                let names: Vec<String> = nullable.iter().map(|c| format!("`{}`", quote_ident(c))).collect();
                out.push(cx.hit(
                    format!(
                        "`ADD PRIMARY KEY USING INDEX` on `{}` implicitly sets {} NOT NULL, which scans every row of the table for NULLs while holding an ACCESS EXCLUSIVE lock",
                        cx.table_name(&table),
                        names.join(", ")
                    ),
                    "Make the columns NOT NULL first the cheap way (`CHECK (col IS NOT NULL) NOT VALID`, validate it in a later migration, then SET NOT NULL), then add the primary key using the index.",
                ));
                continue;
            }
            let AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetNotNull,
            } = op
            else {
                continue;
            };
            let column = fold(column_name);
            // A TRUNCATE earlier in the same transaction left an empty table: nothing to scan
            // (a DELETE does not: the scan still reads every dead row until vacuum).
            if cx.state.column_created_in(&table, &column, cx.unit.index)
                || (cx.config.pg_version >= 12 && proven_earlier(cx, &table, &column))
                || cx.table_emptied_earlier(&table, true)
            {
                continue;
            }
            let help = if cx.config.pg_version >= 12 {
                "Add `CHECK (col IS NOT NULL) NOT VALID`, validate it in a later migration, then SET NOT NULL (PostgreSQL skips the scan) and drop the check."
            } else {
                "Before PostgreSQL 12 SET NOT NULL always scans: keep a validated `CHECK (col IS NOT NULL)` constraint (added NOT VALID, then validated) instead."
            };
            let suggestion = (cx.config.pg_version >= 12 && at.operations.len() == 1)
                .then(|| suggest(&at.name, column_name, &column));
            let hit = cx.hit(
                format!(
                    "Setting `{}`.`{}` NOT NULL scans every row of the table to check for NULLs while holding an ACCESS EXCLUSIVE lock, blocking every read and write until the scan finishes",
                    cx.table_name(&table),
                    quote_ident(&column)
                ),
                help,
            );
            out.push(hit.with_suggestion(suggestion));
        }
    }
}

/// The two migrations of the safe change (PostgreSQL 12+): a `CHECK (col IS NOT NULL) NOT
/// VALID` now; in a later migration VALIDATE it (no ACCESS EXCLUSIVE lock), SET NOT NULL (which
/// then skips the scan, as `ATExecSetNotNull` uses the validated check) and drop the check.
fn suggest(
    table: &sqlparser::ast::ObjectName,
    written: &sqlparser::ast::Ident,
    column: &str,
) -> crate::fix::Suggestion {
    let short = crate::extract::qual(table).name;
    let check = crate::fix::ident(&crate::effect::truncate_identifier(format!(
        "{short}_{column}_not_null"
    )));
    crate::fix::Suggestion {
        title: format!("Prove `{column}` non-null with a NOT VALID check first, then SET NOT NULL in a later migration"),
        steps: vec![
            format!("alter table {table} add constraint {check} check ({written} is not null) not valid;"),
            format!(
                "alter table {table} validate constraint {check};\nalter table {table} alter column {written} set not null;\nalter table {table} drop constraint {check};"
            ),
        ],
    }
}
