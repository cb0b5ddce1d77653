//! The row level security policies in place at the end of a set, for the rules that judge
//! policies as the database ends up with them (as Supabase's advisor does on a live database):
//! a policy dropped or replaced later in the set is not reported.

use std::collections::BTreeMap;
use std::ops::Range;

use sqlparser::ast::{AlterPolicyOperation, CreatePolicy, Statement as Ast};

use super::SetCx;
use crate::discover::Role;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::{fold, qual};

/// (schema, table): the schema as written, `public` when none is.
pub type TableKey = (String, String);

pub fn table_key(q: &QualName) -> TableKey {
    (
        q.schema.clone().unwrap_or_else(|| "public".into()),
        q.name.clone(),
    )
}

/// A policy as it stands at the end of the set.
pub struct Policy {
    /// The file ([`super::FileUnit::index`]) and statement that last defined it.
    pub unit: usize,
    pub span: Range<usize>,
    /// Its definition, with later `ALTER POLICY` changes applied.
    pub def: CreatePolicy,
}

/// Policies by table and name (folded).
pub type AtEnd = BTreeMap<TableKey, BTreeMap<String, Policy>>;

/// Every policy in place at the end of the set, by table and name (folded): found once per set
/// ([`SetCx::policies`]), for every rule that asks.
pub fn at_end<'c>(cx: &'c SetCx<'_>) -> &'c AtEnd {
    cx.policies.get_or_init(|| find(cx))
}

fn find(cx: &SetCx<'_>) -> AtEnd {
    let mut out: AtEnd = BTreeMap::new();
    for u in cx.units {
        if matches!(u.migration.role, Role::Unapplied | Role::Down) {
            continue;
        }
        for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
            for e in s.effects.iter() {
                match e {
                    Effect::DropTable { table } => {
                        out.remove(&table_key(table));
                    }
                    Effect::RenameTable { table, to } => {
                        if let Some(p) = out.remove(&table_key(table)) {
                            out.insert((table_key(table).0, to.clone()), p);
                        }
                    }
                    Effect::DropObject {
                        kind: ObjectKind::Policy,
                        name,
                        on: Some(on),
                    } => {
                        if let Some(t) = out.get_mut(&table_key(on)) {
                            t.remove(&name.name);
                        }
                    }
                    _ => {}
                }
            }
            let Some(tree) = s.tree_if_head(&u.source.text, &["CREATE POLICY", "ALTER POLICY"])
            else {
                continue;
            };
            match &*tree {
                Ast::CreatePolicy(p) => {
                    out.entry(table_key(&qual(&p.table_name)))
                        .or_default()
                        .insert(
                            fold(&p.name),
                            Policy {
                                unit: u.index,
                                span: s.span.clone(),
                                def: p.clone(),
                            },
                        );
                }
                Ast::AlterPolicy(a) => {
                    let Some(t) = out.get_mut(&table_key(&qual(&a.table_name))) else {
                        continue;
                    };
                    match &a.operation {
                        AlterPolicyOperation::Rename { new_name } => {
                            if let Some(mut p) = t.remove(&fold(&a.name)) {
                                p.def.name = new_name.clone();
                                t.insert(fold(new_name), p);
                            }
                        }
                        AlterPolicyOperation::Apply {
                            to,
                            using,
                            with_check,
                        } => {
                            let Some(p) = t.get_mut(&fold(&a.name)) else {
                                continue;
                            };
                            if to.is_some() {
                                p.def.to = to.clone();
                            }
                            if using.is_some() {
                                p.def.using = using.clone();
                            }
                            if with_check.is_some() {
                                p.def.with_check = with_check.clone();
                            }
                            p.unit = u.index;
                            p.span = s.span.clone();
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}
