//! `CREATE EXTENSION` into `public` on a Supabase set: without `SCHEMA`, PostgreSQL installs a
//! relocatable extension in the first schema of `search_path` that exists (`CreateExtension` in
//! src/backend/commands/extension.c), `public` on Supabase (supabase/postgres,
//! `migrations/db/init-scripts/00000000000000-initial-schema.sql`: `search_path TO public,
//! extensions`). Supabase's advisor reports it as `extension_in_public` (lint 0014 of
//! supabase/splinter, `lints/0014_extension_in_public.sql`, which leaves out `plpgsql`).

use sqlparser::ast::Statement as Ast;

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::fold;

pub struct ExtensionInPublic;

static META: RuleMeta = rule_meta!(
    "extension-in-public",
    Warning,
    Security,
    "CREATE EXTENSION without SCHEMA (or with SCHEMA public) on a Supabase project: its functions land in the exposed `public` schema"
);

/// Extensions Supabase installs `with schema extensions` on every project (the init script
/// above): `CREATE EXTENSION IF NOT EXISTS` of one does nothing.
const PREINSTALLED: &[&str] = &["uuid-ossp", "pgcrypto"];

impl Rule for ExtensionInPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() || !cx.set.platform.is_supabase() || !cx.config.is_exposed("public") {
            return;
        }
        let Some(Ast::CreateExtension(e)) = cx.stmt.ast.as_deref() else {
            return;
        };
        let name = fold(&e.name);
        if name == "plpgsql" || (e.if_not_exists && PREINSTALLED.contains(&name.as_str())) {
            return;
        }
        let schema = match &e.schema {
            Some(s) => fold(s),
            None => cx.state.creation_schema(),
        };
        if schema != "public" {
            return;
        }
        let how = if e.schema.is_some() {
            "with `SCHEMA public`"
        } else {
            "without `SCHEMA`, so in the first schema of `search_path`,"
        };
        out.push(cx.hit(
            format!(
                "Extension `{name}` is installed {how} in `public`: its functions, types and tables become part of the schema the Data API exposes, callable by `anon` and `authenticated`"
            ),
            "Install it in a schema of its own that the API does not expose: `CREATE EXTENSION IF NOT EXISTS <name> WITH SCHEMA extensions` (Supabase creates `extensions` on every project); an extension already in `public` moves with `ALTER EXTENSION <name> SET SCHEMA extensions` when it is relocatable.",
        ));
    }
}
