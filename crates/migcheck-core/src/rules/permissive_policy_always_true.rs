use sqlparser::ast::{CreatePolicyCommand, CreatePolicyType, Statement as Ast};

use super::sql::{owner_roles, CLIENT_ROLES};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::{always_true, fold, qual};

pub struct PermissivePolicyAlwaysTrue;

static META: RuleMeta = rule_meta!(
    "permissive-policy-always-true",
    Warning,
    Security,
    "A permissive INSERT / UPDATE / DELETE / ALL policy for client roles whose USING or WITH CHECK is always true"
);

impl Rule for PermissivePolicyAlwaysTrue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::CreatePolicy(p)) = cx.stmt.ast.as_deref() else {
            return;
        };
        if p.policy_type == Some(CreatePolicyType::Restrictive) {
            return;
        }
        let command = match p.command {
            Some(CreatePolicyCommand::Select) => return,
            Some(CreatePolicyCommand::Insert) => "INSERT",
            Some(CreatePolicyCommand::Update) => "UPDATE",
            Some(CreatePolicyCommand::Delete) => "DELETE",
            Some(CreatePolicyCommand::All) | None => "ALL",
        };
        let roles = p
            .to
            .as_deref()
            .map(owner_roles)
            .unwrap_or_else(|| vec!["public".into()]);
        let clients: Vec<&String> = roles
            .iter()
            .filter(|r| CLIENT_ROLES.contains(&r.as_str()))
            .collect();
        if clients.is_empty() {
            return;
        }
        let clause = if p.using.as_ref().is_some_and(always_true) {
            "USING"
        } else if p.with_check.as_ref().is_some_and(always_true) {
            "WITH CHECK"
        } else {
            return;
        };
        let who = clients
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let verb = match command {
            "INSERT" => "insert any row",
            "UPDATE" => "update any row",
            "DELETE" => "delete any row",
            _ => "read, insert, update and delete any row",
        };
        out.push(cx.hit(
            format!(
                "Policy `{}` on `{}` lets {who} {verb} ({command} with `{clause}` always true): row level security protects nothing for this command",
                fold(&p.name),
                cx.table_name(&qual(&p.table_name))
            ),
            "Restrict the policy to the rows the user owns, e.g. `using ((select auth.uid()) = user_id)`, or to the role that really needs it.",
        ));
    }
}
