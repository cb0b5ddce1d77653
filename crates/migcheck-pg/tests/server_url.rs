//! Issue 29 items 1, 2 and 7: `replay --server-url` never harms a server and never hangs, and
//! passwords come from the password file as with libpq. Real servers (throwaway ones we start);
//! the frozen network is the proxy of `common` (shared with `deadlines.rs`).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::FrozenProxy;
use migcheck_pg::replay::{run_blocking, ReplayOptions};
use migcheck_pg::{connect, ConnectionConfig, PgError, ServerOptions, SslMode, ThrowawayServer};

fn tcp_server() -> ThrowawayServer {
    ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts")
}

fn on_runtime<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The rows of `sql` on `cfg`, one line per row, columns joined by `|`.
fn rows(cfg: &ConnectionConfig, sql: &str) -> String {
    on_runtime(async {
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

fn exec(cfg: &ConnectionConfig, sql: &str) {
    on_runtime(async {
        connect(cfg)
            .await
            .expect("connect")
            .batch_execute(sql)
            .await
            .expect(sql)
    })
}

/// What must not change: every role with its attributes, every database with its comment.
fn cluster_state(cfg: &ConnectionConfig) -> String {
    rows(
        cfg,
        "SELECT rolname, rolsuper, rolcanlogin, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, \
         pg_catalog.shobj_description(oid, 'pg_authid') FROM pg_catalog.pg_roles ORDER BY 1; \
         SELECT datname, pg_catalog.shobj_description(oid, 'pg_database') FROM pg_catalog.pg_database ORDER BY 1",
    )
}

fn supabase_set(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    for (name, sql) in files {
        std::fs::write(mig.join(name), sql).unwrap();
    }
    dir
}

const TODOS: &[(&str, &str)] = &[(
    "20240101000000_todos.sql",
    "create table public.todos (id bigint primary key, title text);\n\
     alter table public.todos enable row level security;\n",
)];

fn opts(cfg: &ConnectionConfig) -> ReplayOptions {
    ReplayOptions {
        server_url: Some(cfg.url_with_password()),
        ..ReplayOptions::default()
    }
}

fn replay_databases(cfg: &ConnectionConfig) -> String {
    rows(
        cfg,
        "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'migcheck\\_replay\\_%' ORDER BY 1",
    )
}

/// Item 1: a server whose only database holds a table of 1,000 rows, or that has a role replay
/// does not know, or a replication slot, is refused without --yes-this-is-disposable, and is
/// left exactly as it was (roles with their attributes, databases, the data's checksum). With
/// the flag, replay runs, and what it created for the Supabase baseline (roles, NOLOGIN) is
/// gone afterwards.
#[test]
fn a_server_holding_data_is_refused_and_left_unchanged() {
    let server = tcp_server();
    let cfg = server.connection_config();
    let dir = supabase_set(TODOS);
    let paths = [dir.path().to_path_buf()];

    // A fresh server is disposable: accepted without the flag, and left as it was.
    let fresh = cluster_state(&cfg);
    let o = run_blocking(&paths, &opts(&cfg)).expect("a fresh server is accepted");
    assert_eq!((o.sets[0].applied, o.sets[0].files), (1, 1));
    assert!(o.remote.is_some());
    assert_eq!(cluster_state(&cfg), fresh, "roles and databases as before");

    exec(
        &cfg,
        "CREATE TABLE public.orders (id int PRIMARY KEY, total numeric); \
         INSERT INTO public.orders SELECT i, i * 1.5 FROM generate_series(1, 1000) i",
    );
    let checksum = || {
        rows(
            &cfg,
            "SELECT count(*), md5(string_agg(o::text, ',' ORDER BY id)) FROM public.orders o",
        )
    };
    let before = (cluster_state(&cfg), checksum());
    let e = run_blocking(&paths, &opts(&cfg)).unwrap_err().to_string();
    assert!(e.contains("refusing to replay"), "{e}");
    assert!(
        e.contains("database postgres holds 1 table outside the system and platform schemas (public.orders)"),
        "{e}"
    );
    assert!(e.contains("--yes-this-is-disposable"), "{e}");
    assert!(e.contains("nothing was changed"), "{e}");
    assert!(!e.contains(server.password()), "{e}");
    assert_eq!((cluster_state(&cfg), checksum()), before, "left unchanged");

    // A role replay does not know, in a server without user tables elsewhere.
    exec(&cfg, "DROP TABLE public.orders; CREATE ROLE alice LOGIN");
    let e = run_blocking(&paths, &opts(&cfg)).unwrap_err().to_string();
    assert!(e.contains("1 role replay does not recognise"), "{e}");
    assert!(e.contains("alice"), "{e}");
    // Replication: a slot.
    exec(
        &cfg,
        "DROP ROLE alice; SELECT pg_create_physical_replication_slot('standby_1')",
    );
    let before = cluster_state(&cfg);
    let e = run_blocking(&paths, &opts(&cfg)).unwrap_err().to_string();
    assert!(
        e.contains("1 replication slots (pg_replication_slots)"),
        "{e}"
    );
    assert_eq!(cluster_state(&cfg), before);

    // Told it is disposable: runs, and removes the roles it created.
    let o = run_blocking(
        &paths,
        &ReplayOptions {
            disposable: true,
            ..opts(&cfg)
        },
    )
    .expect("runs when told the server is disposable");
    assert_eq!(o.sets[0].applied, 1);
    assert_eq!(cluster_state(&cfg), before, "no new role, no database left");
}

/// Item 2: the network freezes while a migration statement runs: replay ends with an error
/// (exit 2 in the CLI) once the client-side deadline (statement timeout + 10 s) passes, not
/// never. Its clean-up cannot reach the server either, so it says what it left; once the
/// frozen sessions are gone, the next run removes those leftovers and says so (what a
/// SIGKILLed run leaves is found the same way: by its free advisory lock).
#[test]
fn a_frozen_network_ends_replay_and_the_next_run_removes_the_leftovers() {
    let server = tcp_server();
    let cfg = server.connection_config();
    let proxy = FrozenProxy::start(server.port());
    *proxy.freeze_on.lock().unwrap() = Some(b"pg_sleep".to_vec());
    let mut via = ConnectionConfig::from_url(&format!(
        "postgresql://postgres@127.0.0.1:{}/postgres?connect_timeout=2",
        proxy.port
    ))
    .unwrap();
    via.set_password(Some(server.password().to_string()));
    via.sslmode = SslMode::Disable;
    let dir = supabase_set(&[("20240101000000_slow.sql", "select pg_sleep(0.2);\n")]);
    let paths: Vec<PathBuf> = vec![dir.path().to_path_buf()];
    let before = cluster_state(&cfg);
    let o = ReplayOptions {
        statement_timeout: Some(Duration::from_secs(1)),
        ..opts(&via)
    };
    // `ends` bounds "for ever" (60 s); the deadline is 11 s, then 2 s to try to clean up.
    let began = std::time::Instant::now();
    let result = on_runtime(common::ends("replay through a frozen network", async {
        tokio::task::spawn_blocking(move || run_blocking(&paths, &o))
            .await
            .unwrap()
    }));
    // Reported, not asserted (no test asserts on speed).
    eprintln!("frozen network to error: {:?}", began.elapsed());
    // The run ends early with the error, and reports the set it stopped in (issue 29 item 3).
    let o = result.expect("the report of the sets so far");
    let shown = o.error.clone().expect("the run ended early");
    assert!(shown.contains("stopped answering"), "{shown}");
    assert!(
        shown.contains("the next `migcheck replay --server-url` into this server removes them"),
        "{shown}"
    );
    assert_eq!(
        (o.sets.len(), o.sets[0].applied, o.sets[0].files),
        (1, 0, 1)
    );
    let why = &o.sets[0].stop.as_ref().expect("where it stopped").why;
    assert!(why.contains("stopped answering"), "{why}");
    assert_eq!(replay_databases(&cfg).lines().count(), 1, "left behind");

    // The frozen sessions end with the proxy; the dead run's lock is then free.
    drop(proxy);
    std::thread::sleep(Duration::from_millis(500));
    let o = run_blocking(&[dir.path().to_path_buf()], &opts(&cfg)).expect("replay runs");
    let notes = o.notes.join("\n");
    assert!(
        notes.contains("removed what an earlier replay (run "),
        "{notes}"
    );
    assert!(notes.contains("migcheck_replay_"), "{notes}");
    assert_eq!(replay_databases(&cfg), "", "no leftover");
    assert_eq!(cluster_state(&cfg), before, "roles as before");
}

/// Item 7: a password from `PGPASSFILE` (libpq's format) is used when the URL has none; a
/// file others can read is ignored with libpq's warning.
#[test]
fn the_password_file_is_read_as_libpq_does() {
    use std::os::unix::fs::PermissionsExt;
    let server = tcp_server();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pgpass");
    std::fs::write(
        &file,
        format!(
            "# other servers\nelsewhere:5432:*:*:nope\n127.0.0.1:{}:*:postgres:{}\n",
            server.port(),
            server.password().replace('\\', "\\\\").replace(':', "\\:")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let url = format!(
        "postgresql://postgres@127.0.0.1:{}/postgres?sslmode=disable",
        server.port()
    );
    let path = file.display().to_string();
    let env = |k: &str| (k == "PGPASSFILE").then(|| path.clone());
    let cfg = ConnectionConfig::resolve(Some(&url), &env).unwrap();
    assert!(cfg.warnings.is_empty());
    assert_eq!(rows(&cfg, "SELECT current_user"), "postgres");

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let cfg = ConnectionConfig::resolve(Some(&url), &env).unwrap();
    assert_eq!(cfg.password(), None);
    assert!(
        cfg.warnings[0]
            .contains("has group or world access; permissions should be u=rw (0600) or less"),
        "{:?}",
        cfg.warnings
    );
    let e = on_runtime(connect(&cfg)).unwrap_err();
    assert!(matches!(e, PgError::PasswordMissing { .. }), "{e:?}");
    assert!(e.to_string().contains("~/.pgpass"), "{e}");
}
