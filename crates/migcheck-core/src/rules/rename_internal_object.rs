use super::rename_object::{rename_hit, reported_rename};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct RenameInternalObject;

static META: RuleMeta = rule_meta!(
    "rename-internal-object",
    Warning,
    NonAdditive,
    "Renaming a constraint, index, policy or trigger (names no client query reads)"
);

impl Rule for RenameInternalObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            let Effect::RenameObject { kind, name, to, on } = e else {
                continue;
            };
            if !super::rename_object::internal(*kind)
                || !reported_rename(cx, *kind, name, to, on.as_ref())
            {
                continue;
            }
            out.push(rename_hit(
                cx,
                *kind,
                name,
                to,
                on.as_ref(),
                "changes no row or query result, but breaks SQL that names it (`ON CONFLICT ON CONSTRAINT`, `ALTER INDEX`, `DROP POLICY`, later scripts) and code that matches the name in error messages",
            ));
        }
    }
}
