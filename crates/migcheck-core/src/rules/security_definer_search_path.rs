use sqlparser::ast::{
    AlterFunctionAction, AlterFunctionOperation, ArgMode, FunctionSecurity, OperateFunctionArg,
    Statement as Ast,
};

use super::{FileCx, FileUnit, Hit, Hits, Rule, RuleMeta, SetCx};
use crate::effect::QualName;
use crate::extract::qual;
use crate::parse::Statement;

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

/// A function as PostgreSQL identifies it: schema, name and the types of its input arguments
/// (`None`: `ALTER FUNCTION f` without a list, which names the only function called `f`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    schema: String,
    name: String,
    args: Option<Vec<String>>,
}

impl Signature {
    fn new(name: &sqlparser::ast::ObjectName, args: Option<&Vec<OperateFunctionArg>>) -> Self {
        let QualName { schema, name } = qual(name);
        Signature {
            schema: schema.unwrap_or_else(|| "public".into()),
            name,
            args: args.map(|a| {
                a.iter()
                    .filter(|a| !matches!(a.mode, Some(ArgMode::Out)))
                    .map(|a| type_key(&a.data_type.to_string()))
                    .collect()
            }),
        }
    }

    fn same_function(&self, other: &Signature) -> bool {
        self.schema == other.schema
            && self.name == other.name
            && match (&self.args, &other.args) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// The spellings of one type that PostgreSQL treats as the same argument type.
fn type_key(t: &str) -> String {
    let t = t.trim().to_ascii_lowercase();
    match t.as_str() {
        "int" | "int4" => "integer".into(),
        "int8" => "bigint".into(),
        "int2" => "smallint".into(),
        "bool" => "boolean".into(),
        "varchar" => "character varying".into(),
        "timestamptz" => "timestamp with time zone".into(),
        "float8" | "double precision" => "double precision".into(),
        _ => t,
    }
}

/// What a forward statement does to a function's `search_path`.
enum Touch {
    /// Defines a SECURITY DEFINER function (or makes one so) without a fixed `search_path`.
    Unsafe(Signature, String),
    /// Defines, alters or drops the function in a way that leaves it safe, replaced or gone: a
    /// new definition (judged on its own), `ALTER FUNCTION ... SET search_path`, or `DROP
    /// FUNCTION` (the set ends without it).
    Replaces(Signature),
}

impl Touch {
    fn signature(&self) -> &Signature {
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

fn touches(ast: &Ast, watch: Watch<'_>) -> Vec<Touch> {
    match ast {
        Ast::DropFunction(d) => d
            .func_desc
            .iter()
            .map(|f| Touch::Replaces(Signature::new(&f.name, f.args.as_ref())))
            .collect(),
        _ => touch(ast, watch).into_iter().collect(),
    }
}

fn touch(ast: &Ast, watch: Watch<'_>) -> Option<Touch> {
    match ast {
        Ast::CreateFunction(f) => {
            let sig = Signature::new(&f.name, f.args.as_ref());
            let definer = f.security == Some(FunctionSecurity::Definer);
            let watched = match watch {
                Watch::Definer => definer,
                Watch::Invoker { exposed } => !definer && exposed(&sig.schema),
            };
            if watched && !f.set_params.iter().any(|p| sets_search_path(&p.name)) {
                Some(Touch::Unsafe(sig, qual(&f.name).to_string()))
            } else {
                Some(Touch::Replaces(sig))
            }
        }
        Ast::AlterFunction(f) => {
            let AlterFunctionOperation::Actions { actions, .. } = &f.operation else {
                return None;
            };
            let sig = Signature::new(&f.function.name, f.function.args.as_ref());
            let definer = actions.iter().any(|a| {
                matches!(a, AlterFunctionAction::Security { security: FunctionSecurity::Definer, .. })
            });
            let path = actions
                .iter()
                .any(|a| matches!(a, AlterFunctionAction::Set(p) if sets_search_path(&p.name)));
            if path {
                Some(Touch::Replaces(sig))
            } else if definer {
                match watch {
                    Watch::Definer => {
                        Some(Touch::Unsafe(sig, qual(&f.function.name).to_string()))
                    }
                    Watch::Invoker { .. } => Some(Touch::Replaces(sig)),
                }
            } else {
                None
            }
        }
        _ => None,
    }
}

impl Rule for SecurityDefinerSearchPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Files of an unordered (plain) set are independent: each is judged on its own.
    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        if !cx.set.ordered {
            report(std::slice::from_ref(cx.unit), Watch::Definer, out, definer_hit);
        }
    }

    /// An ordered set is judged by what it ends with: a function that a later statement of the
    /// set redefines (`CREATE OR REPLACE` of the same signature, judged on its own) or fixes
    /// (`ALTER FUNCTION ... SET search_path`) does not end unsafe. With `--changed-since` (or
    /// named files) the later migration counts only when it is part of what is reported, since
    /// only then does it ship together (as `missing-rls` does for RLS enabled later).
    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        if cx.set.ordered {
            report(cx.units, Watch::Definer, out, definer_hit);
        }
    }
}

fn forward<'u>(
    unit: &'u FileUnit,
    watch: Watch<'u>,
) -> impl Iterator<Item = (&'u Statement, Touch)> + 'u {
    unit.parsed.statements.iter().filter_map(move |s| {
        if s.rollback {
            return None;
        }
        // Only statements that create, alter or drop a function are parsed again (`head` holds
        // three words: `CREATE OR REPLACE` hides the fourth).
        if !(s.head.contains("FUNCTION") || s.head.starts_with("CREATE OR REPLACE")) {
            return None;
        }
        let ast = s.tree(&unit.source.text)?;
        Some(touches(&ast, watch).into_iter().map(move |t| (s, t)))
    })
    .flatten()
}

/// Reports, through `hit`, each function `watch` finds unsafe that no later statement of `units`
/// (shipping with it) redefines, fixes or drops.
pub(super) fn report(
    units: &[FileUnit],
    watch: Watch<'_>,
    out: &mut Hits<'_>,
    hit: fn(&FileUnit, &Statement, &str) -> Hit,
) {
    // Every touch in set order: (unit position, statement position, touch).
    let touches: Vec<(usize, usize, &Statement, Touch)> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| {
            forward(unit, watch)
                .enumerate()
                .map(move |(i, (s, t))| (u, i, s, t))
        })
        .collect();
    // The touches of each schema and name, in set order: a function is compared only with
    // later touches of the same name (a set of many functions is not a square of comparisons).
    let mut by_name: std::collections::HashMap<(&str, &str), Vec<usize>> = Default::default();
    for (k, (_, _, _, t)) in touches.iter().enumerate() {
        let sig = t.signature();
        by_name.entry((&sig.schema, &sig.name)).or_default().push(k);
    }
    for (k, (u, _, stmt, t)) in touches.iter().enumerate() {
        let Touch::Unsafe(sig, name) = t else {
            continue;
        };
        let unit = &units[*u];
        let same_name = &by_name[&(sig.schema.as_str(), sig.name.as_str())];
        let later_touches = &same_name[same_name.partition_point(|&j| j <= k)..];
        let replaced = later_touches.iter().map(|&j| &touches[j]).any(|(lu, _, _, lt)| {
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
