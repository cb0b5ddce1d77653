use sqlparser::ast::{AlterTableOperation, Statement as Ast};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct OwnerChangeRls;

static META: RuleMeta = rule_meta!(
    "owner-change-rls",
    Warning,
    Security,
    "ALTER TABLE ... OWNER TO on a table with row level security enabled but not forced"
);

impl Rule for OwnerChangeRls {
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
        let table = qual(&at.name);
        let Some(info) = cx.state.table(&table) else {
            return;
        };
        if !info.rls || info.force_rls {
            return;
        }
        for op in &at.operations {
            let AlterTableOperation::OwnerTo { new_owner } = op else {
                continue;
            };
            let owner = new_owner.to_string().trim_matches('"').to_string();
            // The usual owners on Supabase already bypass RLS as superusers or BYPASSRLS roles.
            if matches!(owner.as_str(), "postgres" | "supabase_admin") {
                continue;
            }
            out.push(cx.hit(
                format!(
                    "`{}` has row level security enabled but not forced, and a table's owner is exempt from its policies: after this, role `{owner}` reads and writes every row",
                    cx.table_name(&table)
                ),
                format!("Add `alter table {} force row level security;` if `{owner}` must obey the policies, or keep the owner a role no client uses.", cx.table_name(&table)),
            ));
        }
    }
}
