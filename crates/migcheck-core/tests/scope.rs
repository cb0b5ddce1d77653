//! The discovery scope on made-up projects under `testdata/scope/`: at a repository root, only
//! what a migration tool applies (or plain folders with migration evidence) is linted; tests,
//! schema sources, seeds, dumps, backups, archives, fixtures, vendored code, psql scripts,
//! `BEGIN … ROLLBACK` scripts and other SQL dialects are skipped with a reason. Named paths are
//! always checked; `include` / `exclude` in migcheck.toml widen and narrow the scope.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use migcheck_core::discover::{discover, Discovery, Role};
use migcheck_core::lint::{check, discover_scoped, CheckOptions};
use migcheck_core::scope::{Dialect, SkipReason, Why};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/scope")
        .join(name)
}

fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Discovery at the root of `testdata/scope/repo`, as `migcheck check` with no path.
fn repo() -> &'static Discovery {
    static D: OnceLock<Discovery> = OnceLock::new();
    D.get_or_init(|| {
        let d = discover(&[fixture("repo")], &|_| false);
        assert!(d.missing.is_empty(), "{:?}", d.missing);
        d
    })
}

/// `(set folder, tool, why)` of every set linted, relative to the repo.
fn sets(d: &Discovery, base: &Path) -> Vec<(String, &'static str, Why)> {
    d.sets
        .iter()
        .map(|s| (rel(base, &s.dir), s.tool.id(), s.why))
        .collect()
}

/// The reason `path` (relative to the repo) was skipped, with the dialect for other dialects.
fn skipped(path: &str) -> Option<(SkipReason, Option<Dialect>)> {
    let base = fixture("repo");
    repo()
        .skipped
        .iter()
        .find(|k| rel(&base, &k.path) == path)
        .map(|k| (k.reason, k.dialect))
}

#[test]
fn only_migration_sets_are_linted_at_the_root() {
    assert_eq!(
        sets(repo(), &fixture("repo")),
        [
            ("atlas/migrations".into(), "plain", Why::PlainEvidence),
            ("drizzle".into(), "plain", Why::PlainEvidence),
            ("services/billing/sql".into(), "plain", Why::PlainEvidence),
            ("supabase/migrations".into(), "supabase", Why::Tool),
        ]
    );
    // Every .sql file of the repo is either linted or skipped with a reason.
    let linted: usize = repo().sets.iter().map(|s| s.files.len()).sum();
    let skipped: usize = repo().skipped.iter().map(|k| k.files.len()).sum();
    let on_disk = walk_sql(&fixture("repo"));
    assert_eq!(linted + skipped, on_disk);
}

fn walk_sql(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                walk_sql(&p)
            } else {
                usize::from(p.extension().is_some_and(|x| x == "sql"))
            }
        })
        .sum()
}

#[test]
fn supabase_tests_are_pgtap_not_migrations() {
    // supabase/cli pkg/config/utils.go NewPathBuilder: DbTestsDir = supabase/tests.
    assert_eq!(skipped("supabase/tests"), Some((SkipReason::Test, None)));
}

#[test]
fn supabase_schemas_are_a_declarative_source() {
    // supabase/cli pkg/config/utils.go NewPathBuilder: SchemasDir = supabase/schemas.
    assert_eq!(
        skipped("supabase/schemas"),
        Some((SkipReason::SchemaSource, None))
    );
}

#[test]
fn atlas_src_is_a_declarative_source_and_its_migration_dir_is_linted() {
    assert_eq!(
        skipped("atlas/schema"),
        Some((SkipReason::SchemaSource, None))
    );
    assert!(repo()
        .sets
        .iter()
        .any(|s| s.dir.ends_with("atlas/migrations")));
}

#[test]
fn seeds_are_skipped() {
    assert_eq!(skipped("supabase/seed.sql"), Some((SkipReason::Seed, None)));
    assert_eq!(
        skipped("scripts/seed-demo.sql"),
        Some((SkipReason::Seed, None))
    );
}

#[test]
fn pg_dump_output_is_skipped() {
    assert_eq!(
        skipped("snapshots/2024_01_01_full.sql"),
        Some((SkipReason::Dump, None))
    );
}

#[test]
fn backups_and_rollback_scripts_are_skipped() {
    assert_eq!(skipped("db/backup"), Some((SkipReason::Backup, None)));
    assert_eq!(
        skipped("services/billing/sql/002_drop_total.rollback.sql"),
        Some((SkipReason::Rollback, None))
    );
}

#[test]
fn archives_under_docs_are_skipped() {
    assert_eq!(skipped("docs"), Some((SkipReason::Docs, None)));
}

#[test]
fn fixtures_and_vendored_code_are_skipped() {
    assert_eq!(
        skipped("integration/fixtures"),
        Some((SkipReason::Fixture, None))
    );
    assert_eq!(skipped("vendor"), Some((SkipReason::Vendored, None)));
}

#[test]
fn psql_scripts_are_skipped() {
    assert_eq!(
        skipped("scripts/001_reset.sql"),
        Some((SkipReason::PsqlScript, None))
    );
}

#[test]
fn begin_rollback_scripts_are_tests() {
    assert_eq!(
        skipped("sql/check/001_try_drop.sql"),
        Some((SkipReason::Test, None))
    );
}

#[test]
fn other_dialects_are_skipped_with_one_note_per_set() {
    assert_eq!(
        skipped("analytics/migrations"),
        Some((SkipReason::OtherDialect, Some(Dialect::Clickhouse)))
    );
    assert_eq!(
        skipped("legacy-mysql"),
        Some((SkipReason::OtherDialect, Some(Dialect::Mysql)))
    );
    assert_eq!(
        skipped("mobile/sqlite"),
        Some((SkipReason::OtherDialect, Some(Dialect::Sqlite)))
    );
    assert_eq!(
        skipped("mssql"),
        Some((SkipReason::OtherDialect, Some(Dialect::Tsql)))
    );
    // One entry per set, covering all its files.
    let ch: Vec<_> = repo()
        .skipped
        .iter()
        .filter(|k| k.dialect == Some(Dialect::Clickhouse))
        .collect();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].files.len(), 2);
    // A backtick in a comment does not make the billing set MySQL.
    assert!(repo()
        .sets
        .iter()
        .any(|s| s.dir.ends_with("services/billing/sql")));
}

#[test]
fn versioned_queries_without_schema_changes_are_not_a_set() {
    assert_eq!(skipped("reports"), Some((SkipReason::NoEvidence, None)));
}

#[test]
fn a_drizzle_journal_listing_none_of_the_files_makes_a_plain_set() {
    let set = repo()
        .sets
        .iter()
        .find(|s| s.dir.ends_with("drizzle"))
        .expect("drizzle folder linted");
    assert_eq!(set.tool.id(), "plain");
    assert!(set.files.iter().all(|f| f.role == Role::Up), "{set:#?}");
    // Its DROP TABLE is linted, not reported as `unapplied-migration-file`.
    let named = fixture("repo").join("drizzle");
    let report = check(std::slice::from_ref(&named), &CheckOptions::default());
    let rules: Vec<_> = report.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"drop-table"), "{rules:?}");
    assert!(!rules.contains(&"unapplied-migration-file"), "{rules:?}");
}

#[test]
fn findings_come_only_from_migrations() {
    let report = check(&[fixture("repo")], &CheckOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let base = std::fs::canonicalize(fixture("repo")).unwrap();
    let mut dirs: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let p = std::fs::canonicalize(&f.file.path).unwrap();
            rel(&base, p.parent().unwrap())
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    assert_eq!(
        dirs,
        [
            "atlas/migrations",
            "drizzle",
            "services/billing/sql",
            "supabase/migrations"
        ]
    );
    // The report carries the scope as data.
    assert_eq!(report.scope.sets.len(), 4);
    assert!(report
        .scope
        .skipped
        .iter()
        .any(|k| k.reason == SkipReason::OtherDialect && k.dialect == Some(Dialect::Mysql)));
}

#[test]
fn named_folders_and_files_are_always_checked() {
    let tests = fixture("repo").join("supabase/tests");
    let d = discover(std::slice::from_ref(&tests), &|_| false);
    assert_eq!(d.sets.len(), 1, "{:?}", d.skipped);
    assert_eq!(d.sets[0].why, Why::Named);

    let script = fixture("repo").join("scripts/001_reset.sql");
    let d = discover(std::slice::from_ref(&script), &|_| false);
    assert_eq!(d.sets.len(), 1);
    assert_eq!(d.sets[0].why, Why::Named);
    assert!(d.sets[0]
        .files
        .iter()
        .any(|f| f.path == script && f.reported));

    // A named folder is checked whole, folders below it too.
    let integration = fixture("repo").join("integration");
    let d = discover(std::slice::from_ref(&integration), &|_| false);
    assert_eq!(d.sets.len(), 1, "{:?}", d.skipped);
    assert!(d.sets[0].dir.ends_with("integration/fixtures/migrations"));

    let mysql = fixture("repo").join("legacy-mysql");
    let report = check(std::slice::from_ref(&mysql), &CheckOptions::default());
    assert_eq!(report.files, 2);

    // `--force-exclude` (hooks passing every staged file): the scope applies to them too.
    let forced = CheckOptions {
        force_exclude: true,
        ..CheckOptions::default()
    };
    let d = discover_scoped(&[script, tests], &forced);
    assert!(d.sets.is_empty(), "{:#?}", d.sets);
    // (The reasons, from a relative path as pre-commit passes them: tests/cli.rs.)
    assert_eq!(d.skipped.len(), 2, "{:#?}", d.skipped);
}

#[test]
fn include_and_exclude_in_the_config_change_the_scope() {
    let base = fixture("configured");
    let d = discover_scoped(std::slice::from_ref(&base), &CheckOptions::default());
    assert_eq!(
        sets(&d, &base),
        [
            ("db/migrations".into(), "plain", Why::PlainEvidence),
            ("legacy".into(), "plain", Why::Included),
        ]
    );
    let files: Vec<_> = d.sets[0]
        .files
        .iter()
        .map(|f| rel(&base, &f.path))
        .collect();
    assert_eq!(files, ["db/migrations/001_orders.sql"]);
    let skipped: Vec<_> = d
        .skipped
        .iter()
        .map(|k| (rel(&base, &k.path), k.reason))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "db/migrations/002_experimental.sql".into(),
                SkipReason::Excluded
            ),
            ("db/seeds".into(), SkipReason::Excluded),
        ]
    );
    // Without the config, the hand-applied folder has no evidence.
    let d = discover(std::slice::from_ref(&base), &|_| false);
    assert!(d
        .skipped
        .iter()
        .any(|k| k.path.ends_with("legacy") && k.reason == SkipReason::NoEvidence));
}
