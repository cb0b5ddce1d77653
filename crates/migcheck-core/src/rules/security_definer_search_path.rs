use sqlparser::ast::{AlterFunctionAction, AlterFunctionOperation, FunctionSecurity, Statement as Ast};

use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct SecurityDefinerSearchPath;

static META: RuleMeta = rule_meta!(
    "security-definer-search-path",
    Error,
    Security,
    "SECURITY DEFINER function without `SET search_path`",
    offers: Fix
);

fn sets_search_path(name: &sqlparser::ast::ObjectName) -> bool {
    qual(name).name == "search_path"
}

impl Rule for SecurityDefinerSearchPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        if !cx.is_forward() {
            return;
        }
        let name = match cx.stmt.ast.as_deref() {
            Some(Ast::CreateFunction(f))
                if f.security == Some(FunctionSecurity::Definer)
                    && !f.set_params.iter().any(|p| sets_search_path(&p.name)) =>
            {
                qual(&f.name)
            }
            Some(Ast::AlterFunction(f)) => {
                let AlterFunctionOperation::Actions { actions, .. } = &f.operation else {
                    return;
                };
                let definer = actions.iter().any(|a| {
                    matches!(a, AlterFunctionAction::Security { security: FunctionSecurity::Definer, .. })
                });
                let path = actions
                    .iter()
                    .any(|a| matches!(a, AlterFunctionAction::Set(p) if sets_search_path(&p.name)));
                if !definer || path {
                    return;
                }
                qual(&f.function.name)
            }
            _ => return,
        };
        // `ALTER FUNCTION f SET search_path = ...` later in the same file fixes it.
        let fixed_later = cx
            .unit
            .parsed
            .statements
            .iter()
            .skip_while(|s| !s.is(cx.stmt))
            .any(|s| match s.tree(&cx.unit.source.text).as_deref() {
                Some(Ast::AlterFunction(f)) if qual(&f.function.name).name == name.name => {
                    matches!(&f.operation, AlterFunctionOperation::Actions { actions, .. }
                        if actions.iter().any(|a| matches!(a, AlterFunctionAction::Set(p) if sets_search_path(&p.name))))
                }
                _ => false,
            });
        if fixed_later {
            return;
        }
        let hit = cx.hit(
            format!(
                "Function `{name}` runs with its owner's privileges (SECURITY DEFINER) but resolves names through the caller's `search_path`: a caller who can create objects in a schema on that path can make it run their own tables, functions or operators as the owner"
            ),
            "Add `set search_path = ''` to the function and schema-qualify every name in its body (or set it to a fixed list of trusted schemas).",
        );
        out.push(hit.with_fix(fix(cx)));
    }
}

/// The fix: ` set search_path = ''` right after the statement's `SECURITY DEFINER` (function
/// options may come in any order, in CREATE and ALTER FUNCTION alike). Strictly safer: names
/// the body leaves unqualified stop resolving instead of resolving through the caller's path.
fn fix(cx: &StatementCx<'_>) -> Option<crate::fix::Fix> {
    use crate::fix::{is_word, tokens_at, Edit, Fix};
    if cx.stmt.in_do_block {
        return None;
    }
    let toks = tokens_at(&cx.unit.source.text, cx.stmt.span.clone());
    let pair = toks
        .windows(2)
        .find(|w| is_word(&w[0].1, "SECURITY") && is_word(&w[1].1, "DEFINER"))?;
    let at = pair[1].0.end;
    Some(Fix {
        title: "Add `set search_path = ''` to the function (schema-qualify the names in its body)"
            .into(),
        edits: vec![Edit::insert(at, " set search_path = ''")],
    })
}
