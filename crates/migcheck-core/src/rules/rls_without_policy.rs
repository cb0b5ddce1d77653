use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::effect::QualName;

pub struct RlsWithoutPolicy;

static META: RuleMeta = rule_meta!(
    "rls-without-policy",
    Warning,
    Security,
    "RLS enabled on a table that no policy in the set applies to"
);

impl Rule for RlsWithoutPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        for ((schema, name), t) in &cx.state.tables {
            let Some(enabled) = &t.rls_enabled else { continue };
            // A table the set never creates may have policies made outside the migrations:
            // only tables whose whole history is in the set are judged.
            // Only where the Data API serves the table (docs/configuration.md,
            // `exposed_schemas`): elsewhere no client request goes through RLS.
            if !t.rls || !t.policies.is_empty() || t.created.is_none() || !cx.config.is_exposed(schema)
            {
                continue;
            }
            let Some(unit) = super::unit_at(cx.units, enabled.file) else {
                continue;
            };
            let table = QualName::new(Some(schema), name).to_string();
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: unit.source.clone(),
                span: enabled.span.clone(),
                message: format!(
                    "Row level security is enabled on `{table}` but no policy in the migrations applies to it: every role except the owner (and BYPASSRLS roles) is locked out"
                ),
                help: format!(
                    "Add `create policy ... on {table} for select to authenticated using (...)` for the access clients need; if only the service role should use the table, say so in a comment and allow this finding."
                ).into(),
            });
        }
    }
}
