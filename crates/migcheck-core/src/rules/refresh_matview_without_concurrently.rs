//! `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` on a view that existed before the file:
//! the refresh holds ACCESS EXCLUSIVE on the view (`ExecRefreshMatView` in
//! src/backend/commands/matview.c opens it with `lockmode = concurrent ? ExclusiveLock :
//! AccessExclusiveLock`), so every read of the view waits for the whole query to run again.

use sqlparser::ast::Statement as Ast;

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::ObjectKind;
use crate::extract::qual;

pub struct RefreshMatviewWithoutConcurrently;

static META: RuleMeta = rule_meta!(
    "refresh-matview-without-concurrently",
    Warning,
    Locking,
    "REFRESH MATERIALIZED VIEW without CONCURRENTLY on a view that existed before this migration (blocks its readers for the whole refresh)"
);

impl Rule for RefreshMatviewWithoutConcurrently {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::RefreshMaterializedView(r)) = cx.stmt.ast.as_deref() else {
            return;
        };
        // `WITH NO DATA` empties the view (instant; CONCURRENTLY is not allowed with it).
        if r.concurrently || r.with_data == Some(false) {
            return;
        }
        let view = qual(&r.name);
        // A view created in this file has no readers yet.
        if cx
            .state
            .object_created_in(ObjectKind::MaterializedView, &view, None, cx.unit.index)
        {
            return;
        }
        out.push(cx.hit(
            format!(
                "Refreshing materialized view `{view}` without CONCURRENTLY holds an ACCESS EXCLUSIVE lock on it while its query runs again: every read of the view waits until the refresh ends"
            ),
            "Use `REFRESH MATERIALIZED VIEW CONCURRENTLY`, which lets reads continue; it needs a unique index on plain columns of the view without WHERE (create one first, e.g. `CREATE UNIQUE INDEX ON <view> (id)`) and a view already populated.",
        ));
    }
}
