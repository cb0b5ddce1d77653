//! Each migration tool and platform, modelled from the tool's source (issue 10 §1–3).
//!
//! One fixture project per behaviour under `testdata/tools/`; each test names the tool's file
//! or function it follows and snapshots what a user sees (`migcheck check`'s human output).

use std::path::{Path, PathBuf};

use migcheck_core::discover::{discover, MigrationSet, Role};
use migcheck_core::expect;
use migcheck_core::lint::{check, CheckOptions};
use migcheck_core::render::{human, RenderOptions};

/// Relative to the crate directory (the tests' working directory), so that paths in the
/// snapshots do not depend on where the repository is.
fn fixture(name: &str) -> PathBuf {
    Path::new("../../testdata/tools").join(name)
}

fn sets(name: &str) -> Vec<MigrationSet> {
    let d = discover(&[fixture(name)], &|_| false);
    assert!(d.missing.is_empty(), "{:?}", d.missing);
    d.sets
}

fn only_set(name: &str) -> MigrationSet {
    let mut s = sets(name);
    assert_eq!(s.len(), 1, "{name}: {s:#?}");
    s.remove(0)
}

/// `file name (folder/file for folder layouts): role` in the set's order.
fn order(set: &MigrationSet) -> Vec<String> {
    set.files
        .iter()
        .map(|f| {
            let p = f.path.strip_prefix(&set.dir).unwrap_or(&f.path);
            format!("{}: {:?}", p.to_string_lossy().replace('\\', "/"), f.role)
        })
        .collect()
}

/// What `migcheck check <fixture>` prints, and the rules of its findings.
fn checked(name: &str) -> (String, Vec<&'static str>) {
    let report = check(&[fixture(name)], &CheckOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let rules = report.findings.iter().map(|f| f.rule).collect();
    (human::render(&report, RenderOptions::default()), rules)
}

/// supabase/cli `pkg/migration/list.go` `ListLocalMigrations` applies the files in the order
/// `fs.ReadDir` returns them (file name, byte by byte): `20240101000000_create.sql` before
/// `20240101_alter.sql`, since `0` sorts before `_`.
#[test]
fn supabase_applies_files_in_file_name_order() {
    let set = only_set("supabase-order");
    assert_eq!(set.tool.id(), "supabase");
    assert_eq!(
        order(&set),
        ["20240101000000_create.sql: Up", "20240101_alter.sql: Up"]
    );
    // The table is expected (verify of an empty database fails), with the later column.
    let (exp, errors) = expect::from_paths(&[fixture("supabase-order")], None);
    assert!(errors.is_empty(), "{errors:?}");
    let a = exp
        .tables
        .iter()
        .find(|t| t.name == "a")
        .expect("public.a is expected");
    assert_eq!(a.columns, ["id", "note"]);
    assert!(a.rls_required);
    let (out, _) = checked("supabase-order");
    insta::assert_snapshot!(out);
}

/// drizzle-orm `src/migrator.ts` `readMigrationFiles`: exactly the journal's entries, in
/// journal order; a file the journal does not list is never applied.
#[test]
fn drizzle_applies_only_what_its_journal_lists() {
    let set = only_set("drizzle-unlisted");
    assert_eq!(set.tool.id(), "drizzle");
    assert_eq!(
        order(&set),
        [
            "0000_init.sql: Up",
            "0001_add_email.sql: Up",
            "0001_scratch.sql: Unapplied"
        ]
    );
    let (out, rules) = checked("drizzle-unlisted");
    // Reported as never applied; its DROP TABLE is not linted, and its version 0001 is not a
    // duplicate of the journal's 0001.
    assert!(rules.contains(&"unapplied-migration-file"), "{out}");
    assert!(
        !rules.contains(&"drop-table") && !rules.contains(&"duplicate-migration-version"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// Numbered files that no tool records (no journal, no history, no tool in the project): a
/// plain set, applied in file-name order, that nothing wraps in a transaction, so
/// `CREATE INDEX CONCURRENTLY` is fine there.
#[test]
fn plain_numbered_files_are_plain_and_not_wrapped() {
    let set = only_set("plain-numbered");
    assert_eq!(set.tool.id(), "plain");
    assert!(set.ordered, "numbered plain files are one ordered set");
    assert_eq!(
        order(&set),
        ["001_orders.sql: Up", "002_orders_status.sql: Up"]
    );
    let (out, rules) = checked("plain-numbered");
    assert!(!rules.contains(&"concurrently-in-transaction"), "{out}");
    // The table exists before 002, so the index without a lock timeout is still reported,
    // and the message claims no tool.
    assert!(
        !out.contains("sqlx") && !out.contains("transaction block"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// pressly/goose `internal/sqlparser/parser.go`: `-- +goose Down` starts the rollback
/// section, `-- +goose NO TRANSACTION` runs the file outside a transaction; versions are
/// ordered as numbers.
#[test]
fn goose_sections_and_no_transaction() {
    let set = only_set("goose");
    assert_eq!(set.tool.id(), "goose");
    assert_eq!(
        order(&set),
        [
            "00001_create_events.sql: Up",
            "00002_events_kind.sql: Up",
            "00003_events_id.sql: Up"
        ]
    );
    let (out, rules) = checked("goose");
    // 00002 runs in goose's transaction: the CONCURRENTLY fails there, and the message names
    // goose and its directive. 00003 says NO TRANSACTION. The Down sections' drops are never
    // reported.
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "concurrently-in-transaction")
            .count(),
        1,
        "{out}"
    );
    assert!(out.contains("-- +goose NO TRANSACTION"), "{out}");
    assert!(
        !rules.contains(&"drop-table") && !rules.contains(&"drop-object"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// ThomWright/postgres-migrations `src/run-migration.ts` `runMigration`: a transaction per
/// file unless it contains `-- postgres-migrations disable-transaction`; the tool is known
/// from `package.json`.
#[test]
fn postgres_migrations_disable_transaction() {
    let set = only_set("postgres-migrations");
    assert_eq!(set.tool.id(), "postgres-migrations");
    let (out, rules) = checked("postgres-migrations");
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "concurrently-in-transaction")
            .count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("postgres-migrations runs each migration in a transaction"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// amacneil/dbmate `pkg/dbmate/migration.go` `parseMigrationOptions`: `-- migrate:up
/// transaction:false`.
#[test]
fn dbmate_transaction_false() {
    let set = only_set("dbmate-no-tx");
    assert_eq!(set.tool.id(), "dbmate");
    let (out, rules) = checked("dbmate-no-tx");
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "concurrently-in-transaction")
            .count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("20240102000000_jobs_state.sql")
            && !out.contains("20240103000000_jobs_id_state.sql:2"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// diesel `diesel_migrations/src/file_based_migrations.rs`: `metadata.toml`
/// `run_in_transaction = false`; migrations sorted by version.
#[test]
fn diesel_run_in_transaction_false() {
    let set = only_set("diesel-no-tx");
    assert_eq!(set.tool.id(), "diesel");
    let (out, rules) = checked("diesel-no-tx");
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "concurrently-in-transaction")
            .count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("2024-01-02-000000_posts_title/up.sql"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// Flyway script configuration (`V3__x.sql.conf`, `executeInTransaction=false`).
#[test]
fn flyway_execute_in_transaction_false() {
    let set = only_set("flyway-no-tx");
    assert_eq!(set.tool.id(), "flyway");
    let (out, rules) = checked("flyway-no-tx");
    // V2 is one statement (no transaction); V3 opts out; V4 mixes it with ANALYZE.
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "concurrently-in-transaction")
            .count(),
        1,
        "{out}"
    );
    assert!(out.contains("V4__carts_owner_id.sql"), "{out}");
    insta::assert_snapshot!(out);
}

/// supabase/cli `pkg/config/config.go` `[api] schemas`: only the schemas the Data API serves
/// need RLS.
#[test]
fn supabase_config_api_schemas_decide_what_is_exposed() {
    let set = only_set("supabase-api-schemas");
    assert!(set.platform.is_supabase());
    assert_eq!(set.platform.default_exposed_schemas(), ["api"]);
    let (out, rules) = checked("supabase-api-schemas");
    assert_eq!(rules, ["missing-rls"], "{out}");
    assert!(
        out.contains("Table `api.profiles`") && !out.contains("Table `public.audit_log`"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// Prisma on a database of its own: no Data API, so no RLS findings by default.
#[test]
fn prisma_alone_gets_no_rls_findings() {
    let set = only_set("prisma-alone");
    assert_eq!(set.tool.id(), "prisma");
    assert!(!set.platform.is_supabase());
    let (out, rules) = checked("prisma-alone");
    assert!(rules.is_empty(), "{out}");
}

/// A Prisma set inside a Supabase project shares the database the Data API serves.
#[test]
fn prisma_inside_a_supabase_project_is_judged_as_exposed() {
    let set = only_set("prisma-in-supabase");
    assert_eq!(set.tool.id(), "prisma");
    assert!(set.platform.is_supabase());
    let (out, rules) = checked("prisma-in-supabase");
    assert_eq!(rules, ["missing-rls"], "{out}");
    insta::assert_snapshot!(out);
}

/// A Prisma set on a hosted Supabase database has no `supabase/` folder (its URL is in `.env`),
/// but its own migrations enable row level security and create a policy for `authenticated`:
/// clients reach `public`, so a table it forgets (`"AuditEntry"`) or whose RLS it enabled under
/// another name (the unquoted `Card` for `"Card"`) is reported, and the scope says why.
#[test]
fn prisma_set_showing_client_access_is_judged_as_exposed() {
    let (out, rules) = checked("prisma-hosted-supabase");
    // Plus a `lock-timeout-missing` warning: `ALTER TABLE Card` names a table the set did not
    // create, so the model takes it for an existing one.
    assert_eq!(
        rules.iter().filter(|r| **r == "missing-rls").count(),
        2,
        "{out}"
    );
    assert!(out.contains("AuditEntry") && out.contains("Card"), "{out}");
    insta::assert_snapshot!(out);
    let mut configs = migcheck_core::lint::ConfigCache::new(None);
    let (loaded, _) = migcheck_core::lint::load(
        &[fixture("prisma-hosted-supabase")],
        &mut configs,
        &mut Vec::new(),
    );
    let platform = &loaded[0].set.platform;
    assert!(!platform.is_supabase());
    assert_eq!(platform.default_exposed_schemas(), ["public"]);
    let why = platform.why();
    assert!(
        why.contains(
            "20240101000000_init/migration.sql:16` enables row level security on `\"Board\"`"
        ),
        "{why}"
    );
    assert_eq!(loaded[0].config.exposed_schemas, ["public"]);
}

/// Unapplied files never count as migrations of the set.
#[test]
fn unapplied_files_are_not_replayed() {
    let set = only_set("drizzle-unlisted");
    let unapplied: Vec<_> = set
        .files
        .iter()
        .filter(|f| f.role == Role::Unapplied)
        .collect();
    assert_eq!(unapplied.len(), 1);
    let (exp, _) = expect::from_paths(&[fixture("drizzle-unlisted")], None);
    assert!(
        exp.tables.iter().any(|t| t.name == "users"),
        "the unlisted DROP TABLE never runs: {exp:?}"
    );
}

/// pressly/goose `internal/sqlparser/parser.go` `ParseSQLMigration`: the lines between
/// `-- +goose StatementBegin` and `-- +goose StatementEnd` are sent as one statement (the
/// `gooseStatementBeginUp` state never looks at `endsWithSemicolon`), and the block needs no
/// trailing `;`. The rule's two actions stay one statement; the unterminated `ALTER` inside a
/// block ends at `StatementEnd` and is read (its type change reported at its own line), not
/// glued to the `CREATE INDEX` after it.
#[test]
fn goose_statement_blocks_are_one_statement() {
    let set = only_set("goose-statement-block");
    assert_eq!(set.tool.id(), "goose");
    let (out, rules) = checked("goose-statement-block");
    assert!(!rules.contains(&"unparsed-statement"), "{out}");
    assert!(rules.contains(&"column-type-change"), "{out}");
    assert!(
        out.contains("00002_account_log.sql:12:1]"),
        "the type change is reported at the ALTER's own line: {out}"
    );
    insta::assert_snapshot!(out);
}

/// Issue 28 item 10: supabase/auth renders its migrations with Go's `text/template` and
/// `.Options` (`internal/storage`, `{{ index .Options "Namespace" }}`) before they run. Every
/// spelling of the action (bare, inside a quoted name, without spaces, with `{{- -}}` trims,
/// inside an `EXECUTE` string) is read as one stand-in schema name, so the statements parse
/// and their changes are reported by their own rules, as `rules/unparsed-statement.md` says.
#[test]
fn go_templates_with_quoted_arguments_are_read() {
    let (out, rules) = checked("golang-migrate-templates");
    assert!(!rules.contains(&"unparsed-statement"), "{out}");
    for rule in [
        "rename-column",
        "column-type-change",
        "set-not-null",
        "drop-column",
        "require-concurrent-index-drop",
    ] {
        assert!(rules.contains(&rule), "{rule} missing: {out}");
    }
    // One schema, whatever the spelling: the table the first file created is the one the
    // second alters (the column facts follow it).
    assert!(
        out.contains("`\"{ index .Options 'Namespace' }\".members`"),
        "{out}"
    );
    assert!(!out.contains("`\"{index"), "{out}");
    assert!(!out.contains("`\"{-"), "{out}");
    // RLS enabled on a table of the templated schema says nothing of clients reaching it:
    // the schema is chosen at deploy time (supabase/auth's is not served by the Data API).
    assert!(out.contains("no schema exposed"), "{out}");
}
