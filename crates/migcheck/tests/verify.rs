//! `migcheck verify` against a real throwaway PostgreSQL set up like Supabase.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migcheck_pg::{apply_supabase_baseline, connect, ServerOptions, ThrowawayServer};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A server with the Supabase baseline and the hotdash migrations applied by hand, up to
/// (not including) the one that fails on a real PostgreSQL.
fn hotdash_server() -> ThrowawayServer {
    let server = ThrowawayServer::start(ServerOptions::default()).expect("server starts");
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
    let out = verify(&[dir.path().to_str().unwrap()], &server.superuser_url());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("pass"), "{}", text(&out));
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
