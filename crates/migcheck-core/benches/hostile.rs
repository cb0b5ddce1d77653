//! Hostile input at scale: time and peak memory of the release binary on generated files that
//! once took time quadratic in their length, or memory far beyond their size (issue 16).
//!
//! `cargo build --release -p migcheck && cargo bench -p migcheck-core --bench hostile`
//!
//! 1. For each shape, one Supabase migration of N statements (or one statement of N parts) after
//!    a migration that makes 100 tables: `check --format json` at N and 2N, three alternating
//!    runs each, medians. The ratio 2N/N is about 2 for linear work and 4 for quadratic.
//! 2. Peak memory on files of about 10 MB of one statement shape, as a multiple of the file's
//!    size (`docs/limits.md` quotes these figures).
//!
//! Files go under `target/bench-hostile` (deterministic: the same files every run). Unix only
//! for memory (the peak comes from `wait4`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

mod common;
use common::{median, migcheck_bin};

/// One statement (or part) `i` of a shape; for [`LONG`], the whole statement of `n` parts.
type Part = fn(usize) -> String;

/// Shapes that scanned the rest of the file per statement, or a list per part.
const LINEAR: &[(&str, Part, usize)] = &[
    (
        "add column not null",
        |i| {
            format!(
                "alter table public.t{} add column c{i} int not null;\n",
                i % 100
            )
        },
        40_000,
    ),
    (
        "drop constraint",
        |i| format!("alter table public.t{0} drop constraint k{0};\n", i % 100),
        40_000,
    ),
    (
        "add value + select it",
        |i| format!("alter type public.e add value 'v{i}';\nselect 'v{i}' = 'w';\n"),
        20_000,
    ),
    (
        "not valid + validate",
        |i| {
            format!("alter table public.t{0} add constraint n{i} check (c > 0) not valid;\nalter table public.t{0} validate constraint n{i};\n", i % 100)
        },
        20_000,
    ),
    (
        "plpgsql function + call",
        |i| {
            format!("create function public.f{i}() returns void language plpgsql as $$ begin alter table public.t{} add column z{i} int; end $$;\nselect public.f{i}();\n", i % 100)
        },
        20_000,
    ),
    (
        "security definer",
        |i| {
            format!("create function public.s{i}() returns int language sql security definer as $$ select 1 $$;\n")
        },
        40_000,
    ),
    (
        "allow directive + drop",
        |i| {
            format!("-- migcheck:allow drop-column reason: generated\nalter table public.t{} drop column c;\n", i % 100)
        },
        40_000,
    ),
    (
        "table without key",
        |i| format!("create table public.q{i} (id bigint);\n"),
        20_000,
    ),
    (
        "rename table",
        |i| format!("alter table public.r{i} rename to r{};\n", i + 1),
        40_000,
    ),
    (
        "drop table, unqualified",
        |i| format!("drop table x{i};\n"),
        40_000,
    ),
    (
        "revoke + drop table",
        |i| {
            format!(
                "revoke all on public.t{} from anon;\ndrop table public.z{i};\n",
                i % 100
            )
        },
        20_000,
    ),
    (
        "rename type + drop type",
        |i| format!("alter type public.y{i} rename to z{i};\ndrop type public.w{i};\n"),
        40_000,
    ),
];

/// Shapes of one statement with many parts: (name, the statement of N parts, N).
const LONG: &[(&str, Part, usize)] = &[
    (
        "one ALTER TABLE, N actions",
        |n| {
            let a: Vec<String> = (0..n).map(|i| format!("add column c{i} int")).collect();
            format!("alter table public.t0 {};\n", a.join(", "))
        },
        40_000,
    ),
    (
        "one DROP TABLE, N names",
        |n| {
            let a: Vec<String> = (0..n).map(|i| format!("public.x{i}")).collect();
            format!("drop table {};\n", a.join(", "))
        },
        40_000,
    ),
];

/// Statement shapes for the memory table, each repeated to about 10 MB.
const MEMORY: &[(&str, Part)] = &[
    ("insert ... values", |i| {
        format!(
            "insert into public.t{} (id, c) values ({i}, {i});\n",
            i % 100
        )
    }),
    ("alter table ... drop column", |i| {
        format!("alter table public.t{} drop column c{i};\n", i % 100)
    }),
    ("create index", |i| {
        format!("create index i{i} on public.t{} (c);\n", i % 100)
    }),
    ("add column ... not null", |i| {
        format!(
            "alter table public.t{} add column c{i} int not null;\n",
            i % 100
        )
    }),
    ("create table (3 findings each)", |i| {
        format!("create table public.n{i} (id bigint primary key, c timestamp, d json);\n")
    }),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-hostile")
}

/// A Supabase project: 100 tables with a constraint and a policy each, an enum, then `big`.
fn project(name: &str, big: &str) -> (PathBuf, usize) {
    let dir = root().join(name);
    let migrations = dir.join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(dir.join("supabase/config.toml"), "").unwrap();
    let mut init = String::from("create type public.e as enum ('a');\n");
    for k in 0..100 {
        init += &format!(
            "create table public.t{k} (id bigint primary key, c int, s public.e);\n\
             alter table public.t{k} enable row level security;\n\
             alter table public.t{k} add constraint k{k} check (c > 0);\n\
             create policy p{k} on public.t{k} using (true);\n"
        );
    }
    std::fs::write(migrations.join("20240101000000_init.sql"), init).unwrap();
    std::fs::write(migrations.join("20240102000000_big.sql"), big).unwrap();
    (dir, big.len())
}

/// Wall seconds and peak resident memory (bytes, when the platform tells) of one run.
fn measure(bin: &Path, dir: &Path) -> (f64, Option<u64>) {
    let t = Instant::now();
    let mut child = Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start migcheck");
    let peak = reap(&mut child);
    (t.elapsed().as_secs_f64(), peak)
}

#[cfg(unix)]
fn reap(child: &mut std::process::Child) -> Option<u64> {
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in; the pid is our child's,
    // reaped here once (std's handle is not waited on afterwards).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    // ru_maxrss is in kilobytes on Linux.
    (r == pid).then(|| usage.ru_maxrss as u64 * 1024)
}

#[cfg(not(unix))]
fn reap(child: &mut std::process::Child) -> Option<u64> {
    let _ = child.wait();
    None
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Times `file(n)` and `file(2n)`, alternating, three runs each.
fn scaling(bin: &Path, name: &str, file: &dyn Fn(usize) -> String, n: usize) {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let (small, _) = project(&format!("{slug}-{n}"), &file(n));
    let (large, size) = project(&format!("{slug}-{}", 2 * n), &file(2 * n));
    let (mut a, mut b, mut peak) = (Vec::new(), Vec::new(), 0);
    for _ in 0..3 {
        a.push(measure(bin, &small).0);
        let (t, p) = measure(bin, &large);
        b.push(t);
        peak = peak.max(p.unwrap_or(0));
    }
    let (a, b) = (median(a), median(b));
    println!(
        "{name:<28} N={n:<6} {:>7.2} s | 2N {:>7.2} s | 2N/N {:>4.1} | 2N: {:>5.1} MB in, peak {:>6.1} MB",
        a,
        b,
        b / a,
        mib(size as u64),
        mib(peak),
    );
}

fn main() {
    let Some(bin) = migcheck_bin() else {
        println!("build `cargo build --release -p migcheck` (or set MIGCHECK_BIN) first");
        return;
    };
    println!("time for N and 2N (medians of 3; about 2 is linear, 4 quadratic):");
    for (name, part, n) in LINEAR {
        scaling(&bin, name, &|n| (0..n).map(part).collect(), *n);
    }
    for (name, file, n) in LONG {
        scaling(&bin, name, file, *n);
    }
    println!("\npeak memory on about 10 MB of one statement shape (goal: at most 20x the file):");
    for (name, part) in MEMORY {
        let mut sql = String::new();
        let mut i = 0;
        while sql.len() < 10_000_000 {
            sql += &part(i);
            i += 1;
        }
        let slug: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
        let (dir, size) = project(&format!("mem-{slug}"), &sql);
        let (t, peak) = measure(&bin, &dir);
        let peak = peak.unwrap_or(0);
        println!(
            "{name:<32} {i:>7} statements {:>5.1} MB | {t:>6.2} s | peak {:>6.1} MB = {:>5.1}x",
            mib(size as u64),
            mib(peak),
            peak as f64 / size as f64,
        );
    }
}
