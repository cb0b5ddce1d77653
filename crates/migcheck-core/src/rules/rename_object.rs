use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect, ObjectKind};

pub struct RenameObject;

static META: RuleMeta = rule_meta!(
    "rename-object",
    Error,
    NonAdditive,
    "Renaming a schema, type, enum value, constraint, index, view, function or policy, or moving it to another schema"
);

impl Rule for RenameObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            match e {
                Effect::RenameObject { kind, name, to, on } => {
                    if cx
                        .state
                        .object_created_in(*kind, name, on.as_ref(), cx.unit.index)
                        || (*kind == ObjectKind::Type
                            && super::replace::renames_type_for_swap(cx, name, to))
                        || super::drop_object::defensive_rename(cx, *kind, name, on.as_ref())
                    {
                        continue;
                    }
                    let of = on
                        .as_ref()
                        .map(|t| format!(" of `{}`", cx.table_name(t)))
                        .unwrap_or_default();
                    out.push(cx.hit(
                        format!(
                            "Renaming {kind} `{name}`{of} to `{}` breaks code and SQL of the running application that still use the old name",
                            quote_ident(to)
                        ),
                        format!("Create the {kind} under the new name next to the old one, move every user to it, and remove the old name in a later migration."),
                    ));
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
