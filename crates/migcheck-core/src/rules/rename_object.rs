use super::{Hit, Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect, ObjectKind, QualName};

pub struct RenameObject;

static META: RuleMeta = rule_meta!(
    "rename-object",
    Error,
    NonAdditive,
    "Renaming a schema, type, enum value, view or function, or moving an object to another schema"
);

impl Rule for RenameObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            match e {
                Effect::RenameObject { kind, name, to, on } => {
                    // A name no client query reads: the warning `rename-internal-object`.
                    if internal(*kind)
                        || !reported_rename(cx, *kind, name, to, on.as_ref())
                    {
                        continue;
                    }
                    out.push(rename_hit(cx, *kind, name, to, on.as_ref(), "breaks code and SQL of the running application that still use the old name"));
                }
                Effect::SetSchema { kind, name, schema } => {
                    let created_here = if *kind == "table" {
                        cx.table_is_new(name)
                    } else {
                        ObjectKind::from_keywords(&kind.to_ascii_uppercase()).is_some_and(|k| {
                            cx.state.object_created_in(k, name, None, cx.unit.index)
                        })
                    };
                    if created_here {
                        continue;
                    }
                    out.push(cx.hit(
                        format!(
                            "Moving {kind} `{name}` to schema `{}` breaks every query that names it by its old schema or finds it through the search path",
                            quote_ident(schema)
                        ),
                        format!("Create the {kind} in the new schema (or a view there), move users to it, and remove the old one in a later migration."),
                    ));
                }
                _ => {}
            }
        }
    }
}

/// Kinds whose names no client query reads (rows, results and the Data API do not change when
/// they are renamed): their renames are the warning `rename-internal-object`.
pub(super) fn internal(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Constraint | ObjectKind::Index | ObjectKind::Policy | ObjectKind::Trigger
    )
}

/// True when renaming the object is a change to report: not one created earlier in the same
/// file, not the rename of an enum swap, not a defensive `ALTER ... IF EXISTS` of an object no
/// migration of the set created.
pub(super) fn reported_rename(
    cx: &StatementCx<'_>,
    kind: ObjectKind,
    name: &QualName,
    to: &str,
    on: Option<&QualName>,
) -> bool {
    !(cx.state.object_created_in(kind, name, on, cx.unit.index)
        || (kind == ObjectKind::Type && super::replace::renames_type_for_swap(cx, name, to))
        || super::drop_object::defensive_rename(cx, kind, name, on))
}

/// The finding for renaming `name` to `to`, saying what it `breaks`.
pub(super) fn rename_hit(
    cx: &StatementCx<'_>,
    kind: ObjectKind,
    name: &QualName,
    to: &str,
    on: Option<&QualName>,
    breaks: &str,
) -> Hit {
    let of = on
        .map(|t| format!(" of `{}`", cx.table_name(t)))
        .unwrap_or_default();
    cx.hit(
        format!("Renaming {kind} `{name}`{of} to `{}` {breaks}", quote_ident(to)),
        format!("Create the {kind} under the new name next to the old one, move every user to it, and remove the old name in a later migration."),
    )
}
