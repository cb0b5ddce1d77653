//! `migcheck verify` against a real throwaway PostgreSQL set up like Supabase.

mod support;

use std::process::{Command, Output};

use migcheck_pg::{apply_supabase_baseline, connect, ServerOptions, ThrowawayServer};
use support::{block_on, workspace as root};

/// A server with the Supabase baseline and the hotdash migrations applied by hand, up to
/// (not including) the one that fails on a real PostgreSQL.
fn hotdash_server() -> ThrowawayServer {
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    let cfg = server.connection_config();
    block_on(async {
        let c = connect(&cfg).await.expect("connect");
        apply_supabase_baseline(&c).await.expect("baseline");
        let dir = root().join("testdata/examples/hotdash/supabase/migrations");
        for f in [
            "20251020210000_user_preferences.sql",
            "20251020211500_notifications.sql",
            "20251020214500_sales_pulse_actions.sql",
            "20251020215000_inventory_actions.sql",
            "20251021093000_tile_cleanup.sql",
        ] {
            let sql = std::fs::read_to_string(dir.join(f)).unwrap();
            c.batch_execute(&sql).await.expect(f);
        }
        // Recorded like `supabase db push` would; the rest were "applied in the SQL editor".
        c.batch_execute(
            "insert into supabase_migrations.schema_migrations (version, name) values ('20251020210000', 'user_preferences')",
        )
        .await
        .unwrap();
    });
    server
}

/// A Supabase set holding only the example's first migration (its table, RLS and policies).
fn first_migration_only() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::copy(
        root().join(
            "testdata/examples/hotdash/supabase/migrations/20251020210000_user_preferences.sql",
        ),
        mig.join("20251020210000_user_preferences.sql"),
    )
    .unwrap();
    dir
}

fn verify(args: &[&str], url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .current_dir(root())
        .arg("verify")
        .args(args)
        .arg("--database-url")
        .arg(url)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn verify_reports_missing_table_and_rls_off_and_exits_1() {
    let server = hotdash_server();
    let url = server.superuser_url();
    let out = verify(&["testdata/examples/hotdash/supabase"], &url);
    let shown = text(&out).replace(&server.port().to_string(), "PORT");
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        !shown.contains(server.password()),
        "password leaked: {shown}"
    );
    insta::assert_snapshot!("verify_hotdash_human", shown);

    let out = verify(
        &["testdata/examples/hotdash/supabase", "--format", "json"],
        &url,
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["ok"], false);
    let failed: Vec<String> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| {
            format!(
                "{} {}",
                c["check"].as_str().unwrap(),
                c["object"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            "table-exists public.\"TileSetting\"",
            "rls-enabled public.notifications"
        ]
    );

    let out = verify(
        &["testdata/examples/hotdash/supabase", "--format", "markdown"],
        &url,
    );
    let md = String::from_utf8_lossy(&out.stdout).replace(&server.port().to_string(), "PORT");
    insta::assert_snapshot!("verify_hotdash_markdown", md);
}

#[test]
fn verify_passes_when_the_database_matches() {
    let server = hotdash_server();
    // Only the first migration: its table, RLS and policies exist.
    let dir = first_migration_only();
    let out = verify(&[dir.path().to_str().unwrap()], &server.superuser_url());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("pass"), "{}", text(&out));
}

/// Issue 32 item 5: `--sizes` shows the live size of each table checked, largest first.
#[test]
fn sizes_show_where_the_big_tables_are() {
    let server = hotdash_server();
    let url = server.superuser_url();
    block_on(async {
        let c = connect(&server.connection_config()).await.unwrap();
        c.batch_execute(
            "set session_replication_role = replica; \
             insert into public.user_preferences (user_id) select gen_random_uuid() from generate_series(1, 3000); \
             set session_replication_role = origin",
        )
        .await
        .unwrap();
        c.batch_execute("analyze public.user_preferences")
            .await
            .unwrap();
    });
    let dir = first_migration_only();
    let path = dir.path().to_str().unwrap();
    // `notifications` has RLS off in this database: exit 1, the sizes still shown.
    let out = verify(&[path, "--sizes", "--table", "public.notifications"], &url);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    let sizes = &shown[shown.find("sizes (largest first)").expect(&shown)..];
    let first = sizes.lines().nth(1).unwrap();
    assert!(
        first.trim_start().starts_with("public.user_preferences"),
        "{sizes}"
    );
    assert!(first.contains("3000 rows"), "{sizes}");
    assert!(
        sizes
            .lines()
            .nth(2)
            .unwrap()
            .contains("public.notifications"),
        "{sizes}"
    );
    let out = verify(&[path, "--sizes", "--format", "json"], &url);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sizes"][0]["name"], "user_preferences", "{doc}");
    assert_eq!(doc["sizes"][0]["rows"], 3000, "{doc}");
    assert!(
        doc["sizes"][0]["heap_bytes"].as_u64().unwrap() > 8192,
        "{doc}"
    );
    // Without --sizes the document is as before.
    let out = verify(&[path, "--format", "json"], &url);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc.get("sizes").is_none(), "{doc}");
}

#[test]
fn wrong_password_is_exit_2_and_never_printed() {
    let server = hotdash_server();
    let url = format!(
        "postgresql://postgres:{}@127.0.0.1:{}/postgres?sslmode=disable",
        "S3cret%21wrong",
        server.port()
    );
    let out = verify(&["testdata/examples/hotdash/supabase"], &url);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("authentication failed"), "{shown}");
    assert!(!shown.contains("S3cret"), "{shown}");
    assert!(shown.lines().count() <= 2, "one clear line: {shown}");
}

#[test]
fn server_that_is_down_is_exit_2() {
    // Bind and drop a port so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://u:pw@127.0.0.1:{port}/db");
    let out = verify(
        &[
            "testdata/examples/hotdash/supabase",
            "--connect-timeout",
            "2",
        ],
        &url,
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("refused"), "{shown}");
}

/// Issue 12 item 1: a table one applied migration creates (and no later one drops) is expected
/// whatever order the set is modelled in. The Supabase CLI applies `supabase/migrations` in
/// file-name order (supabase/cli, pkg/migration/list.go `ListLocalMigrations`: the directory
/// listing, sorted by name), so `20240101000000_create.sql` ('0' sorts before '_') runs before
/// `20240101_alter.sql`; a model that orders by the numeric version runs the ALTER first.
/// Either way, an empty database lacks `public.a`: verify must fail (exit 1), never pass.
#[test]
fn a_table_created_by_any_applied_migration_is_expected_whatever_the_order() {
    let server = ThrowawayServer::start(ServerOptions::default()).expect("server starts");
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("20240101000000_create.sql"),
        "create table public.a (id bigint primary key);\nalter table public.a enable row level security;\n",
    )
    .unwrap();
    std::fs::write(
        mig.join("20240101_alter.sql"),
        "alter table public.a add column note text;\n",
    )
    .unwrap();
    let out = verify(
        &[dir.path().to_str().unwrap(), "--format", "json"],
        &server.superuser_url(),
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect(&shown);
    let missing: Vec<&serde_json::Value> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"] == "table-exists" && c["object"] == "public.a")
        .collect();
    assert_eq!(missing.len(), 1, "{shown}");
    assert_eq!(missing[0]["status"], "fail", "{shown}");
}

/// Issue 12 items 3 and 4: `connect_timeout` in the URL is honoured (no `--connect-timeout`
/// default overrides it), the timeout names its phase, and with `--format json` the error is
/// still a JSON document on stdout (`ok: null`, an `error` object), exit 2.
#[test]
fn a_silent_server_times_out_by_the_url_setting_with_a_json_error() {
    // Accepts TCP, never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "postgres://u:S3cretPw@127.0.0.1:{}/db?sslmode=disable&connect_timeout=2",
        silent.local_addr().unwrap().port()
    );
    let t = std::time::Instant::now();
    let out = verify(
        &["testdata/examples/hotdash/supabase", "--format", "json"],
        &url,
    );
    let shown = text(&out);
    // The message below ("timed out after 2 s") shows which timeout ended the wait. The clock
    // only tells "a deadline ended it" from "nothing did" (a silent server is waited for ever),
    // with a margin no loaded machine exceeds: no test asserts on speed (issue 26).
    assert!(t.elapsed() < std::time::Duration::from_secs(60), "{shown}");
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(!shown.contains("S3cretPw"), "{shown}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect(&shown);
    assert_eq!(doc["ok"], serde_json::Value::Null, "{shown}");
    assert_eq!(doc["error"]["kind"], "connection", "{shown}");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains("timed out after 2 s"), "{message}");
    assert!(message.contains("start-up and authentication"), "{message}");

    // A malformed URL: an input error, as JSON too, naming the field and not the password.
    let out = verify(
        &["testdata/examples/hotdash/supabase", "--format", "json"],
        "postgres://u:top%ZZsecret@127.0.0.1/db",
    );
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains("in the password of the URL"), "{message}");
    assert!(!text(&out).contains("secret"), "{}", text(&out));
}

/// Issue 12 item 5 from the command line: `--drift` in markdown (and json) lists a table made
/// by hand; drift alone is a warning (exit as without it).
#[test]
fn drift_in_markdown_and_json() {
    let server = hotdash_server();
    let url = server.superuser_url();
    block_on(async {
        let c = connect(&server.connection_config()).await.unwrap();
        c.batch_execute("create table public.made_in_dashboard (x int)")
            .await
            .unwrap();
    });
    let md = verify(
        &[
            "testdata/examples/hotdash/supabase",
            "--drift",
            "--format",
            "markdown",
        ],
        &url,
    );
    let shown = String::from_utf8_lossy(&md.stdout);
    assert!(shown.contains("drift-table"), "{shown}");
    assert!(shown.contains("public.made_in_dashboard"), "{shown}");
    let json = verify(
        &[
            "testdata/examples/hotdash/supabase",
            "--drift",
            "--format",
            "json",
        ],
        &url,
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["check"] == "drift-table" && c["object"] == "public.made_in_dashboard"));
    let plain = verify(&["testdata/examples/hotdash/supabase"], &url);
    assert_eq!(json.status.code(), plain.status.code());
}

/// Issue 12 item 1: the Supabase CLI applies `20240101000000_create.sql` before
/// `20240101_alter.sql` (file-name order, supabase/cli `pkg/migration/list.go`
/// `ListLocalMigrations`), so `public.a` is expected and an empty database fails verify.
#[test]
fn supabase_file_name_order_keeps_the_table_expected_on_an_empty_database() {
    let server = ThrowawayServer::start(ServerOptions::default()).expect("server starts");
    let out = verify(&["testdata/tools/supabase-order"], &server.superuser_url());
    let shown = text(&out).replace(&server.port().to_string(), "PORT");
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("public.a"), "{shown}");
}

/// Issue 29 item 6: `--drift` reports a column whose type was changed by hand (integer to
/// bigint, numeric to text), and not one whose type is written another way than PostgreSQL
/// shows it (`int4`, `varchar(40)`, `timestamptz(3)`, `decimal(12, 2)`, `text[]`, `serial`), nor
/// one a later migration changed (`ALTER COLUMN ... TYPE`).
#[test]
fn drift_reports_column_type_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    let create = "create table public.accounts (\n  id integer primary key,\n  balance numeric(12,2),\n  \
        fee decimal(12, 2),\n  created_at timestamptz(3),\n  seen timestamp,\n  tags text[],\n  name varchar(40),\n  \
        code char,\n  score int4,\n  big int8,\n  n serial,\n  ok bool,\n  ratio float8,\n  owner uuid\n);\n\
        alter table public.accounts enable row level security;\n";
    let widen = "alter table public.accounts alter column score type bigint;\n";
    std::fs::write(mig.join("20240101000000_accounts.sql"), create).unwrap();
    std::fs::write(mig.join("20240102000000_widen.sql"), widen).unwrap();
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    let url = server.superuser_url();
    let apply = |sql: &str| {
        let sql = sql.to_string();
        block_on(async {
            let c = connect(&server.connection_config()).await.unwrap();
            c.batch_execute(&sql).await.unwrap();
        })
    };
    apply(create);
    apply(widen);
    let drift = |url: &str| -> Vec<String> {
        let out = Command::new(env!("CARGO_BIN_EXE_migcheck"))
            .current_dir(dir.path())
            .args([
                "verify",
                ".",
                "--drift",
                "--format",
                "json",
                "--database-url",
                url,
            ])
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["check"] == "drift-column-type")
            .map(|c| {
                format!(
                    "{}: {}",
                    c["object"].as_str().unwrap(),
                    c["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        drift(&url),
        Vec::<String>::new(),
        "as the migrations make it"
    );
    apply(
        "alter table public.accounts alter column id type bigint;\n\
         alter table public.accounts alter column balance type text;",
    );
    let found = drift(&url);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("public.accounts.id: column is bigint in the database but the migrations make it integer"), "{found:#?}");
    assert!(found[1].starts_with("public.accounts.balance: column is text in the database but the migrations make it numeric(12,2)"), "{found:#?}");
}

/// Issue 29 item 6: `verify --all` does not fail RLS on the migration tools' own history
/// tables (as the tool modules name them), and still fails a user table without RLS.
#[test]
fn all_exempts_the_tools_history_tables_from_rls() {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("prisma/migrations/20240101000000_init");
    std::fs::create_dir_all(&mig).unwrap();
    let init = "CREATE TABLE \"Account\" (\"id\" SERIAL PRIMARY KEY);\nALTER TABLE \"Account\" ENABLE ROW LEVEL SECURITY;\n";
    std::fs::write(mig.join("migration.sql"), init).unwrap();
    std::fs::write(
        dir.path().join("prisma/migrations/migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    let tables = [
        "_prisma_migrations",
        "__drizzle_migrations",
        "schema_migrations",
        "goose_db_version",
        "_sqlx_migrations",
        "__diesel_schema_migrations",
        "flyway_schema_history",
    ];
    block_on(async {
        let c = connect(&server.connection_config()).await.unwrap();
        c.batch_execute(init).await.unwrap();
        for t in &tables[1..] {
            c.batch_execute(&format!("create table public.{t} (id int)"))
                .await
                .unwrap();
        }
        // As `prisma migrate deploy` leaves it (the columns verify reads).
        c.batch_execute(
            "create table public._prisma_migrations (id text primary key, migration_name text, \
             finished_at timestamptz, rolled_back_at timestamptz);\n\
             insert into public._prisma_migrations values ('1', '20240101000000_init', now(), null)",
        )
        .await
        .unwrap();
        c.batch_execute("create table public.orders (id int)")
            .await
            .unwrap();
    });
    let out = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .current_dir(dir.path())
        .args(["verify", ".", "--all", "--format", "json", "--database-url"])
        .arg(server.superuser_url())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    let rls: Vec<(String, String)> = doc["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", text(&out)))
        .iter()
        .filter(|c| c["check"] == "rls-enabled")
        .map(|c| {
            (
                c["object"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for t in tables {
        assert!(
            rls.contains(&(format!("public.{t}"), "pass".into())),
            "{t}: {rls:#?}"
        );
    }
    assert!(
        rls.contains(&("public.orders".into(), "fail".into())),
        "{rls:#?}"
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let prisma = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "rls-enabled" && c["object"] == "public.flyway_schema_history")
        .unwrap();
    assert_eq!(
        prisma["message"],
        "row level security is off: the migration history table of Flyway, not application data"
    );
}
