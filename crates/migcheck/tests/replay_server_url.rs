//! Issue 29 item 2, end to end: `migcheck replay --server-url` stopped by SIGTERM cleans up
//! (no `migcheck_replay_*` database, no new role) and says nothing was started; a run killed
//! with SIGKILL leaves its database and roles, and the next run removes them, saying so. The
//! URL comes from `DATABASE_URL` with a bare `--server-url` (item 7: no password on the command
//! line). The server is a real throwaway PostgreSQL we start.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use migcheck_pg::{connect, ConnectionConfig, ServerOptions, ThrowawayServer};

fn tcp_server() -> ThrowawayServer {
    ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts")
}

fn rows(cfg: &ConnectionConfig, sql: &str) -> String {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let c = connect(cfg).await.expect("connect");
            let mut out = Vec::new();
            for m in c.simple_query(sql).await.expect(sql) {
                if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
                    out.push(
                        (0..r.len())
                            .map(|i| r.get(i).unwrap_or("NULL").to_string())
                            .collect::<Vec<_>>()
                            .join("|"),
                    );
                }
            }
            out.join("\n")
        })
}

/// Roles (with whether they can log in) and databases.
fn cluster_state(cfg: &ConnectionConfig) -> String {
    rows(
        cfg,
        "SELECT rolname, rolcanlogin FROM pg_catalog.pg_roles ORDER BY 1; \
         SELECT datname FROM pg_catalog.pg_database ORDER BY 1",
    )
}

fn replay_databases(cfg: &ConnectionConfig) -> String {
    rows(
        cfg,
        "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'migcheck\\_replay\\_%'",
    )
}

/// A Supabase project whose migration sleeps for a minute.
fn slow_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("20240101000000_slow.sql"),
        "create table public.notes (id bigint primary key);\nselect pg_sleep(60);\n",
    )
    .unwrap();
    dir
}

fn spawn_replay(cfg: &ConnectionConfig, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .arg("replay")
        .arg(dir)
        .arg("--server-url")
        .env("DATABASE_URL", cfg.url_with_password())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the migration's `pg_sleep` runs on the server (a hang guard, not a measure).
fn wait_for_sleep(cfg: &ConnectionConfig) {
    let began = Instant::now();
    while rows(
        cfg,
        "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()",
    ) != "1"
    {
        assert!(began.elapsed() < Duration::from_secs(120), "never reached");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for the child (a hang guard: a run that ignores the signal fails the test).
fn wait(mut child: Child) -> (Option<i32>, String) {
    let began = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err);
        }
        if began.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("migcheck replay did not end within 60 s of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_mid_run_cleans_up_and_says_nothing_was_started() {
    let server = tcp_server();
    let cfg = server.connection_config();
    let before = cluster_state(&cfg);
    let dir = slow_project();
    let child = spawn_replay(&cfg, dir.path());
    wait_for_sleep(&cfg);
    // Mid-run, the Supabase baseline's roles exist, none of them can log in.
    let during = rows(
        &cfg,
        "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_catalog.pg_roles \
         WHERE rolname IN ('anon', 'supabase_admin', 'authenticator') AND NOT rolcanlogin",
    );
    assert_eq!(during, "anon,authenticator,supabase_admin");
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let signalled = Instant::now();
    let (code, err) = wait(child);
    // Reported, not asserted (no test asserts on speed).
    eprintln!(
        "SIGTERM to exit, clean-up included: {:?}",
        signalled.elapsed()
    );
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("interrupted; nothing was started (--server-url)"),
        "{err}"
    );
    assert!(
        err.contains("dropped from postgresql://postgres:****@127.0.0.1:"),
        "{err}"
    );
    assert!(!err.contains("throwaway server"), "{err}");
    assert!(!err.contains(server.password()), "{err}");
    assert_eq!(replay_databases(&cfg), "");
    assert_eq!(cluster_state(&cfg), before, "no new role, no database left");
}

#[test]
fn a_killed_runs_leftovers_are_removed_by_the_next_run() {
    let server = tcp_server();
    let cfg = server.connection_config();
    let before = cluster_state(&cfg);
    let dir = slow_project();
    let child = spawn_replay(&cfg, dir.path());
    wait_for_sleep(&cfg);
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap()
        .success());
    let (code, _) = wait(child);
    assert_eq!(code, None, "killed");
    let left = replay_databases(&cfg);
    assert!(
        left.starts_with(&format!("migcheck_replay_{pid}_")),
        "{left}"
    );

    let quick = tempfile::tempdir().unwrap();
    let mig = quick.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("20240101000000_t.sql"),
        "create table public.t (id bigint primary key);\nalter table public.t enable row level security;\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .arg("replay")
        .arg(quick.path())
        .arg("--server-url")
        .env("DATABASE_URL", cfg.url_with_password())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("removed what an earlier replay (run "),
        "{err}"
    );
    assert!(err.contains(&format!("pid {pid} host ")), "{err}");
    assert!(err.contains(&left), "{err}");
    assert!(err.contains("(nothing started)"), "{err}");
    assert!(!err.contains("started in"), "{err}");
    assert_eq!(replay_databases(&cfg), "");
    assert_eq!(
        cluster_state(&cfg),
        before,
        "the killed run's roles are gone too"
    );
}

/// Item 7: a password in the `--server-url` URL is readable by every local user in
/// `/proc/<pid>/cmdline`: replay says so (and never prints the password).
#[test]
fn a_password_on_the_command_line_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.sql"), "select 1;\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .arg("replay")
        .arg(dir.path())
        .args([
            "--server-url",
            "postgresql://u:s3cr3t-pw@127.0.0.1:1/x?connect_timeout=2",
        ])
        .env_remove("PGPASSWORD")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("every local user can read in /proc/"), "{err}");
    assert!(err.contains("PGPASSWORD or ~/.pgpass"), "{err}");
    assert!(!err.contains("s3cr3t-pw"), "{err}");
}
