//! Issue 32: `check --database-url` / `--stats` weigh each lock or rewrite finding by the live
//! table it hits. Against a real throwaway PostgreSQL (and PgBouncer from Debian's package in
//! transaction mode, as Supabase's pooler on port 6543).

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use migcheck_pg::{connect, ServerOptions, ThrowawayServer};
use serde_json::Value;
use support::{block_on, run, write};

/// A Supabase set: `fresh` is created by an earlier migration (not applied to the database),
/// then one migration builds indexes on a small, a large and that new table and sets a column
/// of the large one NOT NULL.
fn project(dir: &Path) {
    write(
        &dir.join("supabase/migrations/20240101000000_fresh.sql"),
        "CREATE TABLE fresh (id bigint PRIMARY KEY, a int);\nALTER TABLE fresh ENABLE ROW LEVEL SECURITY;\n",
    );
    write(
        &dir.join("supabase/migrations/20240102000000_indexes.sql"),
        "CREATE INDEX small_a ON small (a);\nCREATE INDEX big_a ON big (a);\nCREATE INDEX fresh_a ON fresh (a);\nALTER TABLE big ALTER COLUMN c SET NOT NULL;\nCREATE INDEX parted_a ON parted (a);\n",
    );
}

/// `(rule, line, severity, table, work)` of each diagnostic with an impact, in order.
fn weighed(doc: &Value) -> Vec<(String, u64, String, String, String)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("impact").is_some())
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
                d["impact"]["table"].as_str().unwrap().to_string(),
                d["impact"]["work"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The lines of the server log written since `from` that log a statement.
fn statements_logged(log: &Path, from: u64) -> Vec<String> {
    let bytes = std::fs::read(log).unwrap();
    let text = String::from_utf8_lossy(&bytes[from as usize..]).into_owned();
    text.lines()
        .filter_map(|l| l.split_once("statement: ").map(|(_, s)| s.to_string()))
        .collect()
}

fn log_len(log: &Path) -> u64 {
    std::fs::metadata(log).unwrap().len()
}

/// PgBouncer in transaction mode in front of `server`, run as an unprivileged user when the
/// tests run as root (it refuses root), in a private directory; stopped on drop.
struct Pgbouncer {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Pgbouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pgbouncer(server: &ThrowawayServer) -> Pgbouncer {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let bin = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .expect(
            "pgbouncer is installed (scripts/test.sh installs Debian's package: apt-get install pgbouncer)",
        );
    let dir = tempfile::Builder::new()
        .prefix("migcheck-pgbouncer-")
        .tempdir_in("/tmp")
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let p = dir.path();
    std::fs::write(
        p.join("userlist.txt"),
        format!("\"postgres\" \"{}\"\n", server.password()),
    )
    .unwrap();
    std::fs::write(
        p.join("pgbouncer.ini"),
        format!(
            "[databases]\npostgres = host=127.0.0.1 port={} dbname=postgres\n\n[pgbouncer]\n\
             listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = scram-sha-256\nauth_file = {}/userlist.txt\npool_mode = transaction\n\
             logfile = {}/pgbouncer.log\npidfile = {}/pgbouncer.pid\n",
            server.port(),
            p.display(),
            p.display(),
            p.display()
        ),
    )
    .unwrap();
    let mut cmd = Command::new(bin);
    cmd.arg(p.join("pgbouncer.ini"));
    if migcheck_pg::server::is_root() {
        let (uid, gid) = migcheck_pg::server::unprivileged_user()
            .expect("an unprivileged user to run pgbouncer as");
        for f in ["", "userlist.txt", "pgbouncer.ini"] {
            std::os::unix::fs::chown(p.join(f), Some(uid), Some(gid)).unwrap();
        }
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700)).unwrap();
        cmd.uid(uid).gid(gid);
    }
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pgbouncer starts");
    // Ready when it accepts connections.
    let began = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "pgbouncer did not listen: {}",
            std::fs::read_to_string(p.join("pgbouncer.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Pgbouncer {
        child,
        port,
        _dir: dir,
    }
}

#[test]
fn the_same_migration_is_a_note_on_a_small_table_and_an_error_on_a_large_one() {
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        settings: vec![("log_statement".into(), "all".into())],
        ..ServerOptions::default()
    })
    .expect("server starts");
    block_on(async {
        let c = connect(&server.connection_config()).await.unwrap();
        c.batch_execute(
            "CREATE TABLE small (id bigint PRIMARY KEY, a int, c timestamptz);
             INSERT INTO small SELECT g, g, now() FROM generate_series(1, 40) g;
             CREATE TABLE big (id bigint PRIMARY KEY, a int, b text, c timestamptz);
             INSERT INTO big SELECT g, (g::bigint * 7919) % 1000003, md5(g::text), now() FROM generate_series(1, 1200000) g;
             CREATE TABLE parted (id bigint, a int) PARTITION BY RANGE (id);
             CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (600000);
             CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (600000) TO (3000000);
             INSERT INTO parted SELECT g, g FROM generate_series(1, 1100000) g;
             CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
",
        )
        .await
        .unwrap();
        // One statement per message: VACUUM refuses a multi-statement one (a transaction).
        for sql in [
            "VACUUM ANALYZE small",
            "VACUUM ANALYZE big",
            "VACUUM ANALYZE parted",
            "SELECT pg_stat_reset()",
        ] {
            c.batch_execute(sql).await.unwrap();
        }
    });
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let url = server.superuser_url();
    let log = server.data_dir().parent().unwrap().join("postgres.log");

    // Live, straight to the server.
    let before = log_len(&log);
    let live = run(
        dir.path(),
        &["check", "--database-url", &url, "--format", "json"],
    );
    assert_eq!(live.code, 1, "{}", live.stderr);
    let doc = json(&live.stdout);
    let rows = |r: &str, l: u64, s: &str, t: &str, w: &str| {
        (
            r.to_string(),
            l,
            s.to_string(),
            t.to_string(),
            w.to_string(),
        )
    };
    assert_eq!(
        weighed(&doc),
        vec![
            rows(
                "require-concurrent-index",
                1,
                "note",
                "public.small",
                "index build"
            ),
            rows(
                "require-concurrent-index",
                2,
                "error",
                "public.big",
                "index build"
            ),
            rows(
                "require-concurrent-index",
                3,
                "note",
                "public.fresh",
                "index build"
            ),
            rows("lock-timeout-missing", 4, "error", "public.big", "scan"),
            rows("set-not-null", 4, "error", "public.big", "scan"),
            rows(
                "require-concurrent-index",
                5,
                "error",
                "public.parted",
                "index build"
            ),
        ]
    );
    let impact_of = |rule: &str, line: u64| {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule && d["line"] == line)
            .map(|d| d["impact"].clone())
            .unwrap()
    };
    let big = &impact_of("require-concurrent-index", 2);
    assert!(big["rows"].as_u64().unwrap() > 1_000_000, "{big}");
    assert!(big["heap_bytes"].as_u64().unwrap() > 50 << 20, "{big}");
    assert!(big["estimate_seconds"].as_f64().unwrap() > 0.0, "{big}");
    assert!(
        big["reason"].as_str().unwrap().contains("`large_rows`"),
        "{big}"
    );
    assert_eq!(impact_of("require-concurrent-index", 3)["exists"], false);
    // A partitioned table has no storage of its own: its figures are its partitions'.
    let parted = impact_of("require-concurrent-index", 5);
    assert!(parted["rows"].as_u64().unwrap() > 1_000_000, "{parted}");
    assert!(
        parted["heap_bytes"].as_u64().unwrap() > 10 << 20,
        "{parted}"
    );
    assert_eq!(doc["impact"]["round_trips"], 1);
    assert_eq!(doc["summary"]["notes"], 2);
    assert!(!doc["impact"]["source"]
        .as_str()
        .unwrap()
        .contains(server.password()));

    // Read-only, proven by the server's own log: one message, a read-only transaction that
    // ends in ROLLBACK, reading nothing but the catalog and statistics views.
    let logged = statements_logged(&log, before);
    assert_eq!(logged.len(), 1, "{logged:#?}");
    assert!(
        logged[0].starts_with("START TRANSACTION READ ONLY;"),
        "{}",
        logged[0]
    );
    assert!(logged[0].ends_with("ROLLBACK"), "{}", logged[0]);
    for word in [
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "ALTER",
        "DROP",
        "FROM small",
        "FROM big",
    ] {
        assert!(!logged[0].contains(word), "{word} in {}", logged[0]);
    }

    // Through PgBouncer in transaction mode: the same findings, the same figures.
    let bouncer = pgbouncer(&server);
    let pooled_url = format!(
        "postgresql://postgres:{}@127.0.0.1:{}/postgres",
        server.password(),
        bouncer.port
    );
    let pooled = run(
        dir.path(),
        &["check", "--database-url", &pooled_url, "--format", "json"],
    );
    assert_eq!(pooled.code, 1, "{}", pooled.stderr);
    let mut pooled_doc = json(&pooled.stdout);
    let mut live_doc = doc.clone();
    for d in [&mut pooled_doc, &mut live_doc] {
        d["impact"]["source"] = Value::Null;
        d["impact"]["taken_at"] = Value::Null;
    }
    assert_eq!(pooled_doc, live_doc);

    // A role that cannot read a row of these tables reads the same figures.
    let reader_url = format!(
        "postgresql://reader:reader-pw@127.0.0.1:{}/postgres?sslmode=disable",
        server.port()
    );
    let reader = run(
        dir.path(),
        &["check", "--database-url", &reader_url, "--format", "json"],
    );
    assert_eq!(reader.code, 1, "{}", reader.stderr);
    assert_eq!(weighed(&json(&reader.stdout)), weighed(&doc));

    // A snapshot (`migcheck stats`) gives the same weighing without credentials.
    let stats_file = dir.path().join("migcheck-stats.json");
    let wrote = run(
        dir.path(),
        &[
            "stats",
            "--database-url",
            &url,
            "--output",
            "migcheck-stats.json",
        ],
    );
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    let snapshot: Value = json(&std::fs::read_to_string(&stats_file).unwrap());
    assert_eq!(snapshot["kind"], "migcheck-stats");
    assert_eq!(snapshot["complete"], true);
    let names: Vec<&str> = snapshot["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["big", "parted", "parted_1", "parted_2", "small"]);
    let offline = run(
        dir.path(),
        &[
            "check",
            "--stats",
            "migcheck-stats.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(offline.code, 1, "{}", offline.stderr);
    assert_eq!(weighed(&json(&offline.stdout)), weighed(&doc));
    assert!(!std::fs::read_to_string(&stats_file)
        .unwrap()
        .contains(server.password()));
}

/// A snapshot written for the tests: `public.orders` large and busy, `public.flags` small.
fn snapshot(age_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    format!(
        r#"{{
  "kind": "migcheck-stats",
  "version": 1,
  "taken_at": "2026-12-01T09:30:00Z",
  "taken_at_unix": {},
  "database": "postgresql://postgres@db.example.supabase.co:5432/postgres",
  "server_version": "15.8",
  "complete": true,
  "tables": [
    {{ "schema": "public", "name": "flags", "rows": 12, "heap_bytes": 8192, "index_bytes": 16384, "toast_bytes": 0, "writes_per_second": 0.01 }},
    {{ "schema": "public", "name": "orders", "rows": 12400000, "heap_bytes": 2684354560, "index_bytes": 536870912, "toast_bytes": 8192, "writes_per_second": 85.3 }}
  ]
}}
"#,
        now - age_seconds
    )
}

fn orders_project(dir: &Path, age_seconds: i64) {
    write(
        &dir.join("supabase/migrations/20240101000000_orders.sql"),
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);\nCREATE INDEX flags_name ON flags (name);\nALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid();\n",
    );
    write(&dir.join("stats.json"), &snapshot(age_seconds));
}

#[test]
fn every_format_shows_the_impact() {
    let dir = tempfile::tempdir().unwrap();
    orders_project(dir.path(), 3 * 3600);
    for format in ["human", "markdown", "sarif", "github", "concise"] {
        let r = run(
            dir.path(),
            &["check", "--stats", "stats.json", "--format", format],
        );
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        let mut out = r.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
        if format == "concise" {
            out.push_str(&r.stderr);
        }
        insta::assert_snapshot!(format!("impact_{format}"), out);
    }
}

#[test]
fn a_stale_snapshot_is_warned_about_and_still_used() {
    let dir = tempfile::tempdir().unwrap();
    orders_project(dir.path(), 30 * 86_400);
    let r = run(
        dir.path(),
        &["check", "--stats", "stats.json", "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "warning: the snapshot stats.json is 30 days old (over `stale_after_days` = 7)"
        ),
        "{}",
        r.stderr
    );
    let doc = json(&r.stdout);
    assert_eq!(doc["impact"]["age_seconds"].as_u64().unwrap() / 86_400, 30);
    assert_eq!(weighed(&doc).len(), 4);
    // `stale_after_days` is the team's to set; `[impact] stats` makes the snapshot the default.
    write(
        &dir.path().join("migcheck.toml"),
        "[impact]\nstale_after_days = 60\nstats = \"stats.json\"\n",
    );
    let r = run(dir.path(), &["check", "--format", "json"]);
    assert!(!r.stderr.contains("old"), "{}", r.stderr);
    assert_eq!(weighed(&json(&r.stdout)).len(), 4);
    // Not a snapshot: named, exit 2, findings still shown.
    write(&dir.path().join("stats.json"), "{\"version\": 1}");
    let r = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("stats.json:1: not a migcheck statistics snapshot"),
        "{}",
        r.stderr
    );
    assert_eq!(json(&r.stdout)["diagnostics"].as_array().unwrap().len(), 5);
}

#[test]
fn without_live_figures_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    orders_project(dir.path(), 0);
    let r = run(dir.path(), &["check", "--format", "json"]);
    let doc = json(&r.stdout);
    assert!(doc.get("impact").is_none());
    assert!(doc["summary"].get("notes").is_none());
    assert!(weighed(&doc).is_empty());
}

#[test]
fn a_frozen_network_ends_with_exit_2_and_the_findings_without_impact() {
    // A port that accepts the connection and never answers (a dead NAT entry, a stuck pooler).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for s in listener.incoming().take(1) {
            kept.push(s);
            std::thread::sleep(Duration::from_secs(30));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    orders_project(dir.path(), 0);
    let url = format!("postgresql://postgres:secret@127.0.0.1:{port}/postgres?sslmode=disable");
    let began = Instant::now();
    let r = run(
        dir.path(),
        &[
            "check",
            "--database-url",
            &url,
            "--connect-timeout",
            "2",
            "--format",
            "json",
        ],
    );
    // Bounded by the 2 s connection deadline, not by the network (which never answers).
    assert!(
        began.elapsed() < Duration::from_secs(25),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: cannot read table sizes from"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("findings are shown without impact"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("secret"), "{}", r.stderr);
    let doc = json(&r.stdout);
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 5);
    assert!(weighed(&doc).is_empty());
    assert_eq!(doc["impact"]["weighed"], 0);
    drop(held);
}

/// The steps a run counted (`MIGCHECK_WORK_STATS=1` prints `work: N steps, ...` at exit).
fn steps(dir: &Path, args: &[&str]) -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .args(args)
        .current_dir(dir)
        .env("MIGCHECK_WORK_STATS", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("work: "))
        .unwrap_or_else(|| panic!("no work line: {stderr}"));
    line.split(' ').next().unwrap().parse().unwrap()
}

/// Weighing N findings against a snapshot of N tables grows linearly (counted work, not time:
/// a search of the snapshot, or of the file's statements, for each finding was N² steps).
#[test]
fn weighing_grows_linearly_with_the_findings() {
    let extra = |n: usize| {
        let dir = tempfile::tempdir().unwrap();
        let mut sql = String::new();
        let mut tables = Vec::new();
        for i in 0..n {
            sql.push_str(&format!("CREATE INDEX t_{i}_a ON t_{i} (a);\n"));
            tables.push(format!(
                r#"{{"schema": "public", "name": "t_{i}", "rows": 50000, "heap_bytes": 4194304, "index_bytes": 1048576, "toast_bytes": 0}}"#
            ));
        }
        write(
            &dir.path()
                .join("supabase/migrations/20240101000000_indexes.sql"),
            &sql,
        );
        write(
            &dir.path().join("stats.json"),
            &format!(
                r#"{{"kind": "migcheck-stats", "version": 1, "taken_at": "2026-12-01T09:30:00Z", "taken_at_unix": 1796117400, "database": "x", "server_version": "15", "complete": true, "tables": [{}]}}"#,
                tables.join(",")
            ),
        );
        let base = ["check", "--format", "json", "--no-cache"];
        let plain = steps(dir.path(), &base);
        let mut with = base.to_vec();
        with.extend(["--stats", "stats.json"]);
        steps(dir.path(), &with) - plain
    };
    let (small, large) = (extra(1000), extra(2000));
    assert!(small > 0);
    assert!(
        (large as f64) < 2.5 * small as f64,
        "1,000 findings: {small} extra steps; 2,000: {large}"
    );
}

/// Connection settings that cannot be used are said, not a silent exit 2.
#[test]
fn an_unusable_database_url_is_said_and_the_findings_still_shown() {
    let dir = tempfile::tempdir().unwrap();
    orders_project(dir.path(), 0);
    let r = run(
        dir.path(),
        &[
            "check",
            "--database-url",
            "mysql://db/x",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: cannot read table sizes: "),
        "{}",
        r.stderr
    );
    assert_eq!(json(&r.stdout)["diagnostics"].as_array().unwrap().len(), 5);
}
