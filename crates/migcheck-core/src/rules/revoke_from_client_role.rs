use sqlparser::ast::{GrantObjects, Statement as Ast};

use super::mentions::Act;
use super::sql::grantee_roles;
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::qual;

pub struct RevokeFromClientRole;

static META: RuleMeta = rule_meta!(
    "revoke-from-client-role",
    Warning,
    NonAdditive,
    "REVOKE from `anon`, `authenticated`, `service_role` or PUBLIC on objects that existed before this migration"
);

impl Rule for RevokeFromClientRole {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::Revoke(r)) = cx.stmt.ast.as_deref() else {
            return;
        };
        if r.grant_option_for {
            return;
        }
        // On Supabase the client roles hold their own grants: revoking from PUBLIC alone takes
        // nothing away from them.
        let supabase = cx.set.platform.is_supabase();
        let roles: Vec<String> = grantee_roles(&r.grantees)
            .into_iter()
            .filter(|g| {
                matches!(g.as_str(), "anon" | "authenticated" | "service_role")
                    || (g == "public" && !supabase)
            })
            .collect();
        if roles.is_empty() {
            return;
        }
        let file = cx.unit.index;
        let what = match &r.objects {
            Some(GrantObjects::Tables(names)) => {
                let old: Vec<QualName> = names
                    .iter()
                    .map(qual)
                    .filter(|t| {
                        !cx.table_is_new(t)
                            && !cx.state.object_created_in(ObjectKind::View, t, None, file)
                            && !cx.state.object_created_in(
                                ObjectKind::MaterializedView,
                                t,
                                None,
                                file,
                            )
                            && !dropped_in_file(cx, t)
                    })
                    .collect();
                if old.is_empty() {
                    return;
                }
                old.iter()
                    .map(|t| format!("`{}`", cx.table_name(t)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Some(GrantObjects::Functions(fs)) => {
                let old: Vec<QualName> = fs
                    .iter()
                    .map(|f| qual(&f.name))
                    .filter(|f| !cx.state.object_created_in(ObjectKind::Function, f, None, file))
                    .collect();
                if old.is_empty() {
                    return;
                }
                old.iter()
                    .map(|f| format!("function `{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Some(GrantObjects::Sequences(names)) => {
                let old: Vec<QualName> = names
                    .iter()
                    .map(qual)
                    .filter(|s| !cx.state.object_created_in(ObjectKind::Sequence, s, None, file))
                    .collect();
                if old.is_empty() {
                    return;
                }
                old.iter()
                    .map(|s| format!("sequence `{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Some(GrantObjects::Schemas(names)) => {
                let old: Vec<String> = names
                    .iter()
                    .map(|n| qual(n).name)
                    .filter(|s| !cx.state.schema_created_in(s, file))
                    .collect();
                if old.is_empty() {
                    return;
                }
                old.iter()
                    .map(|s| format!("schema `{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Some(GrantObjects::AllTablesInSchema { schemas }) => format!(
                "all tables in {}",
                schemas.iter().map(|s| format!("`{}`", qual(s).name)).collect::<Vec<_>>().join(", ")
            ),
            Some(GrantObjects::AllFunctionsInSchema { schemas }) => format!(
                "all functions in {}",
                schemas.iter().map(|s| format!("`{}`", qual(s).name)).collect::<Vec<_>>().join(", ")
            ),
            Some(GrantObjects::AllSequencesInSchema { schemas }) => format!(
                "all sequences in {}",
                schemas.iter().map(|s| format!("`{}`", qual(s).name)).collect::<Vec<_>>().join(", ")
            ),
            _ => return,
        };
        out.push(cx.hit(
            format!(
                "Revoking `{}` on {what} from {} takes access away from clients that use it today: their requests start failing with \"permission denied\"",
                r.privileges,
                roles.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            ),
            "Check that no deployed client still needs this access (API calls, RPC, Realtime) before revoking it, and allow the finding with the reason.",
        ));
    }
}

/// True when a forward statement of the same file drops the table (or view): revoking access
/// to something the migration removes anyway takes nothing more away (`drop-table` reports the
/// drop itself).
fn dropped_in_file(cx: &StatementCx<'_>, table: &QualName) -> bool {
    let key = cx.state.resolve_table(table);
    let stmts = &cx.unit.parsed.statements;
    super::mentions::of(cx.unit)
        .naming(Act::Drops, &table.name, 0..stmts.len())
        .map(|i| &stmts[i])
        .filter(|s| !s.rollback)
        .flat_map(|s| &s.effects)
        .any(|e| match e {
            Effect::DropTable { table: t } => cx.state.resolve_table(t) == key,
            Effect::DropObject {
                kind: ObjectKind::View | ObjectKind::MaterializedView,
                name,
                ..
            } => cx.state.resolve_table(name) == key,
            _ => false,
        })
}
