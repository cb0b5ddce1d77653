use super::functions::{self, Act, FunctionStatement, Signature};
use super::{FileCx, FileUnit, Hit, Hits, Rule, RuleMeta, SetCx};
use crate::parse::Statement;

pub struct SecurityDefinerSearchPath;

static META: RuleMeta = rule_meta!(
    "security-definer-search-path",
    Error,
    Security,
    "SECURITY DEFINER function without `SET search_path`",
    offers: Fix
);

/// What a forward statement does to a function's `search_path`.
enum Touch<'f> {
    /// Defines a SECURITY DEFINER function (or makes one so) without a fixed `search_path`.
    Unsafe(&'f Signature, &'f str),
    /// Defines, alters or drops the function in a way that leaves it safe, replaced or gone: a
    /// new definition (judged on its own), `ALTER FUNCTION ... SET search_path`, or `DROP
    /// FUNCTION` (the set ends without it).
    Replaces(&'f Signature),
}

impl<'f> Touch<'f> {
    fn signature(&self) -> &'f Signature {
        match self {
            Touch::Unsafe(s, _) | Touch::Replaces(s) => s,
        }
    }
}

/// Which functions a rule watches for a `search_path` left to the caller.
#[derive(Clone, Copy)]
pub(super) enum Watch<'a> {
    /// SECURITY DEFINER functions (`security-definer-search-path`), in any schema.
    Definer,
    /// Other functions created in a schema `exposed` accepts (`function-search-path-mutable`);
    /// one made SECURITY DEFINER later is the other rule's, so that ALTER replaces it here.
    Invoker { exposed: &'a dyn Fn(&str) -> bool },
}

/// What `t` is to the functions `watch` watches (`None`: an `ALTER` that changes neither the
/// security nor the `search_path`).
fn touch<'f>(t: &'f functions::Touch, watch: Watch<'_>) -> Option<Touch<'f>> {
    let sig = &t.sig;
    match t.act {
        Act::Drop => Some(Touch::Replaces(sig)),
        Act::Create {
            definer, sets_path, ..
        } => {
            let watched = match watch {
                Watch::Definer => definer,
                Watch::Invoker { exposed } => !definer && exposed(&sig.schema),
            };
            if watched && !sets_path {
                Some(Touch::Unsafe(sig, &t.written))
            } else {
                Some(Touch::Replaces(sig))
            }
        }
        Act::Alter {
            any_definer,
            sets_path,
            ..
        } => {
            if sets_path {
                Some(Touch::Replaces(sig))
            } else if any_definer {
                match watch {
                    Watch::Definer => Some(Touch::Unsafe(sig, &t.written)),
                    Watch::Invoker { .. } => Some(Touch::Replaces(sig)),
                }
            } else {
                None
            }
        }
    }
}

impl Rule for SecurityDefinerSearchPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Files of an unordered (plain) set are independent: each is judged on its own.
    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        if !cx.set.ordered {
            let units = std::slice::from_ref(cx.unit);
            report(units, &functions::read(units), Watch::Definer, out, definer_hit);
        }
    }

    /// An ordered set is judged by what it ends with: a function that a later statement of the
    /// set redefines (`CREATE OR REPLACE` of the same signature, judged on its own) or fixes
    /// (`ALTER FUNCTION ... SET search_path`) does not end unsafe. With `--changed-since` (or
    /// named files) the later migration counts only when it is part of what is reported, since
    /// only then does it ship together (as `missing-rls` does for RLS enabled later).
    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        if cx.set.ordered {
            report(cx.units, functions::of_set(cx), Watch::Definer, out, definer_hit);
        }
    }
}

/// Reports, through `hit`, each function `watch` finds unsafe that no later statement of `units`
/// (shipping with it) redefines, fixes or drops.
pub(super) fn report(
    units: &[FileUnit],
    fns: &[FunctionStatement],
    watch: Watch<'_>,
    out: &mut Hits<'_>,
    hit: fn(&FileUnit, &Statement, &str) -> Hit,
) {
    // Every touch in set order: (unit position, statement, touch).
    let touches: Vec<(usize, &Statement, Touch)> = fns
        .iter()
        .filter(|f| f.says_function)
        .flat_map(|f| {
            let stmt = &units[f.unit].parsed.statements[f.stmt];
            f.touches
                .iter()
                .filter_map(move |t| touch(t, watch))
                .map(move |t| (f.unit, stmt, t))
        })
        .collect();
    // The touches of each schema and name, in set order: a function is compared only with
    // later touches of the same name (a set of many functions is not a square of comparisons).
    let mut by_name: std::collections::HashMap<(&str, &str), Vec<usize>> = Default::default();
    for (k, (_, _, t)) in touches.iter().enumerate() {
        let sig = t.signature();
        by_name.entry((&sig.schema, &sig.name)).or_default().push(k);
    }
    for (k, (u, stmt, t)) in touches.iter().enumerate() {
        let Touch::Unsafe(sig, name) = t else {
            continue;
        };
        let unit = &units[*u];
        let same_name = &by_name[&(sig.schema.as_str(), sig.name.as_str())];
        let later_touches = &same_name[same_name.partition_point(|&j| j <= k)..];
        let replaced = later_touches.iter().map(|&j| &touches[j]).any(|(lu, _, lt)| {
            let later = lt.signature();
            // A later migration counts when it ships with this one.
            later.same_function(sig)
                && (lu == u || units[*lu].migration.reported || !unit.migration.reported)
        });
        if replaced {
            continue;
        }
        out.push(hit(unit, stmt, name));
    }
}

fn definer_hit(unit: &FileUnit, stmt: &Statement, name: &str) -> Hit {
    Hit {
        fix: fix(unit, stmt).map(Box::new),
        suggestion: None,
        file: unit.source.clone(),
        span: stmt.span.clone(),
        message: format!(
            "Function `{name}` runs with its owner's privileges (SECURITY DEFINER) but resolves names through the caller's `search_path`: a caller who can create objects in a schema on that path can make it run their own tables, functions or operators as the owner"
        ),
        help: "Add `set search_path = ''` to the function and schema-qualify every name in its body (or set it to a fixed list of trusted schemas).".into(),
    }
}

/// The fix: ` set search_path = ''` right after the statement's `SECURITY DEFINER` (function
/// options may come in any order, in CREATE and ALTER FUNCTION alike). Strictly safer: names
/// the body leaves unqualified stop resolving instead of resolving through the caller's path.
fn fix(unit: &FileUnit, stmt: &Statement) -> Option<crate::fix::Fix> {
    use crate::fix::{is_word, tokens_at, Edit, Fix};
    if stmt.in_do_block {
        return None;
    }
    let toks = tokens_at(&unit.source.text, stmt.span.clone());
    let pair = toks
        .windows(2)
        .find(|w| is_word(&w[0].1, "SECURITY") && is_word(&w[1].1, "DEFINER"))?;
    Some(Fix {
        title: "Add `set search_path = ''` to the function (schema-qualify the names in its body)"
            .into(),
        edits: vec![Edit::insert(pair[1].0.end, " set search_path = ''")],
    })
}
