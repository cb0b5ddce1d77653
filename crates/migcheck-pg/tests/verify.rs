//! `verify` against a real throwaway PostgreSQL with the Supabase baseline.

mod common;

use std::time::{Duration, Instant};

use common::TestDb;
use migcheck_core::expect::{Expectations, ExpectedMigration, ExpectedTable};
use migcheck_pg::{
    checks, connect, render_human, render_json, verify, verify_with_config, CheckResult,
    ConnectionConfig, PgError, Status, VerifyOptions, VerifyReport,
};

const SCHEMA: &str = r#"
create table public.todos (
  id bigint generated always as identity primary key,
  user_id uuid references auth.users (id),
  title text not null,
  done boolean default false
);
alter table public.todos enable row level security;
create policy "Users read own todos" on public.todos for select to authenticated
  using (auth.uid() = user_id);
create table public."TileSetting" ("tileId" int primary key, "Value" text);
alter table public."TileSetting" enable row level security;
create policy "Anyone reads tiles" on public."TileSetting" for select using (true);
insert into supabase_migrations.schema_migrations (version, name)
  values ('20240101000000', 'init'), ('20240102000000', 'tiles');
"#;

fn table(
    schema: &str,
    name: &str,
    columns: &[&str],
    rls: bool,
    policies: &[&str],
) -> ExpectedTable {
    ExpectedTable {
        schema: schema.into(),
        name: name.into(),
        columns: columns.iter().map(|s| s.to_string()).collect(),
        rls_required: rls,
        policies: policies.iter().map(|s| s.to_string()).collect(),
        created_in: Some(format!("supabase/migrations/{name}.sql")),
        column_types: Vec::new(),
    }
}

fn migration(version: &str, name: &str) -> ExpectedMigration {
    ExpectedMigration {
        tool: "supabase",
        version: version.into(),
        name: name.into(),
    }
}

fn expectations() -> Expectations {
    Expectations {
        tables: vec![
            table(
                "public",
                "todos",
                &["id", "user_id", "title", "done"],
                true,
                &["Users read own todos"],
            ),
            table(
                "public",
                "TileSetting",
                &["tileId", "Value"],
                true,
                &["Anyone reads tiles"],
            ),
        ],
        migrations: vec![
            migration("20240101000000", "init"),
            migration("20240102000000", "tiles"),
        ],
        exposed_schemas: vec!["public".into()],
        allow_without_rls: vec![],
        ..Expectations::default()
    }
}

async fn run(db: &TestDb, exp: &Expectations, opts: &VerifyOptions) -> VerifyReport {
    verify_with_config(&db.config(), exp, opts)
        .await
        .expect("verify runs")
}

fn find<'a>(r: &'a VerifyReport, check: &str, object: &str) -> &'a CheckResult {
    r.checks
        .iter()
        .find(|c| c.check == check && c.object == object)
        .unwrap_or_else(|| panic!("no {check} check on {object}:\n{}", render_human(r)))
}

fn not_ok(r: &VerifyReport) -> Vec<String> {
    r.checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| format!("{} {} {}", c.check, c.object, c.message))
        .collect()
}

#[tokio::test]
async fn everything_in_place_passes() {
    let db = TestDb::new("all_pass").await;
    db.exec(SCHEMA).await;
    let r = run(&db, &expectations(), &VerifyOptions::default()).await;
    assert!(r.ok(), "{}", render_human(&r));
    assert!(not_ok(&r).is_empty(), "{:?}", not_ok(&r));
    // 2 tables (exists, columns, rls, policy, has-policy) + 2 migrations.
    assert_eq!(r.checks.len(), 2 * (1 + 1 + 1 + 1) + 4 + 2 + 2);
    assert_eq!(r.round_trips, 2);
    assert!(!r.database.contains(db.server.password()));
    // Mixed-case names are matched exactly and shown quoted.
    assert_eq!(
        find(
            &r,
            checks::COLUMN_EXISTS,
            "public.\"TileSetting\".\"tileId\""
        )
        .status,
        Status::Pass
    );
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
        insta::assert_snapshot!("all_pass_human", render_human(&r));
        insta::assert_snapshot!("all_pass_json", render_json(&r));
    });
}

#[tokio::test]
async fn a_missing_table_fails_once() {
    let db = TestDb::new("table_missing").await;
    db.exec(SCHEMA).await;
    let mut exp = expectations();
    exp.tables.push(table(
        "public",
        "profiles",
        &["id", "username"],
        true,
        &["Public profiles"],
    ));
    // Exact names: the unquoted spelling of a mixed-case table is another table.
    exp.tables
        .push(table("public", "tilesetting", &[], false, &[]));
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    assert!(!r.ok());
    let on_profiles: Vec<&CheckResult> = r
        .checks
        .iter()
        .filter(|c| c.table.as_deref() == Some("public.profiles"))
        .collect();
    assert_eq!(on_profiles.len(), 1, "{}", render_human(&r));
    let c = on_profiles[0];
    assert_eq!((c.check, c.status), (checks::TABLE_EXISTS, Status::Fail));
    assert_eq!(
        c.message,
        "table is missing (created in supabase/migrations/profiles.sql); its column, RLS and policy checks are skipped"
    );
    assert_eq!(
        find(&r, checks::TABLE_EXISTS, "public.tilesetting").status,
        Status::Fail
    );
    // A missing schema is named.
    let mut exp = expectations();
    exp.tables = vec![table("billing", "invoices", &[], false, &[])];
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    assert!(find(&r, checks::TABLE_EXISTS, "billing.invoices")
        .message
        .contains("schema billing does not exist"));
}

#[tokio::test]
async fn rls_off_fails_and_missing_policy_fails() {
    let db = TestDb::new("rls_off").await;
    db.exec(SCHEMA).await;
    db.exec(
        "alter table public.todos disable row level security; \
         drop policy \"Anyone reads tiles\" on public.\"TileSetting\"; \
         create view public.todo_view as select * from public.todos;",
    )
    .await;
    let mut exp = expectations();
    exp.tables
        .push(table("public", "todo_view", &[], false, &[]));
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    assert!(!r.ok());
    let rls = find(&r, checks::RLS_ENABLED, "public.todos");
    assert_eq!(rls.status, Status::Fail);
    assert!(rls.message.starts_with("row level security is off"));
    // RLS off: no "has a policy" check for it.
    assert!(!r
        .checks
        .iter()
        .any(|c| c.check == checks::RLS_HAS_POLICY && c.object == "public.todos"));
    let pol = find(
        &r,
        checks::POLICY_EXISTS,
        "public.\"TileSetting\" policy \"Anyone reads tiles\"",
    );
    assert_eq!(
        (pol.status, pol.message.as_str()),
        (Status::Fail, "policy is missing")
    );
    let lonely = find(&r, checks::RLS_HAS_POLICY, "public.\"TileSetting\"");
    assert_eq!(lonely.status, Status::Warn);
    assert!(lonely.message.contains("nobody but the owner"));
    let view = find(&r, checks::TABLE_EXISTS, "public.todo_view");
    assert_eq!(view.status, Status::Fail);
    assert!(view.message.contains("is a view"), "{}", view.message);
}

#[tokio::test]
async fn migration_history() {
    let db = TestDb::new("history").await;
    db.exec(SCHEMA).await;
    let mut exp = expectations();
    exp.migrations.push(migration("20240103000000", "by_hand"));
    exp.migrations.push(ExpectedMigration {
        tool: "prisma",
        version: "20240101_init".into(),
        name: "20240101_init".into(),
    });
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    assert!(r.ok(), "warnings only");
    let hand = find(&r, checks::MIGRATION_RECORDED, "20240103000000_by_hand");
    assert_eq!(hand.status, Status::Warn);
    assert!(hand.message.contains("SQL editor"), "{}", hand.message);
    // No _prisma_migrations table: a single warning.
    let prisma: Vec<&CheckResult> = r
        .checks
        .iter()
        .filter(|c| c.object == "public._prisma_migrations")
        .collect();
    assert_eq!(prisma.len(), 1);
    assert!(prisma[0].message.contains("does not exist"));

    // Prisma: only finished, not rolled back migrations count.
    db.exec(
        "create table public._prisma_migrations (id text primary key, migration_name text not null, \
           finished_at timestamptz, rolled_back_at timestamptz, started_at timestamptz not null default now()); \
         insert into public._prisma_migrations values \
           ('a', '20240101_init', now(), null), ('b', '20240102_half', null, null), \
           ('c', '20240103_undone', now(), now());",
    )
    .await;
    let mut exp = expectations();
    exp.migrations = ["20240101_init", "20240102_half", "20240103_undone"]
        .iter()
        .map(|v| ExpectedMigration {
            tool: "prisma",
            version: v.to_string(),
            name: v.to_string(),
        })
        .collect();
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    let statuses: Vec<Status> = r
        .checks
        .iter()
        .filter(|c| c.check == checks::MIGRATION_RECORDED)
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, vec![Status::Pass, Status::Warn, Status::Warn]);
}

#[tokio::test]
async fn all_audits_the_exposed_schemas() {
    let db = TestDb::new("audit").await;
    db.exec(SCHEMA).await;
    db.exec(
        "create table public.scratch (id int); \
         create table public.countries (code text primary key); \
         create table public.half_done (id int); \
         create policy \"Read\" on public.half_done for select using (true); \
         create schema private; create table private.secrets (id int);",
    )
    .await;
    let mut exp = expectations();
    exp.allow_without_rls = vec!["public.countries".into()];
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    assert!(r.ok(), "without --all only the expectations count");
    let opts = VerifyOptions {
        all: true,
        ..VerifyOptions::default()
    };
    let r = run(&db, &exp, &opts).await;
    assert!(!r.ok());
    assert_eq!(
        find(&r, checks::RLS_ENABLED, "public.scratch").status,
        Status::Fail
    );
    assert_eq!(
        find(&r, checks::RLS_ENABLED, "public.countries").status,
        Status::Pass
    );
    assert_eq!(
        find(&r, checks::POLICY_WITHOUT_RLS, "public.half_done").status,
        Status::Warn
    );
    assert!(!r.checks.iter().any(|c| c.object.contains("secrets")));
    // Supabase's own storage tables are not in the exposed schemas.
    assert!(!r.checks.iter().any(|c| c.object.starts_with("storage.")));
    assert_eq!(r.round_trips, 2);
}

#[tokio::test]
async fn extra_tables_are_required() {
    let db = TestDb::new("extra").await;
    db.exec(SCHEMA).await;
    let opts = VerifyOptions {
        extra_tables: vec![
            ("public".into(), "todos".into()),
            ("public".into(), "nope".into()),
        ],
        ..VerifyOptions::default()
    };
    let r = run(&db, &expectations(), &opts).await;
    assert_eq!(
        find(&r, checks::TABLE_EXISTS, "public.nope").status,
        Status::Fail
    );
    assert_eq!(
        r.checks
            .iter()
            .filter(|c| c.check == checks::TABLE_EXISTS && c.object == "public.todos")
            .count(),
        1
    );
}

#[tokio::test]
async fn wrong_password_is_a_clear_error_without_the_password() {
    let db = TestDb::new("wrong_pw").await;
    let secret = "Wr0ng-S3cret-Passw0rd";
    let cfg = db.config().with_user("postgres", Some(secret));
    let e = verify_with_config(&cfg, &expectations(), &VerifyOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, PgError::AuthenticationFailed { .. }), "{e:?}");
    // In words naming host and port and what to check (issue 29 item 5).
    assert_eq!(
        e.to_string(),
        format!(
            "authentication failed for user postgres at {} (check the user name and the password: PGPASSWORD, the password file ~/.pgpass or PGPASSFILE, or the URL)",
            cfg.address()
        )
    );
    for shown in [
        e.to_string(),
        format!("{e:?}"),
        format!("{cfg:?}"),
        cfg.display(),
    ] {
        assert!(!shown.contains(secret), "{shown}");
        assert!(!shown.contains(db.server.password()), "{shown}");
    }
    // An unknown role is reported the same way by the server (no user enumeration).
    let e = connect(&db.config().with_user("ghost", Some(secret)))
        .await
        .unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "authentication failed for user ghost at {} (",
            cfg.address()
        )),
        "{e}"
    );
    // Unknown database.
    let e = connect(&db.config().with_dbname("no_such_db"))
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "database no_such_db does not exist at {} (check the database name in the URL or PGDATABASE)",
            cfg.address()
        )
    );
}

#[tokio::test]
async fn unreachable_servers_fail_fast_and_clearly() {
    // Nothing listens on a port we just released: refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cfg = ConnectionConfig::from_url(&format!(
        "postgres://u:hunter2secret@127.0.0.1:{port}/db?sslmode=disable"
    ))
    .unwrap();
    // Refused at once: the error is `ConnectionRefused`, not a timeout, which is what "fast"
    // means here; the clock only bounds "for ever" (issue 26: no test asserts on speed).
    let t = Instant::now();
    let blocking_cfg = cfg.clone();
    let e = std::thread::spawn(move || {
        migcheck_pg::verify_blocking(
            &blocking_cfg,
            &Expectations::default(),
            &VerifyOptions::default(),
        )
    })
    .join()
    .unwrap()
    .unwrap_err();
    assert!(
        t.elapsed() < common::WELL_BEFORE_FOR_EVER,
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        e.to_string(),
        format!("connection refused at 127.0.0.1:{port} (is the server running?)")
    );
    // Something accepts TCP but never speaks: the connect timeout applies.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cfg = ConnectionConfig::from_url(&format!(
        "postgres://u:hunter2secret@127.0.0.1:{}/db?sslmode=disable",
        silent.local_addr().unwrap().port()
    ))
    .unwrap();
    cfg.set_connect_timeout(Duration::from_secs(1));
    // The 1 s connect timeout ends it (`Timeout { secs: 1 }`); `ends` bounds "for ever".
    let e = common::ends("a connection to a silent listener", connect(&cfg))
        .await
        .unwrap_err();
    assert!(matches!(e, PgError::Timeout { secs: 1, .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("hunter2secret"));
    // A unix socket directory without a server.
    let dir = tempfile::tempdir().unwrap();
    let cfg = ConnectionConfig::from_url(&format!(
        "postgres://u@/db?host={}&port=5999",
        dir.path().display()
    ))
    .unwrap();
    let e = connect(&cfg).await.unwrap_err();
    assert!(matches!(e, PgError::NoSocket { .. }), "{e:?}");
    // A host name that does not resolve.
    let mut cfg = ConnectionConfig::from_url("postgres://u@no-such-host.invalid/db").unwrap();
    cfg.set_connect_timeout(Duration::from_secs(5));
    let e = connect(&cfg).await.unwrap_err();
    assert!(
        matches!(
            e,
            PgError::CannotResolveHost { .. } | PgError::Timeout { .. }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_role_that_cannot_write_verifies_everything() {
    let db = TestDb::new("readonly").await;
    db.exec(SCHEMA).await;
    let name = &db.name;
    db.exec(&format!(
        "create role verify_reader login password 'reader-pw-123'; \
         alter role verify_reader set default_transaction_read_only = on; \
         revoke create, temporary on database {name} from public; \
         grant connect on database {name} to verify_reader; \
         grant usage on schema supabase_migrations to verify_reader; \
         grant select on supabase_migrations.schema_migrations to verify_reader;"
    ))
    .await;
    let cfg = db
        .config()
        .with_user("verify_reader", Some("reader-pw-123"));
    let reader = connect(&cfg).await.unwrap();
    // The role can neither write nor create temporary tables.
    for sql in [
        "insert into supabase_migrations.schema_migrations (version) values ('x')",
        "set default_transaction_read_only = off; create temp table t (x int)",
        "set default_transaction_read_only = off; create table public.t (x int)",
    ] {
        assert!(
            reader.batch_execute(sql).await.is_err(),
            "{sql} should fail"
        );
    }
    drop(reader);
    let r = verify_with_config(
        &cfg,
        &expectations(),
        &VerifyOptions {
            all: true,
            ..VerifyOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(r.ok() && not_ok(&r).is_empty(), "{}", render_human(&r));
    assert_eq!(r.round_trips, 2);

    // Without SELECT on the history table: one warning, everything else still checked.
    db.exec("revoke select on supabase_migrations.schema_migrations from verify_reader")
        .await;
    let r = verify_with_config(&cfg, &expectations(), &VerifyOptions::default())
        .await
        .unwrap();
    let warn = find(
        &r,
        checks::MIGRATION_RECORDED,
        "supabase_migrations.schema_migrations",
    );
    assert!(
        warn.message.contains("history not checked: no access"),
        "{}",
        warn.message
    );
    assert!(r.ok());

    // Issue 12 item 2: without USAGE on the schema either (to_regclass would fail with
    // "permission denied for schema"): still a warning, and tables, columns, RLS and
    // policies are still checked from the catalogs (a missing column still fails).
    db.exec("revoke usage on schema supabase_migrations from verify_reader")
        .await;
    let r = verify_with_config(&cfg, &expectations(), &VerifyOptions::default())
        .await
        .unwrap();
    let warn = find(
        &r,
        checks::MIGRATION_RECORDED,
        "supabase_migrations.schema_migrations",
    );
    assert_eq!(warn.status, Status::Warn);
    assert!(
        warn.message.contains("history not checked: no access"),
        "{}",
        warn.message
    );
    assert!(r.ok(), "{}", render_human(&r));
    assert!(r
        .checks
        .iter()
        .any(|c| c.check == checks::RLS_ENABLED && c.status == Status::Pass));
    let mut exp = expectations();
    exp.tables[0].columns.push("not_there".into());
    let r = verify_with_config(&cfg, &exp, &VerifyOptions::default())
        .await
        .unwrap();
    assert_eq!(not_ok(&r).len(), 2, "{}", render_human(&r));
}

async fn fingerprint(db: &TestDb) -> Vec<String> {
    let c = db.client().await;
    let rows = c
        .simple_query(
            "select (select count(*) from pg_class)::text, (select count(*) from pg_namespace)::text, \
                    (select count(*) from pg_proc)::text, (select count(*) from pg_policy)::text, \
                    (select count(*) from pg_authid)::text, \
                    (select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations), \
                    (select count(*) from pg_prepared_xacts)::text",
        )
        .await
        .unwrap();
    match &rows[1] {
        tokio_postgres::SimpleQueryMessage::Row(r) => (0..r.len())
            .map(|i| r.get(i).unwrap_or("").to_string())
            .collect(),
        _ => panic!("no row"),
    }
}

#[tokio::test]
async fn verify_leaves_nothing_behind() {
    let db = TestDb::new("no_trace").await;
    db.exec(SCHEMA).await;
    let before = fingerprint(&db).await;
    let client = db.client().await;
    let opts = VerifyOptions {
        all: true,
        statement_timeout_ms: 1234,
        ..VerifyOptions::default()
    };
    let mut exp = expectations();
    exp.tables
        .push(table("public", "absent", &["a"], true, &["p"]));
    exp.migrations.push(migration("29990101000000", "future"));
    let r = verify(&client, &exp, &opts).await.unwrap();
    assert_eq!(r.round_trips, 2);
    // The session is back to normal: the read-only transaction and SET LOCALs are gone.
    let rows = client
        .simple_query("show transaction_read_only; show statement_timeout; show search_path")
        .await
        .unwrap();
    let values: Vec<String> = rows
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        })
        .collect();
    assert_eq!(values[0], "off");
    assert_eq!(values[1], "0");
    assert!(values[2].contains("public"), "{values:?}");
    drop(client);
    assert_eq!(fingerprint(&db).await, before);
}

#[tokio::test]
async fn hostile_names_are_data_not_sql() {
    let db = TestDb::new("hostile").await;
    db.exec(SCHEMA).await;
    let evil = "x'); drop table public.todos; --";
    let evil2 = "y\\'; drop table public.todos; --";
    let mut exp = expectations();
    exp.tables
        .push(table("public", evil, &[evil2], true, &[evil]));
    exp.tables.push(table(evil2, "t", &[], false, &[]));
    exp.migrations.push(migration(evil, evil2));
    exp.exposed_schemas.push(evil.into());
    let r = run(
        &db,
        &exp,
        &VerifyOptions {
            all: true,
            extra_tables: vec![(evil.into(), evil2.into())],
            ..VerifyOptions::default()
        },
    )
    .await;
    assert_eq!(
        find(&r, checks::TABLE_EXISTS, "public.todos").status,
        Status::Pass
    );
    assert_eq!(
        r.checks
            .iter()
            .filter(|c| c.check == checks::TABLE_EXISTS && c.status == Status::Fail)
            .count(),
        3
    );
    // And the table is still there.
    let r = run(&db, &expectations(), &VerifyOptions::default()).await;
    assert!(r.ok());
}

#[tokio::test]
async fn a_locked_history_table_times_out_instead_of_hanging() {
    let db = TestDb::new("locked").await;
    db.exec(SCHEMA).await;
    let locker = db.client().await;
    locker
        .batch_execute(
            "begin; lock table supabase_migrations.schema_migrations in access exclusive mode",
        )
        .await
        .unwrap();
    let client = db.client().await;
    let opts = VerifyOptions {
        statement_timeout_ms: 300,
        ..VerifyOptions::default()
    };
    // The server's statement_timeout ends the wait on the lock (the error says so); `ends`
    // bounds "for ever" (the lock is never released while verify waits).
    let e = common::ends(
        "verify behind a lock",
        verify(&client, &expectations(), &opts),
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "query timed out (statement_timeout 300 ms) while reading the migration history"
    );
    // The session was rolled back and is usable.
    client.simple_query("select 1").await.unwrap();
    locker.batch_execute("rollback").await.unwrap();
    assert!(verify(&client, &expectations(), &opts).await.unwrap().ok());
}

/// Issue 12 item 5: `--drift` shows, on one page, what was made by hand in the exposed
/// schemas (table, view, column, policy, function) and what the migrations create that the
/// database lacks; extension members and the history table are not drift.
#[tokio::test]
async fn drift_shows_hand_made_objects_and_missing_ones() {
    let db = TestDb::new("drift").await;
    db.exec(SCHEMA).await;
    db.exec(
        "create function public.todo_count() returns bigint language sql as 'select count(*) from public.todos';
         create function public.by_hand() returns int language sql as 'select 1';
         create table public.scratch (x int);
         create view public.recent as select 1 as one;
         alter table public.todos add column priority int;
         create policy \"Admins see all\" on public.todos for select to service_role using (true);
         create extension if not exists pg_trgm with schema public;",
    )
    .await;
    let mut exp = expectations();
    exp.objects = ["todo_count", "archive_todos"]
        .iter()
        .map(|n| migcheck_core::expect::ExpectedObject {
            kind: "function",
            schema: "public".into(),
            name: n.to_string(),
        })
        .collect();
    let opts = VerifyOptions {
        drift: true,
        ..VerifyOptions::default()
    };
    let r = run(&db, &exp, &opts).await;
    let mut drift: Vec<String> = r
        .checks
        .iter()
        .filter(|c| c.check.starts_with("drift-") || c.check == "object-exists")
        .map(|c| format!("{} {} {}", c.status.as_str(), c.check, c.object))
        .collect();
    drift.sort();
    assert_eq!(
        drift,
        [
            "fail object-exists public.archive_todos()",
            "warn drift-column public.todos.priority",
            "warn drift-function public.by_hand()",
            "warn drift-policy public.todos policy \"Admins see all\"",
            "warn drift-table public.recent",
            "warn drift-table public.scratch",
        ],
        "{}",
        render_human(&r)
    );
    assert!(!r.ok(), "a missing function fails");
    // Without --drift: none of it.
    let r = run(&db, &exp, &VerifyOptions::default()).await;
    assert!(!r.checks.iter().any(|c| c.check.starts_with("drift-")));
    // JSON carries the same checks.
    let r = run(&db, &exp, &opts).await;
    let json = render_json(&r);
    assert!(json.contains("\"drift-function\""), "{json}");
}
