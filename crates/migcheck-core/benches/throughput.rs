//! Lint throughput on a realistic corpus, side by side with squawk when it is installed.
//!
//! `cargo bench -p migcheck-core --bench throughput`
//!
//! 1. Generates a corpus of Supabase-style migration sets under `target/bench-corpus`
//!    (deterministic: the same files every run) and lints it in-process.
//! 2. Lints `../shared/corpus` too when it exists (real migrations; never copied).
//! 3. Runs the release `migcheck` binary (`MIGCHECK_BIN`, else `target/release/migcheck`) and
//!    `squawk` (`pip install squawk-cli`) as processes on the same files, in alternating pairs
//!    after a warm-up, with the same kind of output on both sides (JSON against squawk's JSON
//!    reporter, then both default human outputs), and prints the medians of wall time, CPU time
//!    and peak memory, and the median of the per-pair ratios.
//! 4. Times a pre-commit style run on one file (the corpus's median-sized file in a Supabase
//!    project) against `migcheck --version`, the process start-up floor, the same way.
//!
//! Files are independent, so the engine parses them on every core (rayon).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use migcheck_core::lint::{check, CheckOptions};

mod common;
use common::{median, migcheck_bin, run_measured, Cost};

/// A small deterministic generator (xorshift), so the corpus needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "order",
    "invoice",
    "customer",
    "shop",
    "tile",
    "session",
    "event",
    "payment",
    "audit",
    "note",
    "inventory",
    "product",
    "variant",
    "refund",
    "webhook",
    "member",
    "team",
    "project",
    "task",
];
const TYPES: &[&str] = &[
    "text",
    "integer",
    "bigint",
    "uuid",
    "timestamptz",
    "boolean",
    "jsonb",
    "numeric(12, 2)",
    "text[]",
];

fn table_sql(rng: &mut Rng, name: &str) -> String {
    let mut cols = vec![
        "  id uuid primary key default gen_random_uuid()".to_string(),
        "  created_at timestamptz not null default now()".to_string(),
    ];
    for i in 0..(3 + rng.next() % 8) {
        let ty = rng.pick(TYPES);
        let w = rng.pick(WORDS);
        let null = if rng.next().is_multiple_of(3) {
            " not null"
        } else {
            ""
        };
        cols.push(format!("  {w}_{i} {ty}{null}"));
    }
    cols.push("  user_id uuid not null references auth.users (id) on delete cascade".into());
    let mut s = format!(
        "-- {name}: generated for the benchmark\ncreate table if not exists public.{name} (\n{}\n);\n\n",
        cols.join(",\n")
    );
    s.push_str(&format!(
        "create index if not exists {name}_user_idx on public.{name} (user_id, created_at desc);\n\n"
    ));
    s.push_str(&format!(
        "alter table public.{name} enable row level security;\n\n"
    ));
    s.push_str(&format!(
        "create policy \"owners read {name}\"\n  on public.{name} for select to authenticated\n  using ((select auth.uid()) = user_id);\n\n"
    ));
    s.push_str(&format!(
        "create policy \"owners write {name}\"\n  on public.{name} for insert to authenticated\n  with check ((select auth.uid()) = user_id);\n\n"
    ));
    if rng.next().is_multiple_of(4) {
        s.push_str(&format!(
            "create or replace function public.{name}_touch()\nreturns trigger\nlanguage plpgsql\nsecurity invoker\nset search_path = ''\nas $$\nbegin\n  new.created_at := now();\n  -- drop table is only text here\n  return new;\nend;\n$$;\n\ncreate trigger {name}_touch before update on public.{name}\n  for each row execute function public.{name}_touch();\n\n"
        ));
    }
    if rng.next().is_multiple_of(5) {
        s.push_str(&format!(
            "do $$\nbegin\n  if not exists (select 1 from pg_type where typname = '{name}_status') then\n    create type public.{name}_status as enum ('new', 'done');\n  end if;\nend\n$$;\n\n"
        ));
    }
    s.push_str(&format!(
        "comment on table public.{name} is 'Rows of {name}; see docs/{name}.md';\n"
    ));
    s
}

fn alter_sql(rng: &mut Rng, name: &str) -> String {
    let w = rng.pick(WORDS);
    match rng.next() % 4 {
        0 => format!("alter table public.{name} add column {w}_extra text;\n"),
        1 => format!("alter table public.{name} alter column created_at set default now();\n"),
        2 => format!("update public.{name} set created_at = now() where created_at is null;\n"),
        _ => format!(
            "grant select, insert on public.{name} to authenticated;\nrevoke all on public.{name} from anon;\n"
        ),
    }
}

/// Writes the generated corpus (when missing) and returns its root.
fn generated_corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-corpus");
    let marker = root.join(".complete-v1");
    if marker.exists() {
        return root;
    }
    let _ = std::fs::remove_dir_all(&root);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for app in 0..20 {
        let dir = root.join(format!("app{app:02}/supabase/migrations"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut tables = Vec::new();
        for n in 0..100u64 {
            let version = 20240101000000u64 + n * 100 + app;
            let sql = if n % 3 != 0 || tables.is_empty() {
                let name = format!("{}_{n}", rng.pick(WORDS));
                let sql = table_sql(&mut rng, &name);
                tables.push(name);
                sql
            } else {
                let t = tables[(rng.next() % tables.len() as u64) as usize].clone();
                alter_sql(&mut rng, &t)
            };
            std::fs::write(dir.join(format!("{version}_step_{n}.sql")), sql).unwrap();
        }
    }
    std::fs::write(&marker, "").unwrap();
    root
}

fn sql_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

fn mb(files: &[PathBuf]) -> f64 {
    files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum::<u64>() as f64
        / 1e6
}

/// Best of `runs` wall-clock times.
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn in_process(name: &str, root: &Path) {
    let files = sql_files(root);
    let size = mb(&files);
    let mut statements = 0;
    let t = best(5, || {
        let r = check(&[root.to_path_buf()], &CheckOptions::default());
        statements = r.statements;
    });
    println!(
        "{name:<22} {:>5} files {:>7} statements {:>6.2} MB  {:>8.1} ms  {:>7.2} MB/s  (in-process, {} threads)",
        files.len(),
        statements,
        size,
        t.as_secs_f64() * 1e3,
        size / t.as_secs_f64(),
        rayon::current_num_threads()
    );
}

/// Paired runs: `a` then `b`, `pairs` times after one warm-up of each, so both see the same
/// machine (a busy shared machine drifts). Returns the median wall time of each and the median
/// of the per-pair ratios a/b.
const PAIRS: usize = 11;
/// Pairs for the single-file run: a run takes milliseconds, and a few more of them steady the
/// median of a ratio between two short runs.
const SINGLE_PAIRS: usize = 41;

fn has_squawk() -> bool {
    Command::new("squawk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Medians of paired, alternating runs of two commands: wall and CPU time, peak memory, and the
/// median of the per-pair ratios.
struct Compared {
    a: [f64; 3],
    b: [f64; 3],
    wall_ratio: f64,
    cpu_ratio: f64,
}

fn compared(
    pairs: usize,
    mut a: impl FnMut() -> Command,
    mut b: impl FnMut() -> Command,
) -> Compared {
    run_measured(&mut a());
    run_measured(&mut b());
    let (mut ca, mut cb) = (Vec::new(), Vec::new());
    for _ in 0..pairs {
        ca.push(run_measured(&mut a()));
        cb.push(run_measured(&mut b()));
    }
    let med = |xs: &[Cost], f: fn(&Cost) -> f64| median(xs.iter().map(f).collect());
    let triple = |xs: &[Cost]| {
        [
            med(xs, |c| c.wall),
            med(xs, |c| c.cpu),
            med(xs, |c| c.peak_mb),
        ]
    };
    Compared {
        a: triple(&ca),
        b: triple(&cb),
        wall_ratio: median(ca.iter().zip(&cb).map(|(x, y)| x.wall / y.wall).collect()),
        cpu_ratio: median(ca.iter().zip(&cb).map(|(x, y)| x.cpu / y.cpu).collect()),
    }
}

/// Times the migcheck binary and squawk on the same files, side by side, with the same kind of
/// output on both sides: JSON (`check --format json` against `--reporter json`), then each
/// tool's default human-readable output. squawk's human reporter costs it about three times its
/// JSON one, so comparing our JSON with its human output would flatter us (issue 33). migcheck
/// runs without its parse cache (`--no-cache`): squawk has none, and a warm cache would flatter
/// us too.
fn side_by_side(name: &str, migcheck: &Path, root: &Path) {
    let files = sql_files(root);
    let size = mb(&files);
    if !has_squawk() {
        let mut runs = Vec::new();
        for _ in 0..PAIRS {
            let mut c = Command::new(migcheck);
            c.args(["check", "--no-cache", "--format", "json"])
                .args(&files);
            runs.push(run_measured(&mut c));
        }
        let wall = median(runs.iter().map(|c| c.wall).collect());
        println!(
            "{name:<22} migcheck json wall {:>7.1} ms {:>7.2} MB/s peak {:>6.1} MB; squawk not installed (pip install squawk-cli)",
            wall * 1e3,
            size / wall,
            median(runs.iter().map(|c| c.peak_mb).collect()),
        );
        return;
    }
    for (kind, ours, theirs) in [
        (
            "json",
            &["check", "--no-cache", "--format", "json"][..],
            &["--reporter", "json"][..],
        ),
        ("human", &["check", "--no-cache"][..], &[][..]),
    ] {
        let c = compared(
            PAIRS,
            || {
                let mut c = Command::new(migcheck);
                c.args(ours).args(&files);
                c
            },
            || {
                let mut c = Command::new("squawk");
                c.args(theirs).args(&files);
                c
            },
        );
        println!(
            "{name:<22} {kind:<5} | migcheck wall {:>7.1} ms cpu {:>7.1} ms peak {:>6.1} MB | squawk wall {:>7.1} ms cpu {:>7.1} ms peak {:>6.1} MB | migcheck/squawk wall {:.2} cpu {:.2} peak {:.2}",
            c.a[0] * 1e3,
            c.a[1] * 1e3,
            c.a[2],
            c.b[0] * 1e3,
            c.b[1] * 1e3,
            c.b[2],
            c.wall_ratio,
            c.cpu_ratio,
            c.a[2] / c.b[2],
        );
    }
}

/// One file of a Supabase project, as a pre-commit hook runs it, against the process start-up
/// floor (`migcheck --version`).
fn single_file(migcheck: &Path, root: &Path) {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-single/supabase/migrations");
    std::fs::create_dir_all(&dir).unwrap();
    // The median-sized file of the corpus.
    let mut files = sql_files(root);
    files.sort_by_key(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0));
    let Some(pick) = files.get(files.len() / 2) else {
        return;
    };
    let file = dir.join("20240101000000_one.sql");
    std::fs::copy(pick, &file).unwrap();
    let c = compared(
        SINGLE_PAIRS,
        || {
            let mut c = Command::new(migcheck);
            c.args(["check", "--no-cache"]).arg(&file);
            c
        },
        || {
            let mut c = Command::new(migcheck);
            c.arg("--version");
            c
        },
    );
    println!(
        "single file ({} bytes, {SINGLE_PAIRS} pairs)  migcheck check {:>6.1} ms | migcheck --version {:>6.1} ms | ratio = {ratio:.2} (goal <= 1.5)",
        std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0),
        c.a[0] * 1e3,
        c.b[0] * 1e3,
        ratio = c.wall_ratio,
    );
}

/// The newest file of a large Supabase set (capgo's 350 migrations in ../shared/corpus), as a
/// pre-commit hook checks it: without the parse cache against with a warm one, then the warm run
/// against the start-up floor (issue 30, item 7).
fn one_file_of_a_large_set(migcheck: &Path, root: &Path) {
    let set = root.join("Cap-go__capgo/supabase/migrations");
    let mut files = sql_files(&set);
    files.sort();
    let (Some(last), n) = (files.last(), files.len()) else {
        return;
    };
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let warm = || {
        let mut c = Command::new(migcheck);
        c.arg("check").arg("--cache-dir").arg(&cache).arg(last);
        c
    };
    // The first run fills the cache.
    run_measured(&mut warm());
    let cold = compared(
        SINGLE_PAIRS,
        || {
            let mut c = Command::new(migcheck);
            c.args(["check", "--no-cache"]).arg(last);
            c
        },
        warm,
    );
    let floor = compared(SINGLE_PAIRS, warm, || {
        let mut c = Command::new(migcheck);
        c.arg("--version");
        c
    });
    println!(
        "one file of a {n}-file set ({SINGLE_PAIRS} pairs)  no cache {:>6.1} ms | warm cache {:>6.1} ms (no cache / warm {:.2}) | --version {:>6.1} ms (warm / --version {:.2}); peak {:.1} MB no cache, {:.1} MB warm",
        cold.a[0] * 1e3,
        cold.b[0] * 1e3,
        cold.wall_ratio,
        floor.b[0] * 1e3,
        floor.wall_ratio,
        cold.a[2],
        cold.b[2],
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is ignored.
    let generated = generated_corpus();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    // The binaries first, while this process is small: a child shares this process's memory
    // until it `exec`s (`posix_spawn`), and Linux counts that memory in the child's peak
    // (`ru_maxrss`): started after the in-process runs below (147 MB), migcheck and squawk
    // both read 147 MB.
    match migcheck_bin() {
        Some(migcheck) => {
            println!(
                "binaries on the same files ({}; paired alternating runs, {PAIRS} pairs, medians):",
                migcheck.display()
            );
            side_by_side("generated", &migcheck, &generated);
            if shared.is_dir() {
                side_by_side("../shared/corpus", &migcheck, &shared);
                single_file(&migcheck, &shared);
                one_file_of_a_large_set(&migcheck, &shared);
            }
        }
        None => println!(
            "(build `cargo build --release -p migcheck`, or set MIGCHECK_BIN, to compare binaries)"
        ),
    }
    println!("\nin-process lint (best of 5):");
    in_process("generated", &generated);
    if shared.is_dir() {
        in_process("../shared/corpus", &shared);
    }
}
