use sqlparser::ast::{Action, GrantObjects, Privileges, Statement as Ast};

use super::sql::grantee_roles;
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;
use crate::effect::QualName;
use crate::extract::qual;

pub struct GrantWriteToAnon;

static META: RuleMeta = rule_meta!(
    "grant-write-to-anon",
    Error,
    Security,
    "GRANT of INSERT / UPDATE / DELETE / TRUNCATE (or ALL) to `anon` on a table whose row level security is never enabled"
);

fn writes(p: &Privileges) -> Option<String> {
    match p {
        Privileges::All { .. } => Some("ALL".into()),
        Privileges::Actions(a) => {
            let w: Vec<String> = a
                .iter()
                .filter(|a| {
                    matches!(
                        a,
                        Action::Insert { .. }
                            | Action::Update { .. }
                            | Action::Delete
                            | Action::Truncate
                    )
                })
                .map(|a| a.to_string())
                .collect();
            (!w.is_empty()).then(|| w.join(", "))
        }
    }
}

impl Rule for GrantWriteToAnon {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        for u in cx.units {
            if matches!(u.migration.role, Role::Unapplied | Role::Down) {
                continue;
            }
            for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
                let tree = s.tree_if_head(&u.source.text, &["GRANT"]);
                let Some(Ast::Grant(g)) = tree.as_deref() else { continue };
                let Some(privileges) = writes(&g.privileges) else {
                    continue;
                };
                let roles = grantee_roles(&g.grantees);
                let Some(role) = roles.iter().find(|r| *r == "anon" || *r == "public") else {
                    continue;
                };
                // Tables the migrations created, in exposed schemas, with RLS off at the end.
                let open = |(schema, name): &(String, String)| {
                    cx.state.tables.get(&(schema.clone(), name.clone())).is_some_and(|t| {
                        t.created.is_some() && !t.rls && cx.config.is_exposed(schema)
                            && !cx.config.allowed_without_rls(schema, name)
                    })
                };
                let tables: Vec<(String, String)> = match &g.objects {
                    Some(GrantObjects::Tables(names)) => names
                        .iter()
                        .map(|n| cx.state.resolve_table(&qual(n)))
                        .filter(|k| open(k))
                        .collect(),
                    Some(GrantObjects::AllTablesInSchema { schemas }) => {
                        let schemas: Vec<String> = schemas.iter().map(|s| qual(s).name).collect();
                        cx.state
                            .tables
                            .keys()
                            .filter(|k| schemas.contains(&k.0) && open(k))
                            .cloned()
                            .collect()
                    }
                    _ => continue,
                };
                if tables.is_empty() {
                    continue;
                }
                let names = tables
                    .iter()
                    .map(|(s, n)| format!("`{}`", QualName::new(Some(s), n)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let who = if role == "public" { "PUBLIC (including `anon`)" } else { "`anon`" };
                out.push(Hit {
                    fix: None,
                    suggestion: None,
                    file: u.source.clone(),
                    span: s.span.clone(),
                    message: format!(
                        "Granting {privileges} on {names} to {who} lets anyone with the public API key change or delete every row: row level security is never enabled on {}",
                        if tables.len() == 1 { "that table" } else { "those tables" }
                    ),
                    help: "Enable row level security on the table and add policies for what anonymous users may write, or grant write access only to `authenticated`.".into(),
                });
            }
        }
    }
}
