//! Several permissive policies of one table for the same role and command at the end of the
//! set: PostgreSQL ORs permissive policies, evaluating every one of them for each row the
//! command touches (`add_with_check_options` / `get_policies_for_relation` in
//! src/backend/rewrite/rowsecurity.c), so two policies cost two checks per row where one
//! policy with an OR costs one. Supabase's advisor reports it as `multiple_permissive_policies`
//! (lint 0006 of supabase/splinter, `lints/0006_multiple_permissive_policies.sql`: grouped by
//! table, role and action; `ALL` counts for each of SELECT, INSERT, UPDATE and DELETE; a
//! policy for PUBLIC counts for every role; roles that bypass row level security are left out).

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast::{CreatePolicyCommand, CreatePolicyType};

use super::policies::{at_end, Policy};
use super::sql::owner_roles;
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::effect::QualName;

pub struct MultiplePermissivePolicies;

static META: RuleMeta = rule_meta!(
    "multiple-permissive-policies",
    Warning,
    Security,
    "Several permissive policies of one table for the same role and command (each is evaluated for every row)"
);

/// Roles with BYPASSRLS on Supabase (policies never apply to them) and the owner's.
const BYPASS: &[&str] = &["service_role", "postgres", "supabase_admin"];

fn commands(p: &Policy) -> &'static [&'static str] {
    match p.def.command {
        Some(CreatePolicyCommand::Select) => &["SELECT"],
        Some(CreatePolicyCommand::Insert) => &["INSERT"],
        Some(CreatePolicyCommand::Update) => &["UPDATE"],
        Some(CreatePolicyCommand::Delete) => &["DELETE"],
        Some(CreatePolicyCommand::All) | None => &["SELECT", "INSERT", "UPDATE", "DELETE"],
    }
}

fn roles(p: &Policy) -> Vec<String> {
    p.def
        .to
        .as_deref()
        .map(owner_roles)
        .unwrap_or_else(|| vec!["public".into()])
}

impl Rule for MultiplePermissivePolicies {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        for ((schema, table), policies) in at_end(cx) {
            let permissive: Vec<(&String, &Policy)> = policies
                .iter()
                .filter(|(_, p)| p.def.policy_type != Some(CreatePolicyType::Restrictive))
                .collect();
            if permissive.len() < 2 {
                continue;
            }
            // Every role some policy names; a policy for PUBLIC applies to each of them.
            let mut named: BTreeSet<String> = permissive
                .iter()
                .flat_map(|(_, p)| roles(p))
                .filter(|r| !BYPASS.contains(&r.as_str()) && !r.starts_with("pg_"))
                .collect();
            named.insert("public".into());
            // (role, command) → the policies that apply.
            let mut by: BTreeMap<(&str, &str), Vec<&String>> = BTreeMap::new();
            for (name, p) in &permissive {
                let rs = roles(p);
                for role in &named {
                    if !rs.iter().any(|r| r == role || r == "public") {
                        continue;
                    }
                    for c in commands(p) {
                        by.entry((role.as_str(), c)).or_default().push(name);
                    }
                }
            }
            // One finding per group of policies that overlap, listing where.
            let mut groups: BTreeMap<Vec<&String>, Vec<(&str, &str)>> = BTreeMap::new();
            for (rc, names) in by {
                if names.len() > 1 {
                    groups.entry(names).or_default().push(rc);
                }
            }
            for (names, overlaps) in groups {
                // Reported on the policy of the group defined last.
                let Some(last) = names
                    .iter()
                    .map(|n| &policies[*n])
                    .max_by_key(|p| (p.unit, p.span.start))
                else {
                    continue;
                };
                let Some(unit) = super::unit_at(cx.units, last.unit) else {
                    continue;
                };
                let list = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut where_: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                for (r, c) in &overlaps {
                    where_.entry(c).or_default().push(r);
                }
                let cases = where_
                    .iter()
                    .map(|(c, rs)| format!("{c} by {}", rs.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ");
                out.push(Hit {
                    file: unit.source.clone(),
                    span: last.span.clone(),
                    message: format!(
                        "Permissive policies {list} on `{}` apply to the same role and command ({cases}): PostgreSQL evaluates each of them for every row, so the table pays for every policy on each query",
                        QualName::new(Some(schema), table)
                    ),
                    help: "Merge the policies of one role and command into one policy whose USING / WITH CHECK ORs their conditions, or narrow each to the roles (`TO authenticated`) and commands (`FOR SELECT`) it is meant for.".into(),
                    fix: None,
                    suggestion: None,
                });
            }
        }
    }
}
