use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{Effect, QualName};

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

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::DropTable { table } = e {
                if cx.table_is_new(table) || temporary_earlier_in_file(cx, table) {
                    continue;
                }
                if let Some(rebuilt) = super::replace::rebuilt_table(cx, table) {
                    let name = QualName::new(table.schema.as_deref(), &rebuilt);
                    out.push(cx.hit(
                        format!(
                            "Table `{}` is rebuilt: its rows are copied into a new table that takes its name, and the old table is dropped. Rows written between the copy and the swap are lost, and what belonged to the old table (grants, row level security and policies, triggers, foreign keys and views pointing at it) does not carry over",
                            cx.table_name(&name)
                        ),
                        "Change the table in place with ALTER TABLE where PostgreSQL can. If it must be rebuilt, lock the old table for the copy, recreate its grants, RLS, policies and triggers on the new table, and allow this finding with the reason.",
                    ));
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

/// True when an earlier statement of the same file creates a temporary table of this name
/// (unqualified): `CREATE TEMP TABLE t AS ...; ... DROP TABLE t` drops the session's scratch
/// table, which the schema model never records, not a table of the database.
fn temporary_earlier_in_file(cx: &StatementCx<'_>, table: &QualName) -> bool {
    if table.schema.as_deref().is_some_and(|s| s != "pg_temp") {
        return false;
    }
    !super::mentions::of(cx.unit)
        .temporary_tables(cx.unit, &table.name, 0..cx.index)
        .is_empty()
}
