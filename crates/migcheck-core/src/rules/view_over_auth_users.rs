use std::ops::ControlFlow;

use sqlparser::ast::{visit_relations, Statement as Ast};

use super::sql::{security_invoker, view_options};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::QualName;
use crate::extract::qual;

pub struct ViewOverAuthUsers;

static META: RuleMeta = rule_meta!(
    "view-over-auth-users",
    Error,
    Security,
    "A view in an exposed schema that selects from `auth.users` with its owner's privileges"
);

impl Rule for ViewOverAuthUsers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::CreateView(v)) = cx.stmt.ast.as_deref() else {
            return;
        };
        let name = qual(&v.name);
        let schema = cx.state.resolve_table(&name).0;
        if !cx.config.is_exposed(&schema) || v.temporary {
            return;
        }
        if !v.materialized && security_invoker(view_options(&v.options)) == Some(true) {
            return;
        }
        let reads_users = visit_relations(&v.query, |r| {
            let q = qual(r);
            if q.schema.as_deref() == Some("auth") && q.name == "users" {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .is_break();
        if !reads_users {
            return;
        }
        let kind = if v.materialized { "Materialized view" } else { "View" };
        out.push(cx.hit(
            format!(
                "{kind} `{}` in the exposed schema `{schema}` reads `auth.users` with its owner's privileges: clients can read users' emails, phone numbers and metadata through the API",
                QualName::new(Some(&schema), &name.name)
            ),
            "Keep the view in a schema that is not exposed, or select only the columns you need from a `public.profiles` table maintained by a trigger, protected by RLS.",
        ));
    }
}
