use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect};

pub struct DropSchema;

static META: RuleMeta = rule_meta!(
    "drop-schema",
    Error,
    NonAdditive,
    "DROP SCHEMA"
);

impl Rule for DropSchema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::DropSchema { name } = e {
                if cx.state.schema_created_in(name, cx.unit.index) {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Dropping schema `{}` removes it and, with CASCADE, every table, view and function in it, with all their data",
                        quote_ident(name)
                    ),
                    "Move or drop the objects you no longer need one by one, in reviewed migrations, after the application stopped using them.",
                ));
            }
        }
    }
}
