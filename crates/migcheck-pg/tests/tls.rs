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

/// Issue 29 item 5: a port answered by something that is not PostgreSQL is named as such,
/// with the host and port, whatever it sends (here an HTTP server's and an SSH server's first
/// bytes) and whatever sslmode asks.
#[tokio::test]
async fn a_service_that_is_not_postgresql_is_named() {
    for banner in [
        &b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"[..],
        &b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"[..],
        &b"-ERR unknown command\r\n"[..],
    ] {
        for mode in [SslMode::Disable, SslMode::Prefer, SslMode::Require] {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let reply = banner.to_vec();
            // Answers every connection (the client may ask twice); ends with the test.
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                for mut s in listener.incoming().flatten() {
                    let mut buf = [0u8; 512];
                    let _ = s.read(&mut buf);
                    let _ = s.write_all(&reply);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
            let mut cfg = ConnectionConfig::from_url(&format!(
                "postgresql://postgres@127.0.0.1:{port}/postgres?connect_timeout=5"
            ))
            .unwrap();
            cfg.set_password(Some("x".into()));
            cfg.sslmode = mode;
            let e = connect(&cfg).await.unwrap_err();
            let shown = e.to_string();
            eprintln!(
                "{mode} {:?}: {shown}",
                String::from_utf8_lossy(&banner[..8])
            );
            assert!(matches!(e, PgError::NotPostgres { .. }), "{mode}: {e:?}");
            assert!(
                shown.starts_with(&format!(
                    "the service at 127.0.0.1:{port} is not PostgreSQL"
                )),
                "{shown}"
            );
        }
    }
}

/// Issue 29 item 5: a self-signed certificate made the usual way (`openssl req -x509`, which
/// marks it as a CA: basicConstraints CA:TRUE), used as the server's certificate and given as
/// its own root (sslrootcert), is accepted under require, verify-ca and verify-full, as libpq
/// accepts it; verify-full still checks the host name. webpki alone refused it with
/// `CaUsedAsEndEntity`.
#[tokio::test]
async fn a_self_signed_ca_flagged_certificate_given_as_its_own_root_is_accepted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("CA:TRUE"),
        "openssl req -x509 marks it as a CA"
    );
    std::fs::set_permissions(&cert, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    // The server runs as `nobody` when the tests run as root: the key must be its own.
    if is_root() {
        let id = std::process::Command::new("id")
            .args(["-u", "nobody"])
            .output()
            .unwrap();
        let uid: u32 = String::from_utf8_lossy(&id.stdout).trim().parse().unwrap();
        std::os::unix::fs::chown(&key, Some(uid), None).unwrap();
    }
    let server = ThrowawayServer::start(ServerOptions {
        tls: true,
        settings: vec![
            ("ssl_cert_file".into(), cert.display().to_string()),
            ("ssl_key_file".into(), key.display().to_string()),
        ],
        ..ServerOptions::default()
    })
    .expect("server starts");
    let base = server.connection_config();
    for (mode, host) in [
        (SslMode::Require, "127.0.0.1"),
        (SslMode::VerifyCa, "127.0.0.1"),
        (SslMode::VerifyFull, "localhost"),
    ] {
        connect(&with_mode(&base, mode, host, Some(&cert)))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
    }
    // verify-full still checks the name; the message names host and port.
    let e = connect(&with_mode(
        &base,
        SslMode::VerifyFull,
        "127.0.0.1",
        Some(&cert),
    ))
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("not valid for host name 127.0.0.1"),
        "{e}"
    );
    // Another certificate as the root: refused, in words naming host and port, no debug string.
    let e = connect(&with_mode(
        &base,
        SslMode::VerifyCa,
        "127.0.0.1",
        server.ca_cert_path().as_deref(),
    ))
    .await
    .unwrap_err();
    let shown = e.to_string();
    assert!(!shown.contains("Other("), "{shown}");
    assert!(
        shown.contains(&format!("127.0.0.1:{}", server.port())),
        "{shown}"
    );
    eprintln!("{shown}");
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
