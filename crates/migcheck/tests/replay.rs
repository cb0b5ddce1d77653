//! `migcheck replay` end to end: the binary, real throwaway servers.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use std::time::{Duration, Instant};
use support::{stderr, stdout, workspace as root};

/// Runs `migcheck args...` at the repository root.
fn migcheck(args: &[&str]) -> Output {
    support::migcheck(&root(), args)
}

#[test]
fn hotdash_human() {
    let o = migcheck(&["replay", "testdata/examples/hotdash"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("20251022080000_tile_settings.sql:10:13"),
        "{out}"
    );
    // Timings and the server go to stderr; stdout names no port or temporary path.
    assert!(!out.contains("/tmp/"), "{out}");
    assert!(stderr(&o).contains("started in"), "{}", stderr(&o));
    insta::assert_snapshot!(out);
}

#[test]
fn fixtures_human_exit_0() {
    let o = migcheck(&["replay", "testdata/replay"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn hotdash_json_and_markdown() {
    let o = migcheck(&["replay", "--format", "json", "testdata/examples/hotdash"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let failed: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "replay-failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["line"], 10);
    assert_eq!(failed[0]["column"], 13);
    assert_eq!(failed[0]["severity"], "error");
    let sets = v["verify"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0]["kind"], "prisma");
    assert_eq!(sets[0]["verify"]["ok"], false);
    assert_eq!(sets[1]["kind"], "supabase");
    assert!(sets[1]["verify"].is_null());
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);

    let o = migcheck(&[
        "replay",
        "--format",
        "markdown",
        "testdata/examples/hotdash",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let md = stdout(&o);
    assert!(md.starts_with("## migcheck replay\n"), "{md}");
    assert!(md.contains("| error | [`replay-failed`]"), "{md}");
    assert!(
        md.contains("| **fail** | `rls-enabled` | public.\"Session\""),
        "{md}"
    );
}

#[test]
fn no_server_binaries_exit_2() {
    let o = migcheck(&["replay", "--pg-bin", "/nonexistent/bin", "testdata/replay"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not contain PostgreSQL server binaries"));
    let o = migcheck(&[
        "replay",
        "--pg-version",
        "99",
        "--strict-pg-version",
        "testdata/replay",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("install them with"), "{}", stderr(&o));
    // The hint names a source that has every major (Debian 12 itself ships only 15).
    if std::path::Path::new("/etc/debian_version").exists() {
        assert!(stderr(&o).contains("apt.postgresql.org"), "{}", stderr(&o));
    }
    let o = migcheck(&["replay", "testdata/does-not-exist"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn keep_leaves_the_server_running() {
    let o = migcheck(&["replay", "--keep", "testdata/replay/concurrently"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let line = |prefix: &str| {
        err.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(str::trim))
            .unwrap_or_else(|| panic!("no `{prefix}` in {err}"))
            .to_string()
    };
    let stop = line("stop:");
    let dir = PathBuf::from(line("then remove its directory: rm -rf"));
    // Whatever happens below, do not leave the server behind.
    struct Cleanup(PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if let Ok(pid) = std::fs::read_to_string(self.0.join("data/postmaster.pid")) {
                if let Some(pid) = pid.lines().next() {
                    let _ = Command::new("kill").args(["-INT", pid]).status();
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(dir.clone());
    assert!(line("connect:").contains("postgresql://postgres@/postgres?host="));
    assert!(dir.join("data/postmaster.pid").is_file(), "{err}");
    let pid = std::fs::read_to_string(dir.join("data/postmaster.pid")).unwrap();
    let pid = pid.lines().next().unwrap().to_string();
    let status = Command::new("sh").arg("-c").arg(&stop).status().unwrap();
    assert!(status.success(), "{stop}");
    // A hang guard, not a measure of speed (issue 26): a fast shutdown takes well under a
    // second, but a loaded machine may take seconds; a command that does not stop the server
    // never ends the loop.
    let began = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            began.elapsed() < Duration::from_secs(120),
            "{stop} did not stop it"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The postgres server started by `pid`, and its data directory.
fn child_postgres(pid: u32) -> Option<(u32, PathBuf)> {
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
        let ppid: Option<u32> = after.split_whitespace().nth(1).and_then(|s| s.parse().ok());
        if ppid != Some(pid) {
            continue;
        }
        let cmd = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
        let args: Vec<String> = cmd
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if let Some(i) = args.iter().position(|a| a == "-D") {
            if args[0].ends_with("postgres") {
                return Some((p, PathBuf::from(&args[i + 1])));
            }
        }
    }
    None
}

#[test]
fn ctrl_c_stops_and_removes_the_server() {
    let set = tempfile::tempdir().unwrap();
    std::fs::write(set.path().join("slow.sql"), "select pg_sleep(60);\n").unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .arg("replay")
        .arg(set.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let began = Instant::now();
    let (pg, data) = loop {
        if let Some(found) = child_postgres(child.id()) {
            break found;
        }
        // A hang guard (initdb on a loaded machine takes seconds, not minutes).
        assert!(began.elapsed() < Duration::from_secs(120), "no server");
        std::thread::sleep(Duration::from_millis(50));
    };
    // Let it reach the slow statement.
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("stopped and removed"));
    assert!(!data.exists(), "{} still exists", data.display());
    assert!(
        !Path::new(&format!("/proc/{pg}")).exists(),
        "postgres {pg} still runs"
    );
}

/// Issue 12 item 8: replay writes golang-migrate's `schema_migrations (version bigint, dirty
/// boolean)` as golang-migrate/migrate `database/postgres/postgres.go` `SetVersion` does (one
/// row, dirty while the file runs), so a migration that alters the table applies, and verify
/// reads it back.
#[test]
fn golang_migrate_history_is_written_the_way_the_tool_does() {
    let o = migcheck(&["replay", "testdata/tools/golang-migrate-history"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("golang-migrate"), "{out}");
    assert!(
        out.contains("2_history_note: recorded in public.schema_migrations"),
        "{out}"
    );
}

/// Issue 29 item 3: a project whose Supabase set creates an extension this machine's server
/// lacks (`vector`: no Debian package of PostgreSQL 15 has it) and whose Prisma set needs
/// none. The missing extension stops its own set only; every format prints the report on
/// stdout (files applied of total, where and why it stopped) and the exit code is 2.
#[test]
fn missing_extension_stops_its_set_and_every_format_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("20240101000000_docs.sql"),
        "create table public.docs (id bigint primary key);\nalter table public.docs enable row level security;\n",
    )
    .unwrap();
    std::fs::write(
        mig.join("20240102000000_embeddings.sql"),
        "create table public.chunks (id bigint primary key);\ncreate extension if not exists vector with schema extensions;\n",
    )
    .unwrap();
    let prisma = dir.path().join("prisma/migrations/20240101000000_init");
    std::fs::create_dir_all(&prisma).unwrap();
    std::fs::write(
        prisma.join("migration.sql"),
        "CREATE TABLE \"Account\" (\"id\" SERIAL PRIMARY KEY);\nALTER TABLE \"Account\" ENABLE ROW LEVEL SECURITY;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("prisma/migrations/migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    let bin = migcheck_pg::replay::bin_dir(None, None).unwrap();
    if migcheck_pg::replay::extension_installed(&bin, "vector") {
        return;
    }
    let run = |format: &str| support::migcheck(dir.path(), &["replay", "--format", format, "."]);
    let o = run("human");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("applied 1 of 2 migrations"), "{out}");
    assert!(out.contains("applied 1 of 1 migrations"), "{out}");
    insta::assert_snapshot!("missing_extension_human", out);

    let o = run("json");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let sets = v["verify"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    let supa = sets.iter().find(|s| s["kind"] == "supabase").unwrap();
    assert_eq!(
        (supa["applied"].as_u64(), supa["files"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(supa["stopped_line"], 2);
    assert_eq!(supa["missing_extension"], "vector");
    assert!(supa["stop_reason"]
        .as_str()
        .unwrap()
        .contains("--server-url"));
    assert!(supa["verify"].is_null());
    let prisma = sets.iter().find(|s| s["kind"] == "prisma").unwrap();
    assert_eq!(prisma["applied"], 1);
    assert_eq!(prisma["verify"]["ok"], true);
    assert!(v["error"].is_null());

    let o = run("markdown");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    insta::assert_snapshot!("missing_extension_markdown", stdout(&o));
}

/// Issue 29 item 3: a run that cannot start still prints its report on stdout, in every format.
#[test]
fn a_run_that_cannot_start_reports_on_stdout() {
    for (format, expect) in [
        ("human", "replay did not finish: "),
        ("json", "\"error\": \""),
        ("markdown", "❌ **Did not finish**: "),
    ] {
        let o = migcheck(&[
            "replay",
            "--format",
            format,
            "--pg-bin",
            "/nonexistent/bin",
            "testdata/replay",
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stdout(&o).contains(expect), "{format}: {}", stdout(&o));
        assert!(stdout(&o).contains("/nonexistent/bin"), "{}", stdout(&o));
    }
}

/// Issue 29 item 4: replay's markdown at 2,000 tables, 4,000 findings (a lock and a rewrite on
/// each table a later file alters) fits a pull-request comment: errors first, the table cut
/// with a count and a pointer to the JSON, passes counted (it was 1,156,469 characters).
#[test]
fn markdown_at_2000_tables_fits_a_pull_request_comment() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    let (mut create, mut alter) = (String::new(), String::new());
    for i in 0..2000 {
        let _ = writeln!(
            create,
            "create table public.t{i} (id bigint primary key, title text not null);\n\
             alter table public.t{i} enable row level security;\n\
             create policy \"all read t{i}\" on public.t{i} for select using (true);"
        );
        let _ = writeln!(
            alter,
            "alter table public.t{i} alter column id type numeric;"
        );
    }
    std::fs::write(mig.join("20240101000000_tables.sql"), create).unwrap();
    std::fs::write(mig.join("20240102000000_widen.sql"), alter).unwrap();
    let o = support::migcheck(dir.path(), &["replay", "--format", "markdown", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    eprintln!(
        "replay markdown at 2,000 tables: {} characters",
        md.chars().count()
    );
    assert!(md.len() < 60_000, "{}", md.len());
    assert!(md.contains("more findings; run `migcheck replay --format json` for all of them."));
    insta::assert_snapshot!(md);
}

/// Issue 29 item 8: `--pg-version N` with N not installed runs on the installed major, with a
/// warning naming what may differ and where N comes from; `--strict-pg-version` stops instead.
#[test]
fn a_missing_pg_version_runs_on_the_installed_one_with_a_warning() {
    let installed = migcheck_pg::replay::bin_dir(None, None).unwrap();
    let major: u32 = installed
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|v| v.to_str()?.parse().ok())
        .unwrap_or(15);
    let wanted = (major + 1..major + 20)
        .find(|v| !std::path::Path::new(&format!("/usr/lib/postgresql/{v}/bin")).exists())
        .unwrap();
    let wanted = wanted.to_string();
    let o = migcheck(&[
        "replay",
        "--pg-version",
        &wanted,
        "testdata/replay/concurrently",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "warning: PostgreSQL {wanted} is not installed, so this replay ran on the installed PostgreSQL {major}; what PostgreSQL {wanted} accepts and {major} does not may fail here ("
        )),
        "{err}"
    );
    assert!(err.contains("--strict-pg-version"), "{err}");
    // In the report on stdout too.
    let o = migcheck(&[
        "replay",
        "--format",
        "json",
        "--pg-version",
        &wanted,
        "testdata/replay/concurrently",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("warning: PostgreSQL {wanted} is not installed")),
        "{v}"
    );
    let o = migcheck(&[
        "replay",
        "--pg-version",
        &wanted,
        "--strict-pg-version",
        "testdata/replay/concurrently",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stdout(&o)
            .lines()
            .next()
            .map(|l| l.starts_with("replay did not finish: ")),
        Some(true),
        "{}",
        stdout(&o)
    );
}
