use std::collections::BTreeMap;
use std::ops::Range;

use sqlparser::ast::{
    Action, AlterDefaultPrivilegesOperation, DefaultPrivilegesObjectType, DefaultPrivilegesOption,
    GrantObjects, Privileges, Statement as Ast,
};

use super::functions::{self, Act};
use super::sql::{grantee_roles, tokens, Tok};
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::qual;

pub struct SecurityDefinerExposed;

static META: RuleMeta = rule_meta!(
    "security-definer-exposed",
    Warning,
    Security,
    "SECURITY DEFINER function in an exposed schema that `anon` or `authenticated` can execute"
);

struct Function {
    unit: usize,
    span: Range<usize>,
    definer: bool,
    public: bool,
    anon: bool,
    authenticated: bool,
}

fn executes(p: &Privileges) -> bool {
    match p {
        Privileges::All { .. } => true,
        Privileges::Actions(a) => a.iter().any(|a| matches!(a, Action::Execute { .. })),
    }
}

impl Rule for SecurityDefinerExposed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        // On Supabase, default privileges grant EXECUTE on new functions to `anon` and
        // `authenticated` directly (`alter default privileges in schema public grant all on
        // functions to postgres, anon, authenticated, service_role`), besides PUBLIC; elsewhere
        // only PUBLIC has it.
        let supabase = cx.set.platform.is_supabase();
        let (mut default_public, mut default_anon, mut default_authenticated) =
            (true, supabase, supabase);
        let mut fns: BTreeMap<(String, String), Function> = BTreeMap::new();
        let key = |q: &QualName| {
            (
                q.schema.clone().unwrap_or_else(|| "public".into()),
                q.name.clone(),
            )
        };
        // CREATE and ALTER FUNCTION as read once for the function rules, in set order.
        let functions = functions::of_set(cx);
        let mut next_function = functions.iter().peekable();
        for (position, u) in cx.units.iter().enumerate() {
            for (i, s) in u.parsed.statements.iter().enumerate() {
                let read = next_function.next_if(|f| (f.unit, f.stmt) == (position, i));
                if s.rollback
                    || u.migration.role == Role::Unapplied
                    || u.migration.role == Role::Down
                {
                    continue;
                }
                if let Some(f) = read {
                    for t in &f.touches {
                        let k = || (t.sig.schema.clone(), t.sig.name.clone());
                        match t.act {
                            Act::Create { trigger: true, .. } => {
                                fns.remove(&k());
                            }
                            Act::Create { definer, .. } => {
                                let e = fns.entry(k()).or_insert(Function {
                                    unit: u.index,
                                    span: s.span.clone(),
                                    definer,
                                    public: default_public,
                                    anon: default_anon,
                                    authenticated: default_authenticated,
                                });
                                // CREATE OR REPLACE keeps the privileges.
                                e.unit = u.index;
                                e.span = s.span.clone();
                                e.definer = definer;
                            }
                            Act::Alter { last_security, .. } => {
                                if let (Some(definer), Some(e)) = (last_security, fns.get_mut(&k())) {
                                    e.definer = definer;
                                }
                            }
                            // Read by its effects below.
                            Act::Drop => {}
                        }
                    }
                    if !matches!(f.touches.first(), Some(functions::Touch { act: Act::Drop, .. })) {
                        continue;
                    }
                }
                // Only statements that can be one of those matched below are parsed again;
                // the others are read by their effects.
                let heads = ["GRANT", "REVOKE", "ALTER DEFAULT PRIVILEGES"];
                let tree = s.tree_if_head(&u.source.text, &heads);
                match tree.as_deref() {
                    Some(stmt @ (Ast::Grant(_) | Ast::Revoke(_))) => {
                        let (privileges, objects, grantees, grant) = match stmt {
                            Ast::Grant(g) => (&g.privileges, &g.objects, &g.grantees, true),
                            Ast::Revoke(r) => (&r.privileges, &r.objects, &r.grantees, false),
                            _ => unreachable!(),
                        };
                        if !executes(privileges) {
                            continue;
                        }
                        let roles = grantee_roles(grantees);
                        let targets: Vec<(String, String)> = match objects {
                            Some(GrantObjects::Functions(list)) => {
                                list.iter().map(|d| key(&qual(&d.name))).collect()
                            }
                            Some(GrantObjects::AllFunctionsInSchema { schemas }) => {
                                let schemas: Vec<String> =
                                    schemas.iter().map(|s| qual(s).name).collect();
                                fns.keys().filter(|(s, _)| schemas.contains(s)).cloned().collect()
                            }
                            _ => continue,
                        };
                        for t in targets {
                            if let Some(e) = fns.get_mut(&t) {
                                for r in &roles {
                                    match r.as_str() {
                                        "public" => e.public = grant,
                                        "anon" => e.anon = grant,
                                        "authenticated" => e.authenticated = grant,
                                        _ => {}
                                    }
                                }
                            }
                        }
                    }
                    Some(Ast::AlterDefaultPrivileges(d)) => {
                        let (privileges, object_type, grantees, grant) = match &d.operation {
                            AlterDefaultPrivilegesOperation::Grant {
                                privileges,
                                object_type,
                                grantees,
                                ..
                            } => (privileges, object_type, grantees, true),
                            AlterDefaultPrivilegesOperation::Revoke {
                                privileges,
                                object_type,
                                grantees,
                                ..
                            } => (privileges, object_type, grantees, false),
                        };
                        if !executes(privileges)
                            || !matches!(
                                object_type,
                                DefaultPrivilegesObjectType::Functions
                                    | DefaultPrivilegesObjectType::Routines
                            )
                        {
                            continue;
                        }
                        let in_schema = d
                            .options
                            .iter()
                            .any(|o| matches!(o, DefaultPrivilegesOption::InSchema(_)));
                        for r in grantee_roles(grantees) {
                            let role = match r.as_str() {
                                "public" => &mut default_public,
                                "anon" => &mut default_anon,
                                "authenticated" => &mut default_authenticated,
                                _ => continue,
                            };
                            if grant || revokes_default(&r, in_schema, supabase) {
                                *role = grant;
                            }
                        }
                    }
                    None if s.head.starts_with("ALTER DEFAULT PRIVILEGES") => {
                        let toks = tokens(&u.source.text[s.span.clone()]);
                        let word = |w: &str| toks.iter().any(|t| matches!(t, Tok::Word(x, _) if x == w));
                        if !(word("FUNCTIONS") || word("ROUTINES")) {
                            continue;
                        }
                        let grant = !word("REVOKE");
                        let in_schema = word("SCHEMA");
                        let after = toks
                            .iter()
                            .skip_while(|t| !matches!(t, Tok::Word(w, _) if w == "FROM" || w == "TO"));
                        for t in after {
                            let (r, role) = match t {
                                Tok::Word(w, _) if w == "PUBLIC" => ("public", &mut default_public),
                                Tok::Word(w, _) if w == "ANON" => ("anon", &mut default_anon),
                                Tok::Word(w, _) if w == "AUTHENTICATED" => {
                                    ("authenticated", &mut default_authenticated)
                                }
                                _ => continue,
                            };
                            if grant || revokes_default(r, in_schema, supabase) {
                                *role = grant;
                            }
                        }
                    }
                    _ => {
                        for e in &s.effects {
                            if let Effect::DropObject {
                                kind: ObjectKind::Function,
                                name,
                                ..
                            } = e
                            {
                                fns.remove(&key(name));
                            }
                        }
                    }
                }
            }
        }
        for ((schema, name), f) in fns {
            if !f.definer || !(f.public || f.anon || f.authenticated) || !cx.config.is_exposed(&schema)
            {
                continue;
            }
            let Some(unit) = super::unit_at(cx.units, f.unit) else {
                continue;
            };
            let q = QualName::new(Some(&schema), &name);
            let message = message(&q, &schema, &name, &f);
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: unit.source.clone(),
                span: f.span,
                message,
                help: format!(
                    "Revoke what PUBLIC and the client roles hold: `revoke execute on function {q} from public, anon, authenticated;` then grant it only to the roles that need it (such as `service_role`); or make it `security invoker` so row level security applies to the caller; or move it to a schema that is not exposed."
                ).into(),
            });
        }
    }
}

/// Whether `ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE ON FUNCTIONS FROM <role>` takes away a
/// default grant. PostgreSQL adds per-schema defaults to the global ones and a per-schema
/// `REVOKE` removes only what was granted per schema (checked on PostgreSQL 15): PUBLIC's
/// built-in EXECUTE goes only with a global revoke (no `IN SCHEMA`), and on Supabase the
/// client roles' grants, made `IN SCHEMA public`, go only with a per-schema one.
fn revokes_default(role: &str, in_schema: bool, supabase: bool) -> bool {
    match role {
        "public" => !in_schema,
        _ => in_schema || !supabase,
    }
}

/// Names the client roles that can execute `f` (and how), and who can therefore call it.
fn message(q: &QualName, schema: &str, name: &str, f: &Function) -> String {
    let anon = f.anon || f.public;
    let authenticated = f.authenticated || f.public;
    let direct: Vec<&str> = [("`anon`", f.anon), ("`authenticated`", f.authenticated)]
        .into_iter()
        .filter(|&(_, d)| d)
        .map(|(r, _)| r)
        .collect();
    let through_public: Vec<&str> = [("`anon`", anon && !f.anon), ("`authenticated`", authenticated && !f.authenticated)]
        .into_iter()
        .filter(|&(_, t)| t)
        .map(|(r, _)| r)
        .collect();
    let mut who = direct.join(" and ");
    if !through_public.is_empty() {
        if !who.is_empty() {
            who.push_str(" and ");
        }
        who.push_str(&through_public.join(" and "));
        who.push_str(" (through PUBLIC)");
    }
    let callers = if anon {
        "anyone with the public API key"
    } else {
        "any signed-in user (with open sign-up, anyone with an email address)"
    };
    format!(
        "Function `{q}` runs with its owner's privileges (SECURITY DEFINER, bypassing row level security) and sits in the exposed schema `{schema}`, where {who} can execute it: {callers} can call it through the Data API at `/rpc/{name}`"
    )
}
