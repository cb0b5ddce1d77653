//! The throwaway server itself: start, connect (TCP with password, unix socket), baseline.

use migcheck_pg::conn::{connect, PgError};
use migcheck_pg::server::{ServerOptions, ThrowawayServer};
use migcheck_pg::supabase::apply_supabase_baseline;

#[tokio::test]
async fn starts_connects_applies_baseline_and_stops() {
    let server = ThrowawayServer::start(ServerOptions::default()).expect("server starts");
    eprintln!(
        "throwaway PostgreSQL {} started in {:?} on port {}",
        server.version(),
        server.startup_time(),
        server.port()
    );
    let client = connect(&server.connection_config()).await.expect("tcp");
    apply_supabase_baseline(&client).await.expect("baseline");
    // Twice: it is idempotent.
    apply_supabase_baseline(&client)
        .await
        .expect("baseline again");
    let rows = client
        .simple_query("select auth.uid() is null, count(*) from auth.users")
        .await
        .unwrap();
    assert!(!rows.is_empty());

    let sock = connect(&server.socket_config()).await.expect("socket");
    // url() (unix socket, no secret) and superuser_url() (TCP, password) both work.
    assert!(!server.url().contains(server.password()));
    let by_url = migcheck_pg::ConnectionConfig::from_url(&server.url()).unwrap();
    assert_eq!(
        migcheck_pg::ConnectionConfig::from_url(&by_url.display()).unwrap(),
        by_url
    );
    assert!(by_url
        .display()
        .contains(&format!("host={}", server.socket_dir().display())));
    connect(&by_url).await.expect("url()");
    let by_su = migcheck_pg::ConnectionConfig::from_url(&server.superuser_url()).unwrap();
    connect(&by_su).await.expect("superuser_url()");
    sock.simple_query("select 1").await.unwrap();
    let data_dir = server.data_dir().to_path_buf();
    let port = server.port();
    drop(client);
    drop(sock);
    drop(server);
    assert!(!data_dir.exists(), "the directory is removed");
    // The server is gone: refused, fast.
    let cfg = migcheck_pg::conn::ConnectionConfig::from_url(&format!(
        "postgres://postgres:x@127.0.0.1:{port}/postgres?sslmode=disable"
    ))
    .unwrap();
    let t = std::time::Instant::now();
    let e = connect(&cfg).await.unwrap_err();
    assert!(matches!(e, PgError::ConnectionRefused { .. }), "{e:?}");
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(
        e.to_string(),
        format!("connection refused at 127.0.0.1:{port} (is the server running?)")
    );
}
