//! Migration-set discovery on one tiny, realistic set per tool: `testdata/layouts/<tool>/`.
//!
//! Each test pins what a user of that tool relies on: which tool migcheck takes the folder for,
//! the order files are applied in, which files are rollbacks (their drops are never reported),
//! and that naming one file reports only that file while the rest of its set is context.

use std::path::{Path, PathBuf};

use migcheck_core::discover::{discover, MigrationSet, Role};
use migcheck_core::lint::{check, CheckOptions};
use migcheck_core::rules::{by_id, Category};

fn layout(tool: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/layouts")
        .join(tool)
}

/// The one set found under `testdata/layouts/<tool>`.
fn set_of(tool: &str) -> MigrationSet {
    let d = discover(&[layout(tool)], &|_| false);
    assert!(d.missing.is_empty(), "{:?}", d.missing);
    assert_eq!(d.sets.len(), 1, "{tool}: {:#?}", d.sets);
    d.sets.into_iter().next().unwrap()
}

/// Paths of the set's files relative to the set directory, in set order, with their roles.
fn files(set: &MigrationSet) -> Vec<(String, Role)> {
    set.files
        .iter()
        .map(|f| (rel(&set.dir, &f.path), f.role))
        .collect()
}

fn rel(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `(path relative to the layout dir, line, rule)` of every non-additive or input finding of
/// a check (what discovery decides: order, rollbacks, reported files). Locking and hygiene
/// rules have their own fixtures.
fn findings(tool: &str, paths: &[PathBuf]) -> Vec<(String, usize, String)> {
    let report = check(paths, &CheckOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let base = std::fs::canonicalize(layout(tool)).unwrap();
    report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                by_id(f.rule).map(|r| r.meta().category),
                Some(Category::NonAdditive | Category::Input)
            )
        })
        .map(|f| {
            let p = std::fs::canonicalize(&f.file.path).unwrap();
            (rel(&base, &p), f.start().line, f.rule.to_string())
        })
        .collect()
}

fn owned(v: &[(&str, usize, &str)]) -> Vec<(String, usize, String)> {
    v.iter()
        .map(|(p, l, r)| (p.to_string(), *l, r.to_string()))
        .collect()
}

#[test]
fn supabase_set_in_version_order() {
    let set = set_of("supabase");
    assert_eq!(set.tool.id(), "supabase");
    assert_eq!(
        files(&set),
        [
            ("20240101000000_profiles.sql".into(), Role::Up),
            ("20240102000000_drop_bio.sql".into(), Role::Up),
        ]
    );
    assert_eq!(
        findings("supabase", &[layout("supabase")]),
        owned(&[(
            "supabase/migrations/20240102000000_drop_bio.sql",
            1,
            "drop-column"
        )])
    );
}

#[test]
fn prisma_folders_with_migration_lock() {
    let set = set_of("prisma");
    assert_eq!(set.tool.id(), "prisma");
    assert_eq!(
        files(&set),
        [
            ("20240101000000_init/migration.sql".into(), Role::Up),
            (
                "20240102000000_drop_session_data/migration.sql".into(),
                Role::Up
            ),
        ]
    );
    assert_eq!(set.files[1].name, "drop_session_data");
    assert_eq!(
        findings("prisma", &[layout("prisma")]),
        owned(&[(
            "prisma/migrations/20240102000000_drop_session_data/migration.sql",
            2,
            "drop-column"
        )])
    );
}

#[test]
fn sqlx_versions_order_numerically_9_before_10() {
    let set = set_of("sqlx");
    assert_eq!(set.tool.id(), "sqlx");
    assert_eq!(
        files(&set),
        [
            ("9_create_users.sql".into(), Role::Up),
            ("10_drop_users.sql".into(), Role::Up),
            ("11_create_notes.sql".into(), Role::Up),
        ]
    );
    // 10 drops the table 9 created: an existing table by then, so it is reported.
    assert_eq!(
        findings("sqlx", &[layout("sqlx")]),
        owned(&[("migrations/10_drop_users.sql", 1, "drop-table")])
    );
}

#[test]
fn sqlx_reversible_down_files_are_rollbacks() {
    let set = set_of("sqlx-reversible");
    assert_eq!(set.tool.id(), "sqlx");
    assert_eq!(
        files(&set),
        [
            ("20240101000000_tags.up.sql".into(), Role::Up),
            ("20240102000000_tag_color.up.sql".into(), Role::Up),
            ("20240101000000_tags.down.sql".into(), Role::Down),
            ("20240102000000_tag_color.down.sql".into(), Role::Down),
        ]
    );
    // The down files drop a table and a column: rollbacks, never reported.
    assert_eq!(
        findings("sqlx-reversible", &[layout("sqlx-reversible")]),
        []
    );
}

#[test]
fn golang_migrate_up_and_down() {
    let set = set_of("golang-migrate");
    assert_eq!(set.tool.id(), "golang-migrate");
    let roles: Vec<_> = files(&set);
    assert_eq!(roles[0], ("000001_create_accounts.up.sql".into(), Role::Up));
    assert_eq!(roles[1], ("000002_rename_email.up.sql".into(), Role::Up));
    assert!(roles[2..].iter().all(|(_, r)| *r == Role::Down));
    assert_eq!(set.files[0].version.as_deref(), Some("000001"));
    assert_eq!(
        findings("golang-migrate", &[layout("golang-migrate")]),
        owned(&[(
            "db/migrations/000002_rename_email.up.sql",
            1,
            "rename-column"
        )])
    );
}

#[test]
fn diesel_folders_with_up_and_down() {
    let set = set_of("diesel");
    assert_eq!(set.tool.id(), "diesel");
    assert_eq!(
        files(&set),
        [
            (
                "00000000000000_diesel_initial_setup/up.sql".into(),
                Role::Up
            ),
            ("2024-01-01-000000_create_posts/up.sql".into(), Role::Up),
            ("2024-01-02-000000_drop_drafts/up.sql".into(), Role::Up),
            (
                "00000000000000_diesel_initial_setup/down.sql".into(),
                Role::Down
            ),
            ("2024-01-01-000000_create_posts/down.sql".into(), Role::Down),
            ("2024-01-02-000000_drop_drafts/down.sql".into(), Role::Down),
        ]
    );
    assert_eq!(
        findings("diesel", &[layout("diesel")]),
        owned(&[(
            "migrations/2024-01-02-000000_drop_drafts/up.sql",
            1,
            "drop-table"
        )])
    );
}

#[test]
fn flyway_versioned_repeatable_and_undo() {
    let set = set_of("flyway");
    assert_eq!(set.tool.id(), "flyway");
    assert_eq!(
        files(&set),
        [
            ("V1__create_ledger.sql".into(), Role::Up),
            ("V1.1__add_amount.sql".into(), Role::Up),
            ("V2__drop_memo.sql".into(), Role::Up),
            ("R__ledger_view.sql".into(), Role::Repeatable),
            ("U2__drop_memo.sql".into(), Role::Down),
        ]
    );
    assert_eq!(set.files[1].version.as_deref(), Some("1.1"));
    // U2 drops a table: an undo file, never reported.
    assert_eq!(
        findings("flyway", &[layout("flyway")]),
        owned(&[(
            "src/main/resources/db/migration/V2__drop_memo.sql",
            1,
            "drop-column"
        )])
    );
}

#[test]
fn dbmate_down_sections_are_rollbacks() {
    let set = set_of("dbmate");
    assert_eq!(set.tool.id(), "dbmate");
    assert_eq!(
        files(&set),
        [
            ("20240101000000_create_events.sql".into(), Role::Up),
            ("20240102000000_truncate_events.sql".into(), Role::Up),
        ]
    );
    // Both files drop a table under `-- migrate:down`: not reported.
    assert_eq!(
        findings("dbmate", &[layout("dbmate")]),
        owned(&[(
            "db/migrations/20240102000000_truncate_events.sql",
            2,
            "truncate-table"
        )])
    );
}

#[test]
fn drizzle_breakpoints_and_journal() {
    let set = set_of("drizzle");
    assert_eq!(set.tool.id(), "drizzle");
    assert_eq!(
        files(&set),
        [
            ("0000_init.sql".into(), Role::Up),
            ("0001_drop_pets.sql".into(), Role::Up),
        ]
    );
    // Two statements on lines 1 and 2, separated by a breakpoint right after the `;`.
    assert_eq!(
        findings("drizzle", &[layout("drizzle")]),
        owned(&[
            ("drizzle/0001_drop_pets.sql", 1, "drop-column"),
            ("drizzle/0001_drop_pets.sql", 2, "drop-table"),
        ])
    );
}

#[test]
fn naming_one_file_reports_it_with_its_set_as_context() {
    // The drop of a table an earlier file created is reported.
    let later = layout("sqlx").join("migrations/10_drop_users.sql");
    let report = check(std::slice::from_ref(&later), &CheckOptions::default());
    assert_eq!(report.files, 1);
    assert_eq!(
        findings("sqlx", &[later]),
        owned(&[("migrations/10_drop_users.sql", 1, "drop-table")])
    );

    // Naming the earlier file reports nothing: the later drop is context only.
    let earlier = layout("sqlx").join("migrations/9_create_users.sql");
    let report = check(std::slice::from_ref(&earlier), &CheckOptions::default());
    assert_eq!(report.files, 1);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn naming_a_prisma_migration_loads_the_folder_set() {
    let named =
        layout("prisma").join("prisma/migrations/20240102000000_drop_session_data/migration.sql");
    let d = discover(std::slice::from_ref(&named), &|_| false);
    assert_eq!(d.sets.len(), 1);
    let set = &d.sets[0];
    assert_eq!(set.tool.id(), "prisma");
    let reported: Vec<_> = set
        .files
        .iter()
        .map(|f| (rel(&set.dir, &f.path), f.reported))
        .collect();
    assert_eq!(
        reported,
        [
            ("20240101000000_init/migration.sql".to_string(), false),
            (
                "20240102000000_drop_session_data/migration.sql".to_string(),
                true
            ),
        ]
    );
    assert_eq!(
        findings("prisma", &[named]),
        owned(&[(
            "prisma/migrations/20240102000000_drop_session_data/migration.sql",
            2,
            "drop-column"
        )])
    );
}

#[test]
fn naming_a_down_file_reports_nothing_for_its_drops() {
    let named = layout("golang-migrate").join("db/migrations/000001_create_accounts.down.sql");
    let report = check(std::slice::from_ref(&named), &CheckOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.files, 1);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

// Symbolic links and files that are not regular (issue 31, items 6 and 15). The fixtures are
// built in temporary folders: a repository (`.git` marks its root, so the default scope
// applies) and, for links that point outside it, a second folder.

#[cfg(unix)]
mod links {
    use super::*;
    use migcheck_core::discover::Discovery;
    use migcheck_core::scope::SkipReason;
    use std::os::unix::fs::symlink;

    const CREATE: &str = "create table public.visits (id bigint primary key);\n";
    const ALTER: &str = "alter table public.visits add column note text;\n";

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::create_dir_all(dir.path().join("supabase/migrations")).unwrap();
        dir
    }

    /// Discovery of `root`, on another thread: a run that blocks (a FIFO opened for reading
    /// waits for a writer) fails the test instead of hanging it.
    fn discover_at(root: &Path) -> Discovery {
        let root = root.to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(discover(
                &[root],
                &migcheck_core::deploy_files::is_deploy_file,
            ));
        });
        rx.recv_timeout(std::time::Duration::from_secs(120))
            .expect("discovery returns (it blocked on a file)")
    }

    /// `(set dir, tool, files)` relative to `root`.
    fn sets(d: &Discovery, root: &Path) -> Vec<(String, &'static str, Vec<String>)> {
        d.sets
            .iter()
            .map(|s| {
                (
                    rel(root, &s.dir),
                    s.tool.id(),
                    s.files.iter().map(|f| rel(root, &f.path)).collect(),
                )
            })
            .collect()
    }

    /// supabase/cli `pkg/migration/list.go` `ListLocalMigrations` keeps every entry of
    /// `supabase/migrations` whose name matches, whatever its type, and opens it by that path:
    /// a symlinked migration is applied, so it is checked, under the link's path.
    #[test]
    fn symlinked_migration_files_are_walked_and_reported_under_the_link() {
        let repo = repo();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("shared.sql"), ALTER).unwrap();
        let m = repo.path().join("supabase/migrations");
        std::fs::write(m.join("20240101000000_visits.sql"), CREATE).unwrap();
        symlink(
            outside.path().join("shared.sql"),
            m.join("20240102000000_note.sql"),
        )
        .unwrap();
        let d = discover_at(repo.path());
        assert!(d.missing.is_empty(), "{:?}", d.missing);
        assert_eq!(
            sets(&d, repo.path()),
            [(
                "supabase/migrations".to_string(),
                "supabase",
                vec![
                    "supabase/migrations/20240101000000_visits.sql".to_string(),
                    "supabase/migrations/20240102000000_note.sql".to_string(),
                ]
            )]
        );
    }

    #[test]
    fn a_symlinked_migrations_folder_outside_the_repository_is_walked() {
        let repo = repo();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("20240101000000_visits.sql"), CREATE).unwrap();
        let m = repo.path().join("supabase/migrations");
        std::fs::remove_dir(&m).unwrap();
        symlink(outside.path(), &m).unwrap();
        // Something else to check beside it: the link must not be the only thing walked.
        std::fs::write(repo.path().join("fly.toml"), "app = \"x\"\n").unwrap();
        let d = discover_at(repo.path());
        assert!(d.missing.is_empty(), "{:?}", d.missing);
        assert_eq!(
            sets(&d, repo.path()),
            [(
                "supabase/migrations".to_string(),
                "supabase",
                vec!["supabase/migrations/20240101000000_visits.sql".to_string()]
            )]
        );
    }

    /// The repository's `migcheck.toml` governs a migrations folder linked from outside it,
    /// and findings name the link's path.
    #[test]
    fn a_linked_folder_outside_the_repository_keeps_the_repository_config() {
        let repo = repo();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("20240101000000_drop.sql"),
            "drop table public.visits;\n",
        )
        .unwrap();
        let m = repo.path().join("supabase/migrations");
        std::fs::remove_dir(&m).unwrap();
        symlink(outside.path(), &m).unwrap();
        std::fs::write(
            repo.path().join("migcheck.toml"),
            "[rules]\ndrop-table = \"off\"\n",
        )
        .unwrap();
        let report = check(std::slice::from_ref(&m), &CheckOptions::default());
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
        assert!(!rules.contains(&"drop-table"), "{rules:?}");
        std::fs::remove_file(repo.path().join("migcheck.toml")).unwrap();
        let report = check(std::slice::from_ref(&m), &CheckOptions::default());
        let drop: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule == "drop-table")
            .map(|f| f.file.path.clone())
            .collect();
        assert_eq!(drop, [m.join("20240101000000_drop.sql")]);
    }

    #[test]
    fn a_symlink_loop_neither_hangs_nor_duplicates() {
        let repo = repo();
        let m = repo.path().join("supabase/migrations");
        std::fs::write(m.join("20240101000000_visits.sql"), CREATE).unwrap();
        symlink("..", m.join("up")).unwrap();
        symlink("../..", repo.path().join("supabase/again")).unwrap();
        let d = discover_at(repo.path());
        assert!(d.missing.is_empty(), "{:?}", d.missing);
        assert_eq!(
            sets(&d, repo.path()),
            [(
                "supabase/migrations".to_string(),
                "supabase",
                vec!["supabase/migrations/20240101000000_visits.sql".to_string()]
            )]
        );
    }

    /// A folder reached twice (itself, and through a link to it) is linted once: where the
    /// tool applies it.
    #[test]
    fn a_folder_and_a_link_to_it_are_linted_once_where_the_tool_reads_it() {
        let repo = repo();
        let db = repo.path().join("db/migrations");
        std::fs::create_dir_all(&db).unwrap();
        std::fs::write(db.join("20240101000000_visits.sql"), CREATE).unwrap();
        let m = repo.path().join("supabase/migrations");
        std::fs::remove_dir(&m).unwrap();
        symlink("../db/migrations", &m).unwrap();
        let d = discover_at(repo.path());
        assert_eq!(
            sets(&d, repo.path()),
            [(
                "supabase/migrations".to_string(),
                "supabase",
                vec!["supabase/migrations/20240101000000_visits.sql".to_string()]
            )]
        );
        let alias: Vec<_> = d
            .skipped
            .iter()
            .filter(|k| k.reason == SkipReason::Alias)
            .map(|k| (rel(repo.path(), &k.path), k.detail.clone()))
            .collect();
        assert_eq!(alias.len(), 1, "{alias:?}");
        assert_eq!(alias[0].0, "db/migrations");
    }

    /// A FIFO named like a file migcheck reads while discovering (project markers, a tool's
    /// config, a deployment file, a migration) is never opened: discovery returns, the FIFO
    /// migration and deployment file are noted, the real migration is checked.
    #[test]
    fn fifos_named_like_files_migcheck_reads_never_block() {
        let repo = repo();
        let m = repo.path().join("supabase/migrations");
        std::fs::write(m.join("20240101000000_visits.sql"), CREATE).unwrap();
        // A plain folder: telling its tool reads `Cargo.toml` (sqlx), which blocked before.
        std::fs::create_dir(repo.path().join("migrations")).unwrap();
        std::fs::write(repo.path().join("migrations/20240101000000_x.sql"), CREATE).unwrap();
        let diesel = repo.path().join("diesel");
        std::fs::create_dir_all(diesel.join("2024-01-01-000000_x")).unwrap();
        std::fs::write(diesel.join("2024-01-01-000000_x/up.sql"), CREATE).unwrap();
        let fifos = [
            repo.path().join("Cargo.toml"),
            repo.path().join("package.json"),
            repo.path().join("fly.toml"),
            repo.path().join("migcheck.toml"),
            repo.path().join("supabase/config.toml"),
            diesel.join("metadata.toml"),
            m.join("20240102000000_fifo.sql"),
        ];
        for f in &fifos {
            migcheck_core::fsio::mkfifo(f);
        }
        let d = discover_at(repo.path());
        assert!(d.missing.is_empty(), "{:?}", d.missing);
        let found: Vec<String> = d
            .sets
            .iter()
            .flat_map(|s| s.files.iter().map(|f| rel(repo.path(), &f.path)))
            .collect();
        assert!(
            found.contains(&"supabase/migrations/20240101000000_visits.sql".to_string()),
            "{found:?}"
        );
        assert!(!found.iter().any(|f| f.contains("fifo")), "{found:?}");
        let noted: Vec<String> = d
            .skipped
            .iter()
            .filter(|k| k.reason == SkipReason::NotRegular)
            .map(|k| rel(repo.path(), &k.path))
            .collect();
        assert!(
            noted.contains(&"supabase/migrations/20240102000000_fifo.sql".to_string())
                && noted.contains(&"fly.toml".to_string()),
            "{noted:?}"
        );
        // The whole check too: nothing is read from a FIFO, nothing blocks.
        let root = repo.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(check(&[root], &CheckOptions::default()).files);
        });
        let files = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("the check returns");
        assert!(files >= 1);
    }
}
