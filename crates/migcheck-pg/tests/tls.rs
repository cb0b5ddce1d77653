//! TLS against a throwaway server that accepts TCP connections over TLS only.

use migcheck_core::expect::Expectations;
use migcheck_pg::{
    connect, verify_with_config, ConnectionConfig, Host, PgError, ServerOptions, SslMode,
    ThrowawayServer, VerifyOptions,
};

fn with_mode(
    base: &ConnectionConfig,
    mode: SslMode,
    host: &str,
    ca: Option<&std::path::Path>,
) -> ConnectionConfig {
    let mut c = base.clone();
    c.sslmode = mode;
    c.host = Host::Tcp(host.to_string());
    c.sslrootcert = ca.map(|p| p.to_path_buf());
    c
}

#[tokio::test]
async fn tls_modes_against_a_server_that_requires_tls() {
    let server = ThrowawayServer::start(ServerOptions {
        tls: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    eprintln!("TLS server started in {:?}", server.startup_time());
    let base = server.connection_config();
    let ca = server.ca_cert_path().expect("a CA with tls");
    let password = server.password().to_string();

    // Plain TCP is refused by pg_hba (hostssl only): PostgreSQL's own words, and TLS offered
    // as one possible reason, not asserted as the reason.
    let e = connect(&with_mode(&base, SslMode::Disable, "127.0.0.1", None))
        .await
        .unwrap_err();
    assert!(
        matches!(e, PgError::NoHbaEntry { plain: true, .. }),
        "{e:?}"
    );
    let shown = e.to_string();
    assert!(shown.contains("no pg_hba.conf entry for host"), "{shown}");
    assert!(shown.contains("no encryption"), "{shown}");
    assert!(shown.contains("if the server accepts only TLS"), "{shown}");

    // require: encrypted, certificate not checked.
    for mode in [SslMode::Require, SslMode::Prefer, SslMode::Allow] {
        let c = connect(&with_mode(&base, mode, "127.0.0.1", None))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        let rows = c
            .simple_query("select ssl::text from pg_stat_ssl where pid = pg_backend_pid()")
            .await
            .unwrap();
        let ssl = rows.iter().find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        });
        assert_eq!(ssl.as_deref(), Some("true"), "{mode}");
    }

    // verify-ca: the chain is checked against sslrootcert, not the host name (127.0.0.1 is
    // not in the certificate, which is for "localhost").
    let cfg = with_mode(&base, SslMode::VerifyCa, "127.0.0.1", Some(&ca));
    let r = verify_with_config(&cfg, &Expectations::default(), &VerifyOptions::default())
        .await
        .expect("verify over verify-ca");
    assert!(r.ok());
    assert!(r.database.contains("sslmode=verify-ca"));
    assert!(!r.database.contains(&password));

    // verify-full: the right name works, a wrong one fails clearly.
    connect(&with_mode(
        &base,
        SslMode::VerifyFull,
        "localhost",
        Some(&ca),
    ))
    .await
    .expect("verify-full with the certificate's name");
    let e = connect(&with_mode(
        &base,
        SslMode::VerifyFull,
        "127.0.0.1",
        Some(&ca),
    ))
    .await
    .unwrap_err();
    assert!(matches!(e, PgError::Tls(_)), "{e:?}");
    assert!(
        e.to_string().contains("not valid for host name 127.0.0.1"),
        "{e}"
    );

    // verify-ca without our CA (built-in web roots): unknown authority.
    let e = connect(&with_mode(&base, SslMode::VerifyCa, "127.0.0.1", None))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("unknown authority"), "{e}");

    // A missing CA file is reported before connecting.
    let e = connect(&with_mode(
        &base,
        SslMode::VerifyFull,
        "localhost",
        Some(std::path::Path::new("/nonexistent/ca.pem")),
    ))
    .await
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "TLS failed (cannot read sslrootcert /nonexistent/ca.pem: no such file)"
    );

    for shown in [format!("{e:?}"), format!("{base:?}"), base.display()] {
        assert!(!shown.contains(&password), "{shown}");
    }
}

#[tokio::test]
async fn require_fails_when_the_server_has_no_tls() {
    // TCP: on the unix socket there is no TLS to ask for (sslmode does not apply).
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    let mut cfg = server.connection_config();
    cfg.sslmode = SslMode::Require;
    let e = connect(&cfg).await.unwrap_err();
    assert!(matches!(e, PgError::ServerWithoutTls { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "server at 127.0.0.1:{} does not support TLS but sslmode=require",
            server.port()
        )
    );
    // prefer falls back to plain when the server says it has no TLS.
    cfg.sslmode = SslMode::Prefer;
    connect(&cfg).await.expect("prefer falls back");
}
