//! Issue 12 items 3 and 4: every phase of talking to the server has a client-side deadline,
//! and a timeout names the phase; connections end with a Terminate message.
//!
//! The network "stops answering" through a proxy written here: it forwards bytes between
//! the client and a real throwaway server until it is frozen, then holds both sockets open
//! and forwards nothing more (what a dead NAT entry or a stuck pooler looks like).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migcheck_core::expect::Expectations;
use migcheck_pg::conn::connect_with_driver;
use migcheck_pg::{
    verify, verify_blocking, ConnectionConfig, PgError, ServerOptions, SslMode, ThrowawayServer,
    VerifyOptions,
};

/// A TCP proxy to `upstream` that can freeze.
struct FrozenProxy {
    port: u16,
    /// Forward nothing more (in both directions).
    frozen: Arc<AtomicBool>,
    /// Freeze once this many bytes came from the server.
    server_bytes_limit: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FrozenProxy {
    fn start(upstream: u16) -> FrozenProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = Arc::new(AtomicBool::new(false));
        let limit = Arc::new(AtomicUsize::new(usize::MAX));
        let stop = Arc::new(AtomicBool::new(false));
        let (f, l, s) = (frozen.clone(), limit.clone(), stop.clone());
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
                    let (f, l, s, sent) = (f.clone(), l.clone(), s.clone(), sent.clone());
                    std::thread::spawn(move || pump(from, to, counted, f, l, s, sent));
                }
            }
        });
        FrozenProxy {
            port,
            frozen,
            server_bytes_limit: limit,
            stop,
        }
    }

    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }
}

impl Drop for FrozenProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    from_server: bool,
    frozen: Arc<AtomicBool>,
    limit: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
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
    }
}

fn through(proxy: &FrozenProxy, server: &ThrowawayServer, mode: SslMode) -> ConnectionConfig {
    let mut cfg = ConnectionConfig::from_url(&format!(
        "postgresql://postgres@127.0.0.1:{}/postgres?connect_timeout=2",
        proxy.port
    ))
    .unwrap();
    cfg.set_password(Some(server.password().to_string()));
    cfg.sslmode = mode;
    cfg
}

fn timed_out_in(e: &PgError) -> String {
    match e {
        PgError::Timeout { phase, .. } | PgError::RoundTripTimeout { phase, .. } => phase.clone(),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn every_connection_phase_has_a_deadline_and_is_named() {
    let server = common::server();
    // Start-up: the server's answer never arrives.
    let proxy = FrozenProxy::start(server.port());
    proxy.freeze();
    // The 2 s start-up deadline ends it: the error says so; `ends` bounds "for ever" (60 s).
    let e = common::ends(
        "start-up through a frozen network",
        connect_with_driver(&through(&proxy, &server, SslMode::Disable)),
    )
    .await
    .unwrap_err();
    assert_eq!(timed_out_in(&e), "start-up and authentication");
    assert!(e.to_string().contains("timed out after 2 s"), "{e}");
    assert!(!e.to_string().contains(server.password()));

    // TLS requested: no answer to the TLS request.
    let e = common::ends(
        "a TLS request through a frozen network",
        connect_with_driver(&through(&proxy, &server, SslMode::Require)),
    )
    .await
    .unwrap_err();
    assert!(timed_out_in(&e).starts_with("TLS negotiation"), "{e}");
}

#[tokio::test]
async fn a_stalled_tls_handshake_times_out_as_such() {
    let server = ThrowawayServer::start(ServerOptions {
        tls: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    let proxy = FrozenProxy::start(server.port());
    // The server's 'S' (yes to TLS) passes, then nothing: the handshake stalls.
    proxy.server_bytes_limit.store(1, Ordering::SeqCst);
    // The timeout error names the handshake; `ends` bounds "for ever" (60 s).
    let e = common::ends(
        "a stalled TLS handshake",
        connect_with_driver(&through(&proxy, &server, SslMode::Require)),
    )
    .await
    .unwrap_err();
    assert_eq!(timed_out_in(&e), "TLS handshake", "{e}");
}

#[tokio::test]
async fn a_network_that_stops_answering_after_connecting_times_out() {
    let server = common::server();
    let proxy = FrozenProxy::start(server.port());
    let (client, _driver) = connect_with_driver(&through(&proxy, &server, SslMode::Disable))
        .await
        .expect("connects through the proxy");
    client.simple_query("select 1").await.unwrap();
    proxy.freeze();
    let opts = VerifyOptions {
        round_trip_timeout: Some(Duration::from_secs(1)),
        ..VerifyOptions::default()
    };
    // The 1 s round-trip deadline ends it (the error says "stopped answering"); `ends` bounds
    // "for ever" (60 s).
    let e = common::ends(
        "verify through a frozen network",
        verify(&client, &Expectations::default(), &opts),
    )
    .await
    .unwrap_err();
    assert_eq!(timed_out_in(&e), "reading the catalog", "{e}");
    assert!(e.to_string().contains("stopped answering"), "{e}");
}

/// Item 4: the client says goodbye (Terminate, TLS close) instead of cutting the socket, so
/// the server logs no unexpected EOF or connection reset, over TLS and in plain.
#[test]
fn verify_ends_its_session_with_terminate() {
    let server = ThrowawayServer::start(ServerOptions {
        tls: true,
        // "unexpected EOF on client connection" is logged at DEBUG1.
        settings: vec![
            ("log_min_messages".into(), "debug1".into()),
            ("log_connections".into(), "on".into()),
        ],
        ..ServerOptions::default()
    })
    .expect("server starts");
    let mut cfg = server.connection_config();
    for mode in [SslMode::Require, SslMode::VerifyCa] {
        cfg.sslmode = mode;
        cfg.sslrootcert = server.ca_cert_path();
        let r = verify_blocking(&cfg, &Expectations::default(), &VerifyOptions::default())
            .expect("verify runs");
        assert!(r.ok());
    }
    std::thread::sleep(Duration::from_millis(300));
    let log = std::fs::read_to_string(server.socket_dir().join("postgres.log")).unwrap();
    for bad in [
        "unexpected EOF",
        "unexpected eof",
        "could not receive data",
        "Connection reset",
    ] {
        assert!(!log.contains(bad), "server logged {bad:?}:\n{log}");
    }
    // The sessions did happen (and were logged).
    assert_eq!(log.matches("connection authorized").count(), 2, "{log}");
}
