use sqlparser::ast::{AlterPolicyOperation, Expr, Statement as Ast};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::{fold, qual};

pub struct PolicyTrustsUserMetadata;

static META: RuleMeta = rule_meta!(
    "policy-trusts-user-metadata",
    Error,
    Security,
    "A policy that decides access from `user_metadata` (which every user can change)"
);

/// What user-editable metadata the expression reads, if any.
fn reads_user_metadata(e: &Expr) -> Option<&'static str> {
    let text = e.to_string().to_ascii_lowercase();
    if text.contains("'user_metadata'") && text.contains("jwt") {
        Some("`auth.jwt() -> 'user_metadata'`")
    } else if text.contains("raw_user_meta_data") {
        Some("`auth.users.raw_user_meta_data`")
    } else {
        None
    }
}

impl Rule for PolicyTrustsUserMetadata {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let (name, table, using, check) = match cx.stmt.ast.as_deref() {
            Some(Ast::CreatePolicy(p)) => (&p.name, &p.table_name, &p.using, &p.with_check),
            Some(Ast::AlterPolicy(p)) => match &p.operation {
                AlterPolicyOperation::Apply {
                    using, with_check, ..
                } => (&p.name, &p.table_name, using, with_check),
                _ => return,
            },
            _ => return,
        };
        // Only where the Data API serves the table (docs/configuration.md, `exposed_schemas`).
        if !cx
            .config
            .is_exposed(&cx.state.resolve_table(&qual(table)).0)
        {
            return;
        }
        let Some(what) = using
            .iter()
            .chain(check.iter())
            .find_map(reads_user_metadata)
        else {
            return;
        };
        out.push(cx.hit(
            format!(
                "Policy `{}` on `{}` decides access from {what}, which every signed-in user can change for themselves (`supabase.auth.updateUser({{ data }})`): a user can grant themselves whatever the policy checks",
                fold(name),
                cx.table_name(&qual(table))
            ),
            "Keep roles and permissions in `app_metadata` (only the service role can change it) or in a table of your own protected by RLS.",
        ));
    }
}
