use std::collections::BTreeMap;
use std::ops::Range;

use sqlparser::ast::{AlterViewOperation, Statement as Ast};

use super::sql::{security_invoker, view_options};
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::qual;

pub struct ViewWithoutSecurityInvoker;

/// view → (file, span of its last CREATE, security_invoker, its name as that CREATE wrote it).
type Views = BTreeMap<(String, String), (usize, Range<usize>, bool, Option<String>)>;

static META: RuleMeta = rule_meta!(
    "view-without-security-invoker",
    Error,
    Security,
    "A view in an exposed schema without `security_invoker = true` (PostgreSQL 15+)",
    offers: Fix
);

impl Rule for ViewWithoutSecurityInvoker {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        if cx.config.pg_version < 15 {
            return;
        }
        let mut views: Views = BTreeMap::new();
        let key = |q: &QualName| {
            (
                q.schema.clone().unwrap_or_else(|| "public".into()),
                q.name.clone(),
            )
        };
        for u in cx.units {
            if matches!(u.migration.role, Role::Unapplied | Role::Down) {
                continue;
            }
            for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
                // Only statements that can create or alter a view are parsed again; the others
                // are read by their effects.
                let heads = [
                    "CREATE VIEW",
                    "CREATE OR REPLACE",
                    "CREATE RECURSIVE",
                    "ALTER VIEW",
                ];
                let tree = s.tree_if_head(&u.source.text, &heads);
                match tree.as_deref() {
                    Some(Ast::CreateView(v)) if !v.materialized && !v.temporary => {
                        let invoker = security_invoker(view_options(&v.options)) == Some(true);
                        // The fix names the view as the statement wrote it.
                        let written = (!s.in_do_block).then(|| v.name.to_string());
                        views.insert(
                            key(&qual(&v.name)),
                            (u.index, s.span.clone(), invoker, written),
                        );
                    }
                    Some(Ast::AlterView(v)) => {
                        if let AlterViewOperation::SetOptions { options } = &v.operation {
                            if let Some(inv) = security_invoker(options) {
                                if let Some(e) = views.get_mut(&key(&qual(&v.name))) {
                                    e.2 = inv;
                                }
                            }
                        }
                    }
                    _ => {
                        for e in &s.effects {
                            match e {
                                Effect::DropObject {
                                    kind: ObjectKind::View,
                                    name,
                                    ..
                                } => {
                                    views.remove(&key(name));
                                }
                                Effect::DropSchema { name } => views.retain(|(s, _), _| s != name),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        for ((schema, name), (file, span, invoker, written)) in views {
            if invoker || !cx.config.is_exposed(&schema) {
                continue;
            }
            let Some(unit) = super::unit_at(cx.units, file) else {
                continue;
            };
            let q = QualName::new(Some(&schema), &name);
            // Strictly safer: the view's query is checked against the caller's policies.
            let fix = written.map(|w| crate::fix::Fix {
                title: format!("Set `security_invoker = true` on view `{w}`"),
                edits: vec![crate::fix::insert_after_statement(
                    &unit.source.text,
                    &span,
                    &format!("alter view {w} set (security_invoker = true);"),
                )],
            });
            out.push(Hit {
                fix: fix.map(Box::new),
                suggestion: None,
                file: unit.source.clone(),
                span,
                message: format!(
                    "View `{q}` in the exposed schema `{schema}` runs its query with its owner's privileges, so row level security of the tables it reads is checked against the owner, not the caller: clients can read through it rows their policies hide"
                ),
                help: format!("Create the view `with (security_invoker = true)` (or `alter view {q} set (security_invoker = true);`).").into(),
            });
        }
    }
}
