//! A throwaway server shared by the tests of one test binary, with one database per test.
//!
//! The server is reference-counted: every test holds an `Arc` for as long as it runs, and
//! the last one to finish drops it, which stops the server and removes its directory (a
//! `static` would never be dropped and would leak a postgres process). If tests happen not
//! to overlap, the next one simply starts a new server.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use migcheck_pg::{
    apply_supabase_baseline, connect, ConnectionConfig, ServerOptions, ThrowawayServer,
};
use tokio_postgres::Client;

static SHARED: Mutex<Weak<ThrowawayServer>> = Mutex::new(Weak::new());

/// A database made from the template that has the Supabase baseline.
const TEMPLATE: &str = "supabase_template";

fn on_own_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().expect("helper thread")
}

/// The shared server (started, with the template database, when nobody holds it).
pub fn server() -> Arc<ThrowawayServer> {
    let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = slot.upgrade() {
        return s;
    }
    let server = Arc::new(
        ThrowawayServer::start(ServerOptions {
            tcp: true,
            ..ServerOptions::default()
        })
        .expect("server starts"),
    );
    eprintln!(
        "throwaway PostgreSQL {} started in {:?}",
        server.version(),
        server.startup_time()
    );
    let cfg = server.connection_config();
    on_own_runtime(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let admin = connect(&cfg).await.expect("connect");
            admin
                .batch_execute(&format!("CREATE DATABASE {TEMPLATE}"))
                .await
                .expect("create template");
            let tpl = connect(&cfg.with_dbname(TEMPLATE))
                .await
                .expect("connect template");
            apply_supabase_baseline(&tpl).await.expect("baseline");
        });
    });
    *slot = Arc::downgrade(&server);
    server
}

/// One test's database on the shared server.
pub struct TestDb {
    pub server: Arc<ThrowawayServer>,
    pub name: String,
}

impl TestDb {
    /// `CREATE DATABASE <name> TEMPLATE supabase_template` (Supabase baseline included).
    pub async fn new(name: &str) -> TestDb {
        let server = server();
        let admin = connect(&server.connection_config()).await.expect("connect");
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
            .await
            .expect("create database");
        TestDb {
            server,
            name: name.to_string(),
        }
    }

    /// The superuser, over TCP with the password, to this database.
    pub fn config(&self) -> ConnectionConfig {
        self.server.connection_config().with_dbname(&self.name)
    }

    pub async fn client(&self) -> Client {
        connect(&self.config()).await.expect("connect")
    }

    pub async fn exec(&self, sql: &str) {
        self.client().await.batch_execute(sql).await.expect(sql);
    }
}

/// How long a wait that a deadline of a few seconds ends may take before a test calls the
/// deadline broken. No test asserts on speed (issue 26): without a deadline such a wait lasts
/// for ever (a frozen network, a peer that never answers); with one, a loaded 2-core machine
/// running a debug build (other suites compiling) delays the timer's wake-up by seconds at
/// most, never by a minute. So the bound tells "the deadline ended it" from "nothing did", with
/// a margin no loaded machine exceeds.
pub const WELL_BEFORE_FOR_EVER: std::time::Duration = std::time::Duration::from_secs(60);

/// Awaits `f`, failing the test when it has not ended within [`WELL_BEFORE_FOR_EVER`] (a hang
/// guard too: a missing deadline fails the test instead of hanging the suite).
pub async fn ends<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WELL_BEFORE_FOR_EVER, f)
        .await
        .unwrap_or_else(|_| {
            panic!("{what} did not end within {WELL_BEFORE_FOR_EVER:?}: no deadline ended it")
        })
}

/// A TCP proxy to `upstream` that can freeze.
pub struct FrozenProxy {
    pub port: u16,
    /// Forward nothing more (in both directions).
    pub frozen: Arc<AtomicBool>,
    /// Freeze once this many bytes came from the server.
    pub server_bytes_limit: Arc<AtomicUsize>,
    /// Freeze once the client sent these bytes (forwarding them first).
    pub freeze_on: Arc<Mutex<Option<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
}

impl FrozenProxy {
    pub fn start(upstream: u16) -> FrozenProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = Arc::new(AtomicBool::new(false));
        let limit = Arc::new(AtomicUsize::new(usize::MAX));
        let stop = Arc::new(AtomicBool::new(false));
        let freeze_on: Arc<Mutex<Option<Vec<u8>>>> = Arc::new(Mutex::new(None));
        let (f, l, s, on) = (
            frozen.clone(),
            limit.clone(),
            stop.clone(),
            freeze_on.clone(),
        );
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                let sent = Arc::new(AtomicUsize::new(0));
                for (from, to, counted) in [
                    (
                        client.try_clone().unwrap(),
                        server.try_clone().unwrap(),
                        false,
                    ),
                    (server, client, true),
                ] {
                    let (f, l, s, sent, on) =
                        (f.clone(), l.clone(), s.clone(), sent.clone(), on.clone());
                    std::thread::spawn(move || pump(from, to, counted, f, l, s, sent, on));
                }
            }
        });
        FrozenProxy {
            port,
            frozen,
            server_bytes_limit: limit,
            freeze_on,
            stop,
        }
    }

    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }
}

impl Drop for FrozenProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[allow(clippy::too_many_arguments)]
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    from_server: bool,
    frozen: Arc<AtomicBool>,
    limit: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
    freeze_on: Arc<Mutex<Option<Vec<u8>>>>,
) {
    from.set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut buf = [0u8; 16384];
    // Sockets stay open (held by this thread) until the proxy is dropped.
    while !stop.load(Ordering::SeqCst) {
        if frozen.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let n = match from.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(_) => continue,
        };
        let mut n = n;
        if from_server {
            let before = sent.fetch_add(n, Ordering::SeqCst);
            let max = limit.load(Ordering::SeqCst);
            if before + n >= max {
                n = max.saturating_sub(before);
                frozen.store(true, Ordering::SeqCst);
            }
        } else if frozen.load(Ordering::SeqCst) {
            continue;
        }
        if n > 0 && to.write_all(&buf[..n]).is_err() {
            return;
        }
        if !from_server {
            let on = freeze_on.lock().unwrap();
            if let Some(m) = on.as_deref() {
                if buf[..n].windows(m.len()).any(|w| w == m) {
                    frozen.store(true, Ordering::SeqCst);
                }
            }
        }
    }
}
