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
    cx.policies.get_or_init(|| find(cx.units))
}

/// A policy while the set is walked: its definition is read from its statement only when an
/// `ALTER POLICY` changes it or it is still in place at the end (most policies of a long set are
/// dropped and created again, and a tree read from the cache costs more than the rest of the
/// walk).
struct Slot<'u> {
    unit: usize,
    span: Range<usize>,
    def: Def<'u>,
}

enum Def<'u> {
    Read(Box<CreatePolicy>),
    /// Not read yet: the `CREATE POLICY` statement (in the file's `text`) and the name a later
    /// `ALTER POLICY ... RENAME` gave it.
    Unread {
        stmt: &'u crate::parse::Statement,
        text: &'u str,
        renamed: Option<sqlparser::ast::Ident>,
    },
}

impl Slot<'_> {
    /// The definition, read now if it was not (`None`: its statement has no tree after all).
    fn def(&mut self) -> Option<&mut CreatePolicy> {
        if let Def::Unread {
            stmt,
            text,
            renamed,
        } = &mut self.def
        {
            let Ast::CreatePolicy(mut p) = stmt.tree(text)?.into_owned() else {
                return None;
            };
            if let Some(name) = renamed.take() {
                p.name = name;
            }
            self.def = Def::Read(Box::new(p));
        }
        match &mut self.def {
            Def::Read(p) => Some(p),
            Def::Unread { .. } => None,
        }
    }
}

/// A `CREATE POLICY` whose table and name its effects say and whose tree is certain to be
/// there when asked for: parsed by sqlparser (not our fallback reader), and not a statement
/// made from an `EXECUTE` string (whose text is not the policy's). Others are read at once.
fn read_later(s: &crate::parse::Statement) -> Option<(TableKey, String)> {
    if !s.head.starts_with("CREATE POLICY")
        || s.unparsed.is_some()
        || !(s.ast.is_some() || s.stored_tree.is_some() || !s.in_do_block)
    {
        return None;
    }
    s.effects.iter().find_map(|e| match e {
        Effect::CreatePolicy { table, name } => Some((table_key(table), name.clone())),
        _ => None,
    })
}

/// The policies in place at the end of `units` (a set's files in order).
pub(super) fn find(units: &[super::FileUnit]) -> AtEnd {
    let mut out: BTreeMap<TableKey, BTreeMap<String, Slot<'_>>> = BTreeMap::new();
    for u in units {
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
            if let Some((table, name)) = read_later(s) {
                let def = Def::Unread {
                    stmt: s,
                    text: &u.source.text,
                    renamed: None,
                };
                let slot = Slot {
                    unit: u.index,
                    span: s.span.clone(),
                    def,
                };
                out.entry(table).or_default().insert(name, slot);
                continue;
            }
            let Some(tree) = s.tree_if_head(&u.source.text, &["CREATE POLICY", "ALTER POLICY"])
            else {
                continue;
            };
            match &*tree {
                Ast::CreatePolicy(p) => {
                    let table = table_key(&qual(&p.table_name));
                    let name = fold(&p.name);
                    // A tree read from the cache is ours to keep; one the file holds is copied.
                    let def = match tree {
                        std::borrow::Cow::Owned(Ast::CreatePolicy(p)) => p,
                        _ => p.clone(),
                    };
                    out.entry(table).or_default().insert(
                        name,
                        Slot {
                            unit: u.index,
                            span: s.span.clone(),
                            def: Def::Read(Box::new(def)),
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
                                match &mut p.def {
                                    Def::Read(def) => def.name = new_name.clone(),
                                    Def::Unread { renamed, .. } => {
                                        *renamed = Some(new_name.clone())
                                    }
                                }
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
                            // Its statement has a tree (`read_later`): never `None`.
                            let Some(def) = p.def() else {
                                continue;
                            };
                            if to.is_some() {
                                def.to = to.clone();
                            }
                            if using.is_some() {
                                def.using = using.clone();
                            }
                            if with_check.is_some() {
                                def.with_check = with_check.clone();
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
    out.into_iter()
        .map(|(table, policies)| {
            let policies = policies
                .into_iter()
                .filter_map(|(name, mut slot)| {
                    slot.def()?;
                    let Def::Read(def) = slot.def else {
                        return None;
                    };
                    Some((
                        name,
                        Policy {
                            unit: slot.unit,
                            span: slot.span,
                            def: *def,
                        },
                    ))
                })
                .collect();
            (table, policies)
        })
        .collect()
}
