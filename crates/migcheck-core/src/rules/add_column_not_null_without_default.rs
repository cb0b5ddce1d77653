use sqlparser::ast::{AlterTableOperation, ColumnOption, DataType};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::quote_ident;
use crate::extract::fold;

pub struct AddColumnNotNullWithoutDefault;

static META: RuleMeta = rule_meta!(
    "add-column-not-null-without-default",
    Error,
    Locking,
    "ADD COLUMN ... NOT NULL without a DEFAULT on a table that already exists"
);

/// `serial` and friends: an implicit default from a sequence.
pub fn is_serial(t: &DataType) -> bool {
    let name = t.to_string().to_ascii_lowercase();
    matches!(
        name.as_str(),
        "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8"
    )
}

impl Rule for AddColumnNotNullWithoutDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        let mut dropped = Vec::new();
        for op in &at.operations {
            // `ADD COLUMN c ... DEFAULT x NOT NULL` then `ALTER COLUMN c DROP DEFAULT` in the same
            // file (Django's AddField with a default): at the end of the file the column is
            // NOT NULL without a default, as if added that way. One finding per statement.
            if let AlterTableOperation::AlterColumn {
                column_name,
                op: sqlparser::ast::AlterColumnOperation::DropDefault,
            } = op
            {
                let column = fold(column_name);
                let key = cx.state.resolve_table(&table);
                let not_null = cx
                    .state
                    .columns_of(&key)
                    .is_some_and(|c| c.is_not_null(&column));
                if not_null && cx.state.column_created_in(&table, &column, cx.unit.index) {
                    dropped.push(format!("`{}`", quote_ident(&column)));
                }
                continue;
            }
            let AlterTableOperation::AddColumn { column_def, .. } = op else {
                continue;
            };
            let opts: Vec<&ColumnOption> = column_def.options.iter().map(|o| &o.option).collect();
            let not_null = opts
                .iter()
                .any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
            let filled = is_serial(&column_def.data_type)
                || opts
                    .iter()
                    .any(|o| matches!(o, ColumnOption::Default(_) | ColumnOption::Generated { .. }));
            // The same transaction emptied the table: no row can make the add fail.
            if !not_null || filled || cx.table_emptied_earlier(&table, false) {
                continue;
            }
            out.push(cx.hit(
                format!(
                    "Adding column `{}` to `{}` as NOT NULL without a default fails as soon as the table has a row (existing rows would be NULL), and breaks inserts of deployed code that does not set it",
                    quote_ident(&fold(&column_def.name)),
                    cx.table_name(&table)
                ),
                "Add the column with a constant DEFAULT (PostgreSQL 11+ stores it without a rewrite), or add it nullable, backfill, and set NOT NULL later.",
            ));
        }
        if !dropped.is_empty() {
            let (noun, pronoun) = if dropped.len() == 1 {
                ("column", "it")
            } else {
                ("columns", "them")
            };
            out.push(cx.hit(
                format!(
                    "Dropping the default of {noun} {} of `{}`, added NOT NULL earlier in this file, leaves {pronoun} NOT NULL without a default: inserts of the deployed code, which does not set {pronoun}, fail from this migration until the new release is out",
                    dropped.join(", "),
                    cx.table_name(&table),
                ),
                "Keep the default until every deployed release sets the column, and drop it in a later migration.",
            ));
        }
    }
}
