//! `migcheck init`: a commented `migcheck.toml` for the layout found, and the snippets that run
//! migcheck in pre-commit and GitHub Actions.
//!
//! It never overwrites: an existing config is somebody's decisions.

use std::fmt::Write as _;
use std::path::Path;

use migcheck_core::config::FILE_NAME;
use migcheck_core::deploy_files::is_deploy_file;
use migcheck_core::discover::discover;
use migcheck_core::lint::{load, ConfigCache};
use migcheck_core::platform::{self, Platform};
use migcheck_core::tool::Tool;

use crate::{emit, CLEAN, TROUBLE};

/// The version the printed snippets pin.
const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn run(dir: &Path) -> u8 {
    if !dir.is_dir() {
        eprintln!("error: {} is not a directory", dir.display());
        return TROUBLE;
    }
    let target = dir.join(FILE_NAME);
    // `exists` follows links: a dangling link named migcheck.toml is "there" too.
    if target.exists() || std::fs::symlink_metadata(&target).is_ok() {
        eprintln!(
            "error: {} already exists; migcheck init does not overwrite it (see docs/configuration.md for the keys)",
            target.display()
        );
        return TROUBLE;
    }
    let found = discover(&[dir.to_path_buf()], &is_deploy_file);
    let skipped: Vec<SkippedDir> = found
        .skipped
        .iter()
        .map(|k| {
            let rel = k.path.strip_prefix(dir).unwrap_or(&k.path);
            SkippedDir {
                path: rel.to_string_lossy().replace('\\', "/"),
                reason: match k.dialect {
                    Some(d) => format!("{}({})", k.reason.as_str(), d.as_str()),
                    None => k.reason.as_str().to_string(),
                },
                detail: k.detail.clone(),
            }
        })
        .collect();
    // Loaded (read and parsed), not only discovered: a set's platform can come from what its
    // statements show (`platform::evidence`), and the written `exposed_schemas` must not
    // silence that.
    let mut configs = ConfigCache::new(None);
    let (loaded, _) = load(&[dir.to_path_buf()], &mut configs, &mut Vec::new());
    let sets: Vec<FoundSet> = loaded
        .iter()
        .map(|l| &l.set)
        .map(|s| {
            let rel = s.dir.strip_prefix(dir).unwrap_or(&s.dir);
            let shown = rel.to_string_lossy().replace('\\', "/");
            let shown = if shown.is_empty() { ".".into() } else { shown };
            FoundSet {
                tool: s.tool,
                dir: shown,
                files: s.files.len(),
                platform: s.platform.clone(),
            }
        })
        .collect();
    let text = config_text(&sets, &skipped, &platform::detect(dir));
    // Atomic, and never over a file that appeared meanwhile (`fsio::replace` with nothing
    // expected).
    if let Err(e) = migcheck_core::fsio::replace(&target, None, text.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", target.display());
        return TROUBLE;
    }
    let mut out = format!("Wrote {}", target.display());
    if sets.is_empty() {
        out.push_str(" (no migrations found yet).\n");
    } else {
        out.push_str(" for:\n");
        for s in &sets {
            let _ = writeln!(out, "  {:<19} {} ({} files)", s.tool.id(), s.dir, s.files);
        }
    }
    if !skipped.is_empty() {
        out.push_str("Not migrations (skipped; see `include` in the file to lint one anyway):\n");
        for k in &skipped {
            let _ = writeln!(out, "  {:<19} {}", k.reason, k.path);
        }
    }
    if sets.iter().any(|s| s.files > 0) {
        out.push_str(
            "\nNext: run `migcheck check`. Findings in migrations already applied? Accept them once\n\
             with `migcheck check --write-baseline migcheck-baseline.json`, then uncomment\n\
             `baseline = \"migcheck-baseline.json\"` in migcheck.toml: only new findings fail.\n",
        );
    }
    out.push_str(&snippets());
    emit(&out);
    CLEAN
}

/// A migration set `init` found.
pub struct FoundSet {
    pub tool: &'static dyn Tool,
    /// Relative to the directory `init` runs in.
    pub dir: String,
    pub files: usize,
    pub platform: Platform,
}

/// A folder or file with SQL that the default scope skips.
pub struct SkippedDir {
    /// Relative to the directory `init` runs in.
    pub path: String,
    /// `test`, `seed`, `other-dialect(clickhouse)`...
    pub reason: String,
    pub detail: String,
}

/// The config file: every key, commented, with values suited to the sets found. `here` is the
/// platform of the directory the file is written to. The scope found is written as comments:
/// the sets linted, then what is skipped, each as a commented `include` line the user can
/// uncomment to lint it anyway.
pub fn config_text(sets: &[FoundSet], skipped: &[SkippedDir], here: &Platform) -> String {
    let mut s = String::from(
        "# migcheck configuration. The nearest migcheck.toml above a migration governs it, so a\n\
         # monorepo can keep one per app. Every key is optional; docs/configuration.md explains them.\n",
    );
    if !sets.is_empty() {
        s.push_str("#\n# Migration sets found by `migcheck init` (the tool that applies each):\n");
        for f in sets {
            let _ = writeln!(s, "#   {:<19} {} ({} files)", f.tool.id(), f.dir, f.files);
        }
    }
    s.push_str(
        "\n# Schemas the Data API (PostgREST, Supabase) serves to clients: tables created in them\n\
         # need row level security. Without this key, a set inside a Supabase project (a\n\
         # `supabase/` folder with config.toml or migrations, at or above it) uses `[api] schemas`\n\
         # of supabase/config.toml or [\"public\"], and any other set exposes nothing.\n",
    );
    // The sets disagree (a monorepo with a Supabase app and a plain service): leave the key
    // out so that each set keeps its own platform's default.
    let mut defaults: Vec<(Vec<String>, String)> = sets
        .iter()
        .map(|f| (f.platform.default_exposed_schemas(), f.platform.why()))
        .collect();
    if defaults.is_empty() {
        defaults.push((here.default_exposed_schemas(), here.why()));
    }
    defaults.dedup_by(|a, b| a.0 == b.0);
    let list = |v: &[String]| {
        v.iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let exposed: Vec<String> = if defaults.len() == 1 {
        let (schemas, why) = &defaults[0];
        let _ = writeln!(s, "# Chosen by `migcheck init`: {why}.");
        if schemas.is_empty() {
            s.push_str("# List schemas here if clients reach this database through PostgREST or Supabase.\n");
        }
        let _ = writeln!(s, "exposed_schemas = [{}]", list(schemas));
        schemas.clone()
    } else {
        s.push_str(
            "# Not set by `migcheck init`: the sets found are on different platforms, so each keeps\n\
             # its own default.\n\
             # exposed_schemas = [\"public\"]\n",
        );
        Vec::new()
    };
    s.push_str("\n# Tables that may stay without row level security, as \"schema.table\".\n");
    // The tools' own history tables hold no user data.
    let mut bookkeeping: Vec<&str> = Vec::new();
    for f in sets {
        if let Some(h) = f.tool.history() {
            let schema = h.table.split_once('.').map_or("public", |(s, _)| s);
            if exposed.iter().any(|e| e == schema) && !bookkeeping.contains(&h.table) {
                bookkeeping.push(h.table);
            }
        }
    }
    if bookkeeping.is_empty() {
        s.push_str("allow_without_rls = []\n");
    } else {
        s.push_str("# The migration tools keep their history here; it holds no user data.\n");
        let quoted: Vec<String> = bookkeeping.iter().map(|t| format!("\"{t}\"")).collect();
        let _ = writeln!(s, "allow_without_rls = [{}]", quoted.join(", "));
    }
    s.push_str(
        "\n# Folders or globs (relative to this file) linted although the default scope skips\n\
         # them (docs/configuration.md says what it skips). `migcheck check --show-files` lists\n\
         # what is checked and what is skipped.\n\
         include = [\n",
    );
    if !skipped.is_empty() {
        s.push_str("  # Skipped when `migcheck init` ran:\n");
    }
    for k in skipped {
        let _ = writeln!(s, "  # \"{}\",  # {}: {}", k.path, k.reason, k.detail);
    }
    s.push_str(
        "]\n\n# Files and folders migcheck never lints: globs or folders relative to this file.\n\
         exclude = [\n",
    );
    if sets.iter().any(|f| f.tool.id() == "supabase") {
        s.push_str("  # \"supabase/seed.sql\",\n");
    }
    s.push_str(
        "  # \"**/fixtures/**\",\n]\n\n\
         # The PostgreSQL major version the migrations run on (locks and rewrites depend on it).\n\
         pg_version = 15\n\n\
         # Findings accepted once (`migcheck check --write-baseline migcheck-baseline.json`):\n\
         # only findings not in that file fail.\n\
         # baseline = \"migcheck-baseline.json\"\n\n\
         # Top-level keys go above this line. The tables below are commented out so that a key\n\
         # appended at the end of the file stays top-level; uncomment a table's header with its keys.\n\n\
         # [rules]\n\
         # Change a rule's severity: \"error\", \"warning\" or \"off\". `migcheck rules` lists them.\n\
         # rls-without-policy = \"error\"\n\n\
         # [deploy]\n\
         # Deploy scripts that may apply migrations (a reviewed release step), as \"package.json:script\".\n\
         # allow_scripts = [\"package.json:db:migrate\"]\n\n\
         # [impact]\n\
         # Live table sizes (`migcheck stats --output migcheck-stats.json`): lock and rewrite findings\n\
         # on small or new tables become notes, on large or busy ones errors (docs/impact.md).\n\
         # stats = \"migcheck-stats.json\"\n",
    );
    s
}

/// What to paste into `.pre-commit-config.yaml` and a workflow.
pub fn snippets() -> String {
    format!(
        "
Run it before every commit: add to .pre-commit-config.yaml
(until the first release there is no v{VERSION} tag: use `rev: <commit SHA>` with
`id: migcheck-source`, which compiles; the Action likewise needs `@<commit SHA>` and
`version: source`)

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

    fn found(tool: &str, dir: &str, platform: Platform) -> FoundSet {
        FoundSet {
            tool: migcheck_core::tool::by_id(tool).unwrap(),
            dir: dir.into(),
            files: 1,
            platform,
        }
    }

    /// True when the written `include` list is not empty (it is all comments by default).
    fn cfg_includes(text: &str) -> bool {
        parse(text).is_included(Path::new("supabase/tests/x.sql"))
    }

    fn parse(text: &str) -> Config {
        Config::parse(Path::new("migcheck.toml"), "migcheck.toml", text, &|id| {
            migcheck_core::rules::by_id(id).is_some()
        })
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// Issue 30: appending `baseline = "…"` to the written file, as the docs and the
    /// `--write-baseline` hint say, must give a top-level key, not one under `[deploy]`.
    #[test]
    fn a_key_appended_to_the_written_config_stays_top_level() {
        let text = config_text(
            &[found("prisma", "prisma/migrations", Platform::default())],
            &[],
            &Platform::default(),
        );
        let appended = format!("{text}baseline = \"migcheck-baseline.json\"\n");
        let cfg = parse(&appended);
        assert_eq!(
            cfg.baseline.as_deref(),
            Some(Path::new("migcheck-baseline.json")),
            "{appended}"
        );
        let baseline_at = text
            .find("# baseline = ")
            .expect("a commented baseline key");
        assert!(baseline_at < text.find("[rules]").unwrap(), "{text}");
    }

    #[test]
    fn the_written_config_is_valid() {
        let supabase = Platform {
            supabase: Some(migcheck_core::platform::SupabaseProject {
                dir: "supabase".into(),
                config: None,
                exposed_schemas: vec!["public".into()],
                source: "`supabase` makes this a Supabase project".into(),
            }),
            evidence: None,
        };
        let skipped = [SkippedDir {
            path: "supabase/tests".into(),
            reason: "test".into(),
            detail: "`supabase/tests` holds the pgTAP tests `supabase test db` runs".into(),
        }];
        let text = config_text(
            &[
                found("supabase", "supabase/migrations", supabase.clone()),
                found("prisma", "prisma/migrations", supabase.clone()),
            ],
            &skipped,
            &supabase,
        );
        assert!(
            text.contains("  # \"supabase/tests\",  # test: `supabase/tests` holds"),
            "{text}"
        );
        assert!(!cfg_includes(&text), "{text}");
        let cfg = parse(&text);
        assert_eq!(cfg.exposed_schemas, ["public"]);
        assert!(cfg.exposed_schemas_configured);
        assert!(
            cfg.allowed_without_rls("public", "_prisma_migrations"),
            "{text}"
        );
        assert!(!cfg.allowed_without_rls("supabase_migrations", "schema_migrations"));

        // Prisma on its own database: no Data API, so nothing is exposed.
        let prisma = config_text(
            &[found("prisma", "prisma/migrations", Platform::default())],
            &[],
            &Platform::default(),
        );
        let cfg = parse(&prisma);
        assert!(cfg.exposed_schemas.is_empty(), "{prisma}");
        assert!(prisma.contains("no Supabase project"), "{prisma}");

        // A monorepo mixing both: the key stays commented out.
        let mixed = config_text(
            &[
                found("supabase", "web/supabase/migrations", supabase.clone()),
                found("sqlx", "api/migrations", Platform::default()),
            ],
            &[],
            &Platform::default(),
        );
        let cfg = parse(&mixed);
        assert!(!cfg.exposed_schemas_configured, "{mixed}");
    }
}
