//! A policy whose USING or WITH CHECK calls `auth.uid()`, `auth.jwt()`, `auth.role()`,
//! `auth.email()` or `current_setting(...)` outside a `(select ...)`: these functions are
//! STABLE, not IMMUTABLE, so PostgreSQL calls them once per row the policy filters; wrapped in a
//! scalar subquery without FROM they become an InitPlan, run once per statement. Supabase's
//! advisor reports it as `auth_rls_initplan` (lint 0003 of supabase/splinter,
//! `lints/0003_auth_rls_initplan.sql`, which matches `auth.(uid|jwt|role|email)()` not preceded
//! by `select`). Judged on the policies in place at the end of the set ([`super::policies`]).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, SetExpr, Visit, Visitor};

use super::policies::at_end;
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::effect::QualName;
use crate::extract::{fold, qual};

pub struct PolicyCallsAuthPerRow;

static META: RuleMeta = rule_meta!(
    "policy-calls-auth-per-row",
    Warning,
    Security,
    "A policy calls auth.uid(), auth.jwt(), auth.role(), auth.email() or current_setting() per row instead of once in `(select ...)`"
);

/// Collects the calls of a policy expression that are not inside a `SELECT` without FROM.
#[derive(Default)]
struct Calls {
    /// For each query entered: true when it is a `SELECT` without FROM (a wrapper).
    queries: Vec<bool>,
    found: Vec<String>,
}

impl Visitor for Calls {
    type Break = ();

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        let wrapper = matches!(&*q.body, SetExpr::Select(s) if s.from.is_empty());
        self.queries.push(wrapper);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
        self.queries.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if let Expr::Function(f) = e {
            let QualName { schema, name } = qual(&f.name);
            let per_row = match schema.as_deref() {
                Some("auth") => matches!(name.as_str(), "uid" | "jwt" | "role" | "email"),
                None | Some("pg_catalog") => name == "current_setting",
                _ => false,
            };
            if per_row && !self.queries.iter().any(|w| *w) {
                let call = match schema {
                    Some(s) if s == "auth" => format!("auth.{name}()"),
                    _ => format!("{name}()"),
                };
                if !self.found.contains(&call) {
                    self.found.push(call);
                }
            }
        }
        ControlFlow::Continue(())
    }
}

impl Rule for PolicyCallsAuthPerRow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        for ((schema, table), policies) in at_end(cx) {
            for p in policies.values() {
                let mut calls = Calls::default();
                for e in [&p.def.using, &p.def.with_check].into_iter().flatten() {
                    let _ = e.visit(&mut calls);
                }
                if calls.found.is_empty() {
                    continue;
                }
                let Some(unit) = super::unit_at(cx.units, p.unit) else {
                    continue;
                };
                let list = calls
                    .found
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let first = &calls.found[0];
                out.push(Hit {
                    file: unit.source.clone(),
                    span: p.span.clone(),
                    message: format!(
                        "Policy `{}` on `{}` calls {list} for every row it checks: PostgreSQL cannot treat the result as a constant of the query, so a scan of 100,000 rows makes 100,000 calls",
                        fold(&p.def.name),
                        QualName::new(Some(schema), table)
                    ),
                    help: format!("Wrap each call in a scalar subquery, e.g. `(select {first})` instead of `{first}`: PostgreSQL then runs it once per statement (an InitPlan) and the policy can use an index.").into(),
                    fix: None,
                    suggestion: None,
                });
            }
        }
    }
}
