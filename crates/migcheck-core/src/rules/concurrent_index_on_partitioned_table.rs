//! `CREATE INDEX CONCURRENTLY` on a table the set created `PARTITION BY`: PostgreSQL refuses it
//! ("cannot create index on partitioned table ... concurrently", `DefineIndex` in
//! src/backend/commands/indexcmds.c), so the migration fails.

use sqlparser::ast::Statement as Ast;

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct ConcurrentIndexOnPartitionedTable;

static META: RuleMeta = rule_meta!(
    "concurrent-index-on-partitioned-table",
    Error,
    Locking,
    "CREATE INDEX CONCURRENTLY on a partitioned table (PostgreSQL rejects it: the migration fails)"
);

impl Rule for ConcurrentIndexOnPartitionedTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::CreateIndex(ci)) = cx.stmt.ast.as_deref() else {
            return;
        };
        let table = qual(&ci.table_name);
        if !ci.concurrently
            || cx.state.table(&table).is_none()
            || !cx
                .state
                .facts
                .partitioned
                .contains(&cx.state.resolve_table(&table))
        {
            return;
        }
        let index = ci
            .name
            .as_ref()
            .map(|n| format!("index `{}`", qual(n)))
            .unwrap_or_else(|| "an index".into());
        out.push(cx.hit(
            format!(
                "Building {index} CONCURRENTLY on `{}` fails: the set created it `PARTITION BY`, and PostgreSQL cannot build an index on a partitioned table concurrently",
                cx.table_name(&table)
            ),
            "Create the index on the parent alone with `CREATE INDEX ... ON ONLY <table>` (instant, left invalid), build the same index `CONCURRENTLY` on each partition, then `ALTER INDEX <parent index> ATTACH PARTITION <partition index>` for each; the parent index becomes valid when all are attached.",
        ));
    }
}
