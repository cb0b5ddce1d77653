use super::drop_object::{defensive_drop, defensive_rename, recreated_later};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct DropObjectIfExists;

static META: RuleMeta = rule_meta!(
    "drop-object-if-exists",
    Warning,
    NonAdditive,
    "DROP (or ALTER ... IF EXISTS ... RENAME) of a policy / trigger / index / function ... IF EXISTS that no migration of the set created"
);

impl Rule for DropObjectIfExists {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::RenameObject { kind, name, to, on } = e {
                if defensive_rename(cx, *kind, name, on.as_ref()) {
                    out.push(cx.hit(
                        format!(
                            "No {kind} `{name}` exists at this point of the migrations (none creates it, or an earlier one dropped or renamed it), so this `ALTER ... IF EXISTS ... RENAME` does nothing in a database built from them; where the {kind} was made outside the migrations (in the dashboard, by hand), it is renamed to `{}` for real",
                            crate::effect::quote_ident(to)
                        ),
                        format!("If the {kind} may exist in some database, check what uses its old name there; if it never exists, remove the statement."),
                    ));
                }
                continue;
            }
            let Effect::DropObject { kind, name, on } = e else {
                continue;
            };
            if !defensive_drop(cx, *kind, name, on.as_ref()) || recreated_later(cx, *kind, &name.name)
            {
                continue;
            }
            let target = match on {
                Some(t) => format!("`{name}` on `{}`", cx.table_name(t)),
                None => format!("`{name}`"),
            };
            out.push(cx.hit(
                format!(
                    "No {kind} {target} exists at this point of the migrations (none creates it, or an earlier one dropped it), so this `DROP ... IF EXISTS` does nothing in a database built from them; where the {kind} was made outside the migrations (in the dashboard, by hand), it is dropped for real"
                ),
                format!("If the {kind} may exist in some database, check what uses it there before dropping it; if it never exists, remove the statement."),
            ));
        }
    }
}
