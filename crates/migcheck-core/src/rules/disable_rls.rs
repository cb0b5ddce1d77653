use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::Effect;

pub struct DisableRls;

static META: RuleMeta = rule_meta!(
    "disable-rls",
    Error,
    Security,
    "DISABLE ROW LEVEL SECURITY or NO FORCE ROW LEVEL SECURITY"
);

impl Rule for DisableRls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::DisableRls { table, force } = e {
                let name = cx.table_name(table);
                let (message, help) = if *force {
                    (
                        format!("`NO FORCE ROW LEVEL SECURITY` on `{name}` lets the table owner bypass every policy again"),
                        "Keep FORCE ROW LEVEL SECURITY; give jobs that must see all rows a role with BYPASSRLS or a policy of their own.",
                    )
                } else {
                    (
                        format!("Disabling row level security on `{name}` makes every row readable and writable by any role with table privileges (on Supabase: `anon` and `authenticated` through the Data API)"),
                        "Keep RLS enabled and change or add policies instead; if the table must not be reachable, revoke the privileges of `anon` and `authenticated`.",
                    )
                };
                out.push(cx.hit(message, help));
            }
        }
    }
}
