use std::collections::BTreeMap;
use std::ops::Range;

use sqlparser::ast::{
    Action, AlterFunctionAction, AlterFunctionOperation, DataType, FunctionReturnType,
    FunctionSecurity, GrantObjects, Privileges, Statement as Ast,
};

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
    "SECURITY DEFINER function in an exposed schema that `anon` can execute"
);

struct Function {
    unit: usize,
    span: Range<usize>,
    definer: bool,
    public: bool,
    anon: bool,
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
        // On Supabase, default privileges grant EXECUTE on new functions to `anon` directly,
        // besides PUBLIC; elsewhere only PUBLIC has it.
        let supabase = cx.set.platform.is_supabase();
        let (mut default_public, mut default_anon) = (true, supabase);
        let mut fns: BTreeMap<(String, String), Function> = BTreeMap::new();
        let key = |q: &QualName| {
            (
                q.schema.clone().unwrap_or_else(|| "public".into()),
                q.name.clone(),
            )
        };
        for u in cx.units {
            if u.migration.role == Role::Unapplied || u.migration.role == Role::Down {
                continue;
            }
            for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
                // Only statements that can be one of those matched below are parsed again;
                // the others are read by their effects.
                let heads = [
                    "CREATE FUNCTION",
                    "CREATE OR REPLACE",
                    "ALTER FUNCTION",
                    "ALTER ROUTINE",
                    "ALTER PROCEDURE",
                    "GRANT",
                    "REVOKE",
                    "ALTER DEFAULT PRIVILEGES",
                ];
                let tree = s.tree_if_head(&u.source.text, &heads);
                match tree.as_deref() {
                    Some(Ast::CreateFunction(f)) => {
                        let trigger = matches!(
                            &f.return_type,
                            Some(FunctionReturnType::DataType(DataType::Trigger))
                        ) || matches!(&f.return_type, Some(FunctionReturnType::DataType(DataType::Custom(n, _))) if qual(n).name == "event_trigger");
                        let k = key(&qual(&f.name));
                        if trigger {
                            fns.remove(&k);
                            continue;
                        }
                        let definer = f.security == Some(FunctionSecurity::Definer);
                        let e = fns.entry(k).or_insert(Function {
                            unit: u.index,
                            span: s.span.clone(),
                            definer,
                            public: default_public,
                            anon: default_anon,
                        });
                        // CREATE OR REPLACE keeps the privileges.
                        e.unit = u.index;
                        e.span = s.span.clone();
                        e.definer = definer;
                    }
                    Some(Ast::AlterFunction(f)) => {
                        if let AlterFunctionOperation::Actions { actions, .. } = &f.operation {
                            for a in actions {
                                if let AlterFunctionAction::Security { security, .. } = a {
                                    if let Some(e) = fns.get_mut(&key(&qual(&f.function.name))) {
                                        e.definer = *security == FunctionSecurity::Definer;
                                    }
                                }
                            }
                        }
                    }
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
                                        _ => {}
                                    }
                                }
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
                        let after = toks
                            .iter()
                            .skip_while(|t| !matches!(t, Tok::Word(w, _) if w == "FROM" || w == "TO"));
                        for t in after {
                            match t {
                                Tok::Word(w, _) if w == "PUBLIC" => default_public = grant,
                                Tok::Word(w, _) if w == "ANON" => default_anon = grant,
                                _ => {}
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
            if !f.definer || !(f.public || f.anon) || !cx.config.is_exposed(&schema) {
                continue;
            }
            let Some(unit) = super::unit_at(cx.units, f.unit) else {
                continue;
            };
            let via = if f.anon { "`anon`" } else { "PUBLIC (which includes `anon`)" };
            let q = QualName::new(Some(&schema), &name);
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: unit.source.clone(),
                span: f.span,
                message: format!(
                    "Function `{q}` runs with its owner's privileges (SECURITY DEFINER, bypassing row level security) and sits in the exposed schema `{schema}`, where {via} can execute it: anyone with the public API key can call it through `/rpc/{name}`"
                ),
                help: format!(
                    "Move it to a schema that is not exposed, or `revoke execute on function {q} from public, anon;` and grant it only to the roles that need it."
                ).into(),
            });
        }
    }
}
