//! `migcheck init`: a commented `migcheck.toml` for the layout found, and the snippets that run
//! migcheck in pre-commit and GitHub Actions.
//!
//! It never overwrites: an existing config is somebody's decisions.

use std::fmt::Write as _;
use std::path::Path;

use migcheck_core::config::FILE_NAME;
use migcheck_core::deploy_files::is_deploy_file;
use migcheck_core::discover::{discover, SetKind};

use crate::{emit, CLEAN, TROUBLE};

/// The version the printed snippets pin.
const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn run(dir: &Path) -> u8 {
    if !dir.is_dir() {
        eprintln!("error: {} is not a directory", dir.display());
        return TROUBLE;
    }
    let target = dir.join(FILE_NAME);
    if target.exists() {
        eprintln!(
            "error: {} already exists; migcheck init does not overwrite it (see docs/configuration.md for the keys)",
            target.display()
        );
        return TROUBLE;
    }
    let found = discover(&[dir.to_path_buf()], &is_deploy_file);
    let sets: Vec<(SetKind, String, usize)> = found
        .sets
        .iter()
        .map(|s| {
            let rel = s.dir.strip_prefix(dir).unwrap_or(&s.dir);
            let shown = rel.to_string_lossy().replace('\\', "/");
            let shown = if shown.is_empty() { ".".into() } else { shown };
            (s.kind, shown, s.files.len())
        })
        .collect();
    let text = config_text(&sets);
    if let Err(e) = std::fs::write(&target, text) {
        eprintln!("error: cannot write {}: {e}", target.display());
        return TROUBLE;
    }
    let mut out = format!("Wrote {}", target.display());
    if sets.is_empty() {
        out.push_str(" (no migrations found yet; the defaults suit Supabase).\n");
    } else {
        out.push_str(" for:\n");
        for (kind, dir, n) in &sets {
            let _ = writeln!(out, "  {:<14} {dir} ({n} files)", kind.as_str());
        }
    }
    out.push_str(&snippets());
    emit(&out);
    CLEAN
}

/// The config file: every key, commented, with values suited to the sets found.
pub fn config_text(sets: &[(SetKind, String, usize)]) -> String {
    let has = |k: SetKind| sets.iter().any(|(kind, _, _)| *kind == k);
    let mut s = String::from(
        "# migcheck configuration. The nearest migcheck.toml above a migration governs it, so a\n\
         # monorepo can keep one per app. Every key is optional; docs/configuration.md explains them.\n",
    );
    if !sets.is_empty() {
        s.push_str("#\n# Migration sets found by `migcheck init`:\n");
        for (kind, dir, n) in sets {
            let _ = writeln!(s, "#   {:<14} {dir} ({n} files)", kind.as_str());
        }
    }
    s.push_str(
        "\n# Schemas the Data API (PostgREST) serves to clients: tables created in them need row\n\
         # level security. Supabase serves `public` unless you expose more in the API settings.\n",
    );
    // Without a Supabase set, nothing says a Data API serves these tables: requiring RLS on
    // every table would flag every CREATE TABLE of a Prisma, Drizzle or diesel project.
    if sets.is_empty() || has(SetKind::Supabase) {
        s.push_str("exposed_schemas = [\"public\"]\n");
    } else {
        s.push_str(
            "# No Supabase migrations were found, so no schema is treated as exposed; list yours\n\
             # here if clients reach the database through PostgREST or Supabase.\n\
             exposed_schemas = []\n",
        );
    }
    s.push_str("\n# Tables that may stay without row level security, as \"schema.table\".\n");
    if has(SetKind::Prisma) {
        s.push_str(
            "# Prisma keeps its own bookkeeping table in `public`.\n\
             allow_without_rls = [\"public._prisma_migrations\"]\n",
        );
    } else {
        s.push_str("allow_without_rls = []\n");
    }
    s.push_str(
        "\n# Files migcheck skips: globs relative to this file.\n\
         exclude = [\n",
    );
    if has(SetKind::Supabase) {
        s.push_str("  # \"supabase/seed.sql\",\n");
    }
    s.push_str(
        "  # \"**/fixtures/**\",\n]\n\n\
         # The PostgreSQL major version the migrations run on (locks and rewrites depend on it).\n\
         pg_version = 15\n\n\
         [rules]\n\
         # Change a rule's severity: \"error\", \"warning\" or \"off\". `migcheck rules` lists them.\n\
         # rls-without-policy = \"error\"\n\n\
         [deploy]\n\
         # Deploy scripts that may apply migrations (a reviewed release step), as \"file:script\".\n\
         # allow_scripts = [\"package.json:db:migrate\"]\n",
    );
    s
}

/// What to paste into `.pre-commit-config.yaml` and a workflow.
pub fn snippets() -> String {
    format!(
        "
Run it before every commit: add to .pre-commit-config.yaml

repos:
  - repo: https://github.com/migcheck/migcheck
    rev: v{VERSION}
    hooks:
      - id: migcheck

Gate pull requests: add to a workflow under .github/workflows/

on: pull_request
jobs:
  migcheck:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: migcheck/migcheck@v{VERSION}
        with:
          fail-on: error

More in docs/ci.md (SARIF upload, PR comments, GitLab).
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use migcheck_core::config::Config;

    #[test]
    fn the_written_config_is_valid() {
        for sets in [
            vec![],
            vec![
                (SetKind::Supabase, "supabase/migrations".to_string(), 3),
                (SetKind::Prisma, "prisma/migrations".to_string(), 1),
            ],
        ] {
            let text = config_text(&sets);
            let cfg = Config::parse(Path::new("migcheck.toml"), "migcheck.toml", &text, &|id| {
                migcheck_core::rules::by_id(id).is_some()
            })
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(cfg.exposed_schemas, ["public"]);
        }
        let prisma = config_text(&[(SetKind::Prisma, "prisma/migrations".into(), 1)]);
        assert!(prisma.contains("public._prisma_migrations"));
        let cfg = Config::parse(
            Path::new("migcheck.toml"),
            "migcheck.toml",
            &prisma,
            &|id| migcheck_core::rules::by_id(id).is_some(),
        )
        .unwrap();
        assert!(cfg.exposed_schemas.is_empty(), "{prisma}");
    }
}
