//! Benchmark (issue 12 item 7): `replay` of a generated Supabase set of N tables (one file,
//! and N files) against `psql` applying the same SQL the way the Supabase CLI does (one
//! transaction per file, one session), on the same kind of throwaway server.
//!
//! `cargo run --release -p migcheck-pg --example replay_scale [N]` (default 2000). Prints the
//! times side by side and the ratio; the goal is replay < 3× psql. Both sides exclude server
//! start-up; replay includes what replay does on top (the Supabase baseline, the lock trace,
//! the history rows and the verify pass at the end).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use migcheck_pg::replay::{run_blocking, ReplayOptions};
use migcheck_pg::server::find_bin_dir;
use migcheck_pg::{ServerOptions, ThrowawayServer};

fn table_sql(i: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "create table public.t{i} (id bigint generated always as identity primary key, owner uuid, \
         title text not null, body text, created_at timestamptz not null default now());"
    );
    let _ = writeln!(s, "create index t{i}_owner on public.t{i} (owner);");
    let _ = writeln!(s, "alter table public.t{i} enable row level security;");
    let _ = writeln!(
        s,
        "create policy \"owner reads t{i}\" on public.t{i} for select using (owner is not null);"
    );
    s
}

/// Writes the set: `files` migration files sharing `n` tables.
fn write_set(dir: &Path, n: usize, files: usize) {
    let mig = dir.join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    let per = n.div_ceil(files);
    for f in 0..files {
        let mut sql = String::new();
        for i in f * per..((f + 1) * per).min(n) {
            sql.push_str(&table_sql(i));
        }
        std::fs::write(
            mig.join(format!("{:014}_part{f}.sql", 20240101000000u64 + f as u64)),
            sql,
        )
        .unwrap();
    }
}

/// Replay's time without server start-up, and the part spent applying and verifying the set
/// (the rest: reading and parsing the files, the Supabase baseline's database).
fn replay_time(dir: &Path) -> (Duration, Duration, usize) {
    let o = run_blocking(&[dir.to_path_buf()], &ReplayOptions::default()).expect("replay runs");
    let failed = o
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "replay-failed")
        .count();
    assert_eq!(failed, 0, "{:#?}", o.report.findings.get(0));
    let applied: usize = o.sets.iter().map(|s| s.applied).sum();
    let sets: Duration = o.sets.iter().map(|s| s.elapsed).sum();
    (o.total - o.startup, sets, applied)
}

fn psql_time(dir: &Path) -> Duration {
    let server = ThrowawayServer::start(ServerOptions::default()).expect("server starts");
    let psql = find_bin_dir(None).unwrap().join("psql");
    let mig = dir.join("supabase/migrations");
    let mut files: Vec<_> = std::fs::read_dir(&mig)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut script = String::from("\\set ON_ERROR_STOP on\ncreate database bench;\n\\c bench\n");
    for f in &files {
        let _ = writeln!(script, "begin;\n\\i {}\ncommit;", f.display());
    }
    let script_path = dir.join("apply.psql");
    std::fs::write(&script_path, script).unwrap();
    let t = Instant::now();
    let out = Command::new(psql)
        .args(["-X", "-q", "-U", "postgres", "-d", "postgres", "-h"])
        .arg(server.socket_dir())
        .arg("-p")
        .arg(server.port().to_string())
        .arg("-f")
        .arg(&script_path)
        .output()
        .unwrap();
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    println!("{n} tables (each: table with identity PK, index, RLS, policy)");
    for files in [1, n] {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), n, files);
        // The machine is shared: psql runs before and after replay, and the mean is compared.
        let before = psql_time(dir.path());
        let (replay, applying, applied) = replay_time(dir.path());
        let after = psql_time(dir.path());
        let psql = (before + after) / 2;
        println!(
            "      psql before {:.2} s, after {:.2} s",
            before.as_secs_f64(),
            after.as_secs_f64()
        );
        assert_eq!(applied, files);
        println!(
            "{files:>5} file(s): psql {:>7.2} s   replay {:>7.2} s (applying + verifying {:.2} s)   ratio {:.2}x",
            psql.as_secs_f64(),
            replay.as_secs_f64(),
            applying.as_secs_f64(),
            replay.as_secs_f64() / psql.as_secs_f64()
        );
    }
}
