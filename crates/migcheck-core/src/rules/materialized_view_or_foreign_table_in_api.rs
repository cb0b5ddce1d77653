//! A materialized view or a foreign table created in a schema the Data API exposes, on a
//! Supabase set: neither can have row level security (`ALTER TABLE ... ENABLE ROW LEVEL
//! SECURITY` applies to tables and partitioned tables only), and Supabase's default privileges
//! grant `anon` and `authenticated` access to new relations of `public`, so every row is
//! readable through the API. Supabase's advisor reports them as `materialized_view_in_api` and
//! `foreign_table_in_api` (supabase/splinter, lints 0016 and 0017).

use sqlparser::ast::Statement as Ast;

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct MaterializedViewOrForeignTableInApi;

static META: RuleMeta = rule_meta!(
    "materialized-view-or-foreign-table-in-api",
    Warning,
    Security,
    "CREATE MATERIALIZED VIEW or CREATE FOREIGN TABLE in a schema the Data API exposes (no row level security possible)"
);

impl Rule for MaterializedViewOrForeignTableInApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() || !cx.set.platform.is_supabase() {
            return;
        }
        let (kind, name) = match cx.stmt.ast.as_deref() {
            Some(Ast::CreateView(v)) if v.materialized => ("Materialized view", qual(&v.name)),
            Some(Ast::CreateForeignTable(t)) => ("Foreign table", qual(&t.name)),
            _ => return,
        };
        let schema = name
            .schema
            .clone()
            .unwrap_or_else(|| cx.state.creation_schema());
        if !cx.config.is_exposed(&schema) {
            return;
        }
        out.push(cx.hit(
            format!(
                "{kind} `{schema}.{}` is created in `{schema}`, a schema the Data API exposes: it cannot have row level security, so `anon` and `authenticated` (granted access to new relations there by Supabase's default privileges) read every row of it through the API",
                crate::effect::quote_ident(&name.name)
            ),
            "Create it in a schema the API does not expose (e.g. `private`) and reach it through a security-invoker view or a function that checks the caller, or `REVOKE ALL ON <name> FROM anon, authenticated` right after creating it.",
        ));
    }
}
