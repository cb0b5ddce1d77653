//! The platform a database is served by: which schemas clients can reach.
//!
//! Row-level-security and Data-API rules only mean something where PostgREST (the Supabase
//! Data API) serves the database. A set is in a Supabase project when a `supabase/` folder with
//! `config.toml`, or a `supabase/migrations` folder, sits at or above it (up to the repository
//! root): then every set of that project is judged as served by the Data API, since they share
//! the database (a Prisma schema next to `supabase/` included). The exposed schemas are then
//! `[api] schemas` of `supabase/config.toml` when it says so (none when `[api] enabled =
//! false`), else `["public"]`. Elsewhere no schema is exposed unless `migcheck.toml` says
//! `exposed_schemas`.
//!
//! Without a `supabase/` folder, a set can still say that clients reach its tables: a Prisma or
//! Drizzle set on a hosted Supabase database (its URL only in `.env`) enables row level security,
//! creates policies, or grants to the Data API's roles `anon` and `authenticated`. Nobody does
//! that for a database no client reaches, so [`evidence`] takes the schemas those statements
//! name as exposed, and says which statement showed it ([`Platform::why`]).
//!
//! Modelled on supabase/cli `pkg/config/config.go` (`[api] enabled`, `schemas`, default
//! `["public", "graphql_public"]` in the template `pkg/config/templates/config.toml`).

use std::path::{Path, PathBuf};

/// What serves the database a set's migrations build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Platform {
    /// The Supabase project the set belongs to, if any.
    pub supabase: Option<SupabaseProject>,
    /// Where no Supabase project was found: what the set's own migrations show of clients
    /// reaching its schemas ([`evidence`]).
    pub evidence: Option<Evidence>,
}

/// Schemas a set's own statements show to be reached by clients (row level security enabled,
/// policies created, privileges granted to `anon` or `authenticated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The schemas, in the order their first evidence appears.
    pub schemas: Vec<String>,
    /// One sentence naming the first statement that showed it.
    pub why: String,
}

/// A Supabase project found at or above a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupabaseProject {
    /// The `supabase/` folder.
    pub dir: PathBuf,
    /// `supabase/config.toml`, when present.
    pub config: Option<PathBuf>,
    /// The schemas the Data API serves (from `[api] schemas`, or `["public"]`).
    pub exposed_schemas: Vec<String>,
    /// Where `exposed_schemas` came from, for messages and `migcheck init`.
    pub source: String,
}

impl Platform {
    /// True when the Supabase platform (its roles, default privileges, Data API) serves the
    /// database.
    pub fn is_supabase(&self) -> bool {
        self.supabase.is_some()
    }

    /// The schemas clients reach when `migcheck.toml` does not say `exposed_schemas`.
    pub fn default_exposed_schemas(&self) -> Vec<String> {
        match (&self.supabase, &self.evidence) {
            (Some(s), _) => s.exposed_schemas.clone(),
            (None, Some(e)) => e.schemas.clone(),
            (None, None) => Vec::new(),
        }
    }

    /// Why the default exposed schemas are what they are (one sentence).
    pub fn why(&self) -> String {
        match (&self.supabase, &self.evidence) {
            (Some(s), _) => s.source.clone(),
            (None, Some(e)) => e.why.clone(),
            (None, None) => "no Supabase project (`supabase/config.toml` or `supabase/migrations`) was found at or above the migrations, so no Data API is assumed".into(),
        }
    }
}

/// The platform of the set in `dir`.
pub fn detect(dir: &Path) -> Platform {
    for d in crate::tool::project_dirs(dir) {
        let candidates = [
            Some(d.join("supabase")),
            (crate::tool::file_name(&d) == "supabase").then(|| d.clone()),
        ];
        for sup in candidates.into_iter().flatten() {
            let config = sup.join("config.toml");
            let has_config = config.is_file();
            if has_config || sup.join("migrations").is_dir() {
                return Platform {
                    supabase: Some(project(&sup, has_config.then_some(config))),
                    evidence: None,
                };
            }
        }
    }
    Platform::default()
}

fn project(dir: &Path, config: Option<PathBuf>) -> SupabaseProject {
    let shown = crate::source::display_path(dir);
    let mut out = SupabaseProject {
        dir: dir.to_path_buf(),
        config: config.clone(),
        exposed_schemas: vec!["public".into()],
        source: format!(
            "`{shown}` makes this a Supabase project, whose Data API serves `public` by default"
        ),
    };
    let Some(config) = config else { return out };
    let Ok(text) = crate::fsio::read_to_string(&config) else {
        return out;
    };
    // An unreadable config keeps the default: the Supabase CLI would refuse it anyway.
    let Ok(table) = text.parse::<toml::Table>() else {
        return out;
    };
    let Some(api) = table.get("api").and_then(|a| a.as_table()) else {
        return out;
    };
    let shown = crate::source::display_path(&config);
    if api.get("enabled").and_then(|e| e.as_bool()) == Some(false) {
        out.exposed_schemas.clear();
        out.source = format!("`{shown}` turns the Data API off (`[api] enabled = false`)");
        return out;
    }
    if let Some(schemas) = api.get("schemas").and_then(|s| s.as_array()) {
        out.exposed_schemas = schemas
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        out.source = format!("`{shown}` `[api] schemas` lists the schemas the Data API serves");
    }
    out
}

/// Schemas the platform owns: a policy on `storage.objects` says nothing of the set's own tables.
const PLATFORM_SCHEMAS: &[&str] = &["auth", "storage", "realtime", "extensions", "graphql"];

/// What the forward statements of a set's files (in the order applied) show of clients reaching
/// its schemas: `ENABLE ROW LEVEL SECURITY`, `CREATE POLICY`, or a `GRANT` to `anon` or
/// `authenticated` (the roles the Supabase Data API, PostgREST, runs requests as). `None` when
/// no statement does. Rollback sections and files are passed over.
pub fn evidence<'a>(
    files: impl IntoIterator<Item = (&'a crate::SourceFile, &'a crate::parse::ParsedFile)>,
) -> Option<Evidence> {
    use crate::effect::Effect;
    let mut schemas: Vec<String> = Vec::new();
    let mut first: Option<String> = None;
    for (source, parsed) in files {
        for st in parsed.statements.iter().filter(|s| !s.rollback) {
            let mut found: Vec<(String, String)> = Vec::new();
            for e in st.effects.iter() {
                match e {
                    Effect::EnableRls { table } => found.push((
                        schema_of(table),
                        format!("enables row level security on `{table}`"),
                    )),
                    Effect::CreatePolicy { table, name } => found.push((
                        schema_of(table),
                        format!("creates policy `{name}` on `{table}`"),
                    )),
                    _ => {}
                }
            }
            if st.head.starts_with("GRANT") {
                let text = &source.text[st.span.clone()];
                if let Some((schema, role)) = grant_to_client_role(text) {
                    found.push((schema, format!("grants to `{role}`")));
                }
            }
            for (schema, what) in found {
                if PLATFORM_SCHEMAS.contains(&schema.as_str()) {
                    continue;
                }
                // A schema named by a template (`{{ index .Options "Namespace" }}`, read as
                // the stand-in `{ index .Options 'Namespace' }`; goose's `${SCHEMA}`, read as
                // `$SCHEMA`) is chosen when the service deploys: supabase/auth enables RLS on
                // every table of its namespace, which Supabase does not serve. Not evidence
                // that clients reach it (issue 28 item 10).
                if (schema.starts_with('{') && schema.ends_with('}')) || schema.starts_with('$') {
                    continue;
                }
                if first.is_none() {
                    let line = source.line_col(st.span.start).line;
                    first = Some(format!(
                        "no Supabase project was found, but `{}:{line}` {what}: clients reach `{schema}` through an API, so it is treated as exposed (set `exposed_schemas` in migcheck.toml to say otherwise)",
                        source.display
                    ));
                }
                if !schemas.contains(&schema) {
                    schemas.push(schema);
                }
            }
        }
    }
    Some(Evidence {
        schemas,
        why: first?,
    })
}

/// The schema of a table as named (an unqualified name is in `public`, the first schema of the
/// default search path).
fn schema_of(table: &crate::effect::QualName) -> String {
    table.schema.clone().unwrap_or_else(|| "public".into())
}

/// For `GRANT … TO anon` / `authenticated` (also among other roles): the schema it grants in
/// (`ON ALL TABLES IN SCHEMA s`, `ON SCHEMA s`, `ON [TABLE] s.t`; an unqualified table is in
/// `public`) and the role.
fn grant_to_client_role(text: &str) -> Option<(String, &'static str)> {
    use crate::fallback::Tok;
    let words: Vec<String> = crate::fallback::tokens(text)
        .into_iter()
        .map(|t| match t {
            Tok::Word(_, folded) => folded,
            Tok::Quoted(exact) => exact,
            Tok::Dot => ".".into(),
            _ => ",".into(),
        })
        .collect();
    let to = words.iter().rposition(|w| w == "to")?;
    let role = words[to + 1..].iter().find_map(|w| match w.as_str() {
        "anon" => Some("anon"),
        "authenticated" => Some("authenticated"),
        _ => None,
    })?;
    let on = words[..to].iter().position(|w| w == "on")?;
    let after: Vec<&str> = words[on + 1..to].iter().map(String::as_str).collect();
    let schema = match after.as_slice() {
        [_, _, "in", "schema", s, ..] | ["schema", s, ..] => s,
        ["table", s, ".", _, ..] | [s, ".", _, ..] => s,
        [_, ..] => "public",
        [] => return None,
    };
    Some((schema.to_string(), role))
}

#[cfg(test)]
mod tests {
    use super::grant_to_client_role;

    #[test]
    fn grants_to_the_data_api_roles_name_their_schema() {
        let g = |t| grant_to_client_role(t);
        assert_eq!(
            g("grant select on all tables in schema api to anon, authenticated"),
            Some(("api".into(), "anon"))
        );
        assert_eq!(
            g("GRANT USAGE ON SCHEMA app TO authenticated"),
            Some(("app".into(), "authenticated"))
        );
        assert_eq!(
            g("grant select, insert on table \"Shop\".orders to authenticated"),
            Some(("Shop".into(), "authenticated"))
        );
        assert_eq!(
            g("grant select on notes to anon"),
            Some(("public".into(), "anon"))
        );
        assert_eq!(g("grant select on notes to reporting"), None);
        assert_eq!(g("grant reader to anon"), None);
    }
}
