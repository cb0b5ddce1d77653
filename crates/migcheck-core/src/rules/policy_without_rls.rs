use std::sync::Arc;

use super::{FileCx, FileUnit, Hit, Hits, Rule, RuleMeta, SetCx};
use crate::effect::QualName;
use crate::schema::SchemaState;

pub struct PolicyWithoutRls;

static META: RuleMeta = rule_meta!(
    "policy-without-rls",
    Error,
    Security,
    "CREATE POLICY on a table created in the migrations whose row level security is never enabled"
);

/// Policies on tables the migrations created and never enabled RLS on, in `state`.
fn check(units: &[FileUnit], state: &SchemaState, only_file: Option<usize>, out: &mut Hits<'_>) {
    for ((schema, name), t) in &state.tables {
        if t.rls || t.created.is_none() {
            continue;
        }
        let Some((policy, origin)) = t.policies.iter().min_by_key(|(_, o)| (o.file, o.span.start))
        else {
            continue;
        };
        if only_file.is_some_and(|f| f != origin.file) {
            continue;
        }
        let Some(unit) = super::unit_at(units, origin.file) else {
            continue;
        };
        let table = QualName::new(Some(schema), name).to_string();
        let more = match t.policies.len() {
            1 => String::new(),
            n => format!(" (nor do the other {} policies on it)", n - 1),
        };
        out.push(Hit {
            fix: None,
            suggestion: None,
            file: Arc::clone(&unit.source),
            span: origin.span.clone(),
            message: format!(
                "Policy `{policy}` on `{table}` does nothing{more}: row level security is never enabled on the table, so every role with table privileges sees and changes every row"
            ),
            help: format!("Add `alter table {table} enable row level security;` next to the policies.").into(),
        });
    }
}

impl Rule for PolicyWithoutRls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        // Plain files are independent migrations: each is judged on its own.
        if !cx.set.ordered {
            check(std::slice::from_ref(cx.unit), cx.state, Some(cx.unit.index), out);
        }
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        if cx.set.ordered {
            check(cx.units, cx.state, None, out);
        }
    }
}
