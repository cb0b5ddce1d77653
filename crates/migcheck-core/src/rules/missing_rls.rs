use std::collections::HashMap;

use super::{FileCx, FileUnit, Hit, Hits, Rule, RuleMeta, SetCx};
use crate::parse::Statement;
use crate::config::Config;
use crate::effect::QualName;
use crate::schema::{SchemaState, TableInfo};

pub struct MissingRls;

static META: RuleMeta = rule_meta!(
    "missing-rls",
    Error,
    Security,
    "A table created in an exposed schema whose row level security the set never enables",
    offers: Fix
);

impl Rule for MissingRls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Files of an unordered (plain) set are independent: each is judged on its own.
    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        if cx.set.ordered {
            return;
        }
        let units = std::slice::from_ref(cx.unit);
        report(cx.state, cx.config, units, Some(cx.unit.index), out);
    }

    /// An ordered set is judged by what it ends with: a table whose RLS a later migration of the
    /// set enables ends protected. With `--changed-since` (or named files) that later migration
    /// counts only when it is part of what is reported, since only then does it ship together.
    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        if !cx.set.ordered {
            return;
        }
        report(cx.state, cx.config, cx.units, None, out);
    }
}

fn report(
    state: &SchemaState,
    config: &Config,
    units: &[FileUnit],
    only_file: Option<usize>,
    out: &mut Hits<'_>,
) {
    let unit = |i: usize| super::unit_at(units, i);
    // Built once per call, not once per table: a file creating 100,000 tables would otherwise
    // scan every table (and every statement) for each one it reports.
    let near = NearMisses::new(state);
    let mut statements: Option<HashMap<(usize, usize, usize), &Statement>> = None;
    for ((schema, name), t) in &state.tables {
        let Some(created) = &t.created else { continue };
        if only_file.is_some_and(|f| f != created.file)
            || !config.is_exposed(schema)
            || config.allowed_without_rls(schema, name)
        {
            continue;
        }
        let Some(created_in) = unit(created.file) else {
            continue;
        };
        // Where RLS is enabled by the end, and whether that file ships with this one.
        let enabled_in = t.rls_enabled.as_ref().filter(|_| t.rls).map(|o| o.file);
        let later_not_reported = match enabled_in {
            Some(f) if f == created.file => continue,
            Some(f) => match unit(f) {
                Some(u) if u.migration.reported || !created_in.migration.reported => continue,
                Some(u) => Some(u),
                None => None,
            },
            None => None,
        };
        let table = QualName::new(Some(schema), name).to_string();
        let mut note = near
            .find(schema, name, t)
            .map(|(s, n)| {
                format!(
                    " (RLS was enabled on `{}`, a different table: unquoted names fold to lower case, quoted names do not)",
                    QualName::new(Some(s), n)
                )
            })
            .unwrap_or_default();
        if let Some(u) = later_not_reported {
            note.push_str(&format!(
                " (`{}` enables it later, but that migration is not part of this change)",
                u.source.display
            ));
        }
        out.push(Hit {
            // Not when a later statement disables RLS again: enabling it here would not last.
            fix: (!t.rls_disabled)
                .then(|| {
                    let at = statements.get_or_insert_with(|| statements_by_span(units));
                    let stmt = at.get(&(created_in.index, created.span.start, created.span.end))?;
                    enable_rls(created_in, stmt, &created.span, schema, name)
                })
                .flatten()
                .map(Box::new),
            suggestion: None,
            file: created_in.source.clone(),
            span: created.span.clone(),
            message: format!(
                "Table `{table}` is created in the exposed schema `{schema}` without row level security: every client with the API key (role `anon`) can read and change all its rows{note}"
            ),
            help: format!(
                "Add `alter table {table} enable row level security;` to this migration, with policies for the access clients need (or list it in `allow_without_rls` in migcheck.toml if it must stay open)."
            ).into(),
        });
    }
}

/// The statements outside `DO` blocks and rollback sections, by unit and span (the first of
/// equal spans, as a scan in order would find it).
fn statements_by_span(units: &[FileUnit]) -> HashMap<(usize, usize, usize), &Statement> {
    let mut at = HashMap::new();
    for u in units {
        for s in u.parsed.statements.iter().filter(|s| !s.in_do_block && !s.rollback) {
            at.entry((u.index, s.span.start, s.span.end)).or_insert(s);
        }
    }
    at
}

/// The fix: `alter table ... enable row level security;` on the line after `stmt`, the
/// statement that creates the table, naming it as that statement does. Enabling RLS is strictly
/// safer: clients keep only the access policies grant. Not offered inside a `DO` block.
fn enable_rls(
    unit: &FileUnit,
    stmt: &Statement,
    span: &std::ops::Range<usize>,
    schema: &str,
    name: &str,
) -> Option<crate::fix::Fix> {
    let text = &unit.source.text;
    let written = match stmt.tree(text).as_deref() {
        Some(sqlparser::ast::Statement::CreateTable(ct)) => ct.name.to_string(),
        _ => crate::fix::qual_sql(&QualName::new(Some(schema), name)),
    };
    Some(crate::fix::Fix {
        title: format!("Enable row level security on `{written}`"),
        edits: vec![crate::fix::insert_after_statement(
            text,
            span,
            &format!("alter table {written} enable row level security;"),
        )],
    })
}

/// `create table "TileSetting"` then `alter table TileSetting enable ...` (or `tile_setting`):
/// the unquoted name folds to another table, whose RLS is on. The tables with RLS enabled,
/// by schema and loose name (lower case, no `_`), in the order of `state.tables`.
/// A table of the final schema: its schema, its name, what is known of it.
type TableRef<'a> = (&'a String, &'a String, &'a TableInfo);

struct NearMisses<'a> {
    by_loose: HashMap<(String, String), Vec<TableRef<'a>>>,
}

impl<'a> NearMisses<'a> {
    fn new(state: &'a SchemaState) -> Self {
        let mut by_loose: HashMap<_, Vec<_>> = HashMap::new();
        for ((s, n), t) in &state.tables {
            if t.rls && t.rls_enabled.is_some() {
                by_loose
                    .entry((s.clone(), loose(n)))
                    .or_default()
                    .push((s, n, &**t));
            }
        }
        Self { by_loose }
    }

    /// The first other table of `schema` whose name differs from `name` only by case or `_`
    /// and whose RLS was enabled no earlier than `t` was created.
    fn find(&self, schema: &str, name: &str, t: &TableInfo) -> Option<(&'a String, &'a String)> {
        let created_file = t.created.as_ref().map(|o| o.file);
        self.by_loose
            .get(&(schema.to_string(), loose(name)))?
            .iter()
            .find(|(_, n, other)| {
                n.as_str() != name
                    && other
                        .rls_enabled
                        .as_ref()
                        .is_some_and(|o| Some(o.file) >= created_file)
            })
            .map(|&(s, n, _)| (s, n))
    }
}

fn loose(n: &str) -> String {
    n.to_lowercase().replace('_', "")
}
