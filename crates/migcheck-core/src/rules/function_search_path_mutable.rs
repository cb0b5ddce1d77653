//! A function in a schema the Data API exposes, created without `SET search_path`: it resolves
//! unqualified names through the caller's `search_path`. Supabase's advisor reports it as
//! `function_search_path_mutable` (lint 0011 of supabase/splinter,
//! `lints/0011_function_search_path_mutable.sql`: functions whose `proconfig` has no
//! `search_path=` entry). SECURITY DEFINER functions are `security-definer-search-path`'s (an
//! error); the end of the set is judged as that rule judges it ([`super::security_definer_search_path::report`]).

use super::functions;
use super::security_definer_search_path::{report, Watch};
use super::{FileCx, FileUnit, Hit, Hits, Rule, RuleMeta, SetCx};
use crate::config::Config;
use crate::parse::Statement;

pub struct FunctionSearchPathMutable;

static META: RuleMeta = rule_meta!(
    "function-search-path-mutable",
    Warning,
    Security,
    "A function in a schema the Data API exposes without `SET search_path` (it resolves names through the caller's path)"
);

fn judged(set: &crate::discover::MigrationSet) -> bool {
    set.platform.is_supabase()
}

fn watch(config: &Config) -> impl Fn(&str) -> bool + '_ {
    move |schema| config.is_exposed(schema)
}

impl Rule for FunctionSearchPathMutable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Files of an unordered (plain) set are independent: each is judged on its own.
    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        if !cx.set.ordered && judged(cx.set) {
            let exposed = watch(cx.config);
            let watch = Watch::Invoker { exposed: &exposed };
            let units = std::slice::from_ref(cx.unit);
            report(units, &functions::read(units), watch, out, hit);
        }
    }

    /// An ordered set is judged by what it ends with: a later `CREATE OR REPLACE` of the same
    /// signature (judged on its own), `ALTER FUNCTION ... SET search_path` or `DROP FUNCTION`
    /// leaves nothing to report, as does `ALTER FUNCTION ... SECURITY DEFINER` (then
    /// `security-definer-search-path` reports it).
    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        if cx.set.ordered && judged(cx.set) {
            let exposed = watch(cx.config);
            let watch = Watch::Invoker { exposed: &exposed };
            report(cx.units, functions::of_set(cx), watch, out, hit);
        }
    }
}

fn hit(unit: &FileUnit, stmt: &Statement, name: &str) -> Hit {
    Hit {
        fix: None,
        suggestion: None,
        file: unit.source.clone(),
        span: stmt.span.clone(),
        message: format!(
            "Function `{name}` is in a schema the Data API exposes and has no `SET search_path`: it resolves unqualified tables, functions and operators through the `search_path` of whoever calls it, so a caller (or a role setting) that puts another schema first changes what it runs"
        ),
        help: "Add `set search_path = ''` to the function and schema-qualify every name in its body (or set it to a fixed list of trusted schemas, e.g. `set search_path = public, extensions`).".into(),
    }
}
