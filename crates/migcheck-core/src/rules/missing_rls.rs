use super::{FileCx, Hit, Rule, RuleMeta};
use crate::effect::QualName;

pub struct MissingRls;

static META: RuleMeta = rule_meta!(
    "missing-rls",
    Error,
    Security,
    "A table created in an exposed schema without ENABLE ROW LEVEL SECURITY in the same file"
);

impl Rule for MissingRls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Vec<Hit>) {
        for ((schema, name), t) in &cx.state.tables {
            let Some(created) = &t.created else { continue };
            if created.file != cx.unit.index
                || t.rls
                || !cx.config.is_exposed(schema)
                || cx.config.allowed_without_rls(schema, name)
            {
                continue;
            }
            let table = QualName::new(Some(schema), name).to_string();
            // `create table "TileSetting"` then `alter table TileSetting enable ...` (or
            // `tile_setting`): the unquoted name folds to another table.
            let loose = |n: &str| n.to_lowercase().replace('_', "");
            let near_miss = cx.state.tables.iter().find(|((s, n), t)| {
                s == schema
                    && n != name
                    && loose(n) == loose(name)
                    && t.rls_enabled.as_ref().is_some_and(|o| o.file == cx.unit.index)
            });
            let note = match near_miss {
                Some(((s, n), _)) => format!(
                    " (RLS was enabled on `{}`, a different table: unquoted names fold to lower case, quoted names do not)",
                    QualName::new(Some(s), n)
                ),
                None => String::new(),
            };
            out.push(Hit {
                file: cx.unit.source.clone(),
                span: created.span.clone(),
                message: format!(
                    "Table `{table}` is created in the exposed schema `{schema}` without row level security: every client with the API key (role `anon`) can read and change all its rows{note}"
                ),
                help: format!(
                    "Add `alter table {table} enable row level security;` to this migration, with policies for the access clients need (or list it in `allow_without_rls` in migcheck.toml if it must stay open)."
                ),
            });
        }
    }
}
