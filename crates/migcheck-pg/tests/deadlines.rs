//! Issue 12 items 3 and 4: every phase of talking to the server has a client-side deadline,
//! and a timeout names the phase; connections end with a Terminate message.
//!
//! The network "stops answering" through a proxy written here: it forwards bytes between
//! the client and a real throwaway server until it is frozen, then holds both sockets open
//! and forwards nothing more (what a dead NAT entry or a stuck pooler looks like).

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::FrozenProxy;

use migcheck_core::expect::Expectations;
use migcheck_pg::conn::connect_with_driver;
use migcheck_pg::{
    verify, verify_blocking, ConnectionConfig, PgError, ServerOptions, SslMode, ThrowawayServer,
    VerifyOptions,
};

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
