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
//! Modelled on supabase/cli `pkg/config/config.go` (`[api] enabled`, `schemas`, default
//! `["public", "graphql_public"]` in the template `pkg/config/templates/config.toml`).

use std::path::{Path, PathBuf};

/// What serves the database a set's migrations build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Platform {
    /// The Supabase project the set belongs to, if any.
    pub supabase: Option<SupabaseProject>,
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
        self.supabase
            .as_ref()
            .map(|s| s.exposed_schemas.clone())
            .unwrap_or_default()
    }

    /// Why the default exposed schemas are what they are (one sentence).
    pub fn why(&self) -> String {
        match &self.supabase {
            Some(s) => s.source.clone(),
            None => "no Supabase project (`supabase/config.toml` or `supabase/migrations`) was found at or above the migrations, so no Data API is assumed".into(),
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
    let Ok(text) = std::fs::read_to_string(&config) else {
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
