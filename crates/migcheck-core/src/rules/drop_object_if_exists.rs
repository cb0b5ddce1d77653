use super::drop_object::{defensive_drop, recreated_later};
use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct DropObjectIfExists;

static META: RuleMeta = rule_meta!(
    "drop-object-if-exists",
    Warning,
    NonAdditive,
    "DROP POLICY / TRIGGER / INDEX / FUNCTION ... IF EXISTS of an object no migration of the set created"
);

impl Rule for DropObjectIfExists {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        for e in cx.forward_effects() {
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
