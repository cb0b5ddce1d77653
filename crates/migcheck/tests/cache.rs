//! The parse cache (issue 30, item 7; `migcheck_core::cache`): a run reads the parses an earlier
//! run stored instead of parsing the set again, and reports exactly what a run without a cache
//! reports; a cache deleted, damaged or impossible to write changes nothing but the work done.

mod support;

use std::path::Path;
use std::process::Command;

/// How many migrations the generated set holds.
const FILES: usize = 40;

/// A Supabase set of [`FILES`] migrations: tables, indexes, policies and functions, a statement
/// sqlparser cannot read but our own reader knows (`ALTER TABLE ... ALTER CONSTRAINT`), and a
/// last file that drops a column of the first table and indexes another without CONCURRENTLY.
fn project(dir: &Path) -> String {
    for i in 0..FILES {
        let name = format!("supabase/migrations/2024010100{i:04}_step_{i}.sql");
        let text = if i + 1 == FILES {
            "alter table public.t0 drop column note;\ncreate index t1_note on public.t1 (note);\n"
                .to_string()
        } else {
            format!(
                "create table public.t{i} (id bigint primary key, note text);\n\
                 alter table public.t{i} enable row level security;\n\
                 create policy \"own {i}\" on public.t{i} for select using (auth.uid() is not null);\n\
                 create or replace function public.f{i}() returns int language sql as $$ select {i} $$;\n\
                 comment on table public.t{i} is 'step {i}';\n\
                 alter table public.t{i} alter constraint t{i}_pkey deferrable;\n"
            )
        };
        support::write(&dir.join(&name), &text);
        if i + 1 == FILES {
            return name;
        }
    }
    unreachable!()
}

struct Run {
    code: i32,
    stdout: String,
    /// `MIGCHECK_WORK_STATS=1`'s count of steps (bytes parsed among them).
    steps: u64,
    /// Its count of bytes of syntax trees read back from their stored bytes.
    tree_bytes: u64,
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migcheck"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("MIGCHECK_WORK_STATS", "1")
        .env_remove("MIGCHECK_CACHE_DIR")
        .env_remove("MIGCHECK_NO_CACHE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("migcheck runs");
    let stderr = String::from_utf8(out.stderr).unwrap();
    // `work: N steps, M allocations, T bytes of stored trees read`
    let figures: Vec<u64> = stderr
        .lines()
        .find_map(|l| l.strip_prefix("work: "))
        .unwrap_or_else(|| panic!("no work count in:\n{stderr}"))
        .split(' ')
        .filter_map(|w| w.trim_end_matches(',').parse().ok())
        .collect();
    let [steps, _, tree_bytes] = figures[..] else {
        panic!("three figures in the work count:\n{stderr}")
    };
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        steps,
        tree_bytes,
    }
}

fn entries(cache: &Path) -> usize {
    std::fs::read_dir(cache.join("parse-v1"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn a_second_run_reads_the_set_from_the_cache_and_reports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let last = project(dir.path());
    let args = |extra: &[&'static str]| {
        let mut a = vec!["check", "--format", "json", last.as_str()];
        a.extend_from_slice(extra);
        a
    };
    let uncached = run(dir.path(), &args(&["--no-cache"]), &[]);
    assert_eq!(uncached.code, 1, "{}", uncached.stdout);
    assert!(uncached.stdout.contains("\"drop-column\""));
    assert!(!dir.path().join(".migcheck_cache").exists(), "--no-cache");

    // The default place: .migcheck_cache in the current directory, marked for backups and git.
    let first = run(dir.path(), &args(&[]), &[]);
    let cache = dir.path().join(".migcheck_cache");
    assert_eq!(entries(&cache), FILES, "one entry per file of the set");
    assert!(cache.join("CACHEDIR.TAG").is_file());
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Made by migcheck.\n*\n"
    );
    let second = run(dir.path(), &args(&[]), &[]);
    assert_eq!(
        (first.code, &first.stdout),
        (uncached.code, &uncached.stdout)
    );
    assert_eq!(
        (second.code, &second.stdout),
        (uncached.code, &uncached.stdout)
    );
    // Nothing of the set was parsed again: the count of a run that parses it is higher by at
    // least the bytes of the other files' statements handed to the parser.
    let parsed: u64 = std::fs::read_dir(dir.path().join("supabase/migrations"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(
        second.steps + parsed / 2 < first.steps,
        "cached {} steps, uncached {} steps, {parsed} bytes of SQL",
        second.steps,
        first.steps
    );
    assert_eq!(entries(&cache), FILES, "nothing new to store");

    // Safe to delete or damage: entries removed and entries garbled are parsed again.
    let mut all: Vec<_> = std::fs::read_dir(cache.join("parse-v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    for (i, entry) in all.iter().enumerate().take(10) {
        if i % 2 == 0 {
            std::fs::remove_file(entry).unwrap();
        } else {
            std::fs::write(entry, b"\x07garbage").unwrap();
        }
    }
    let repaired = run(dir.path(), &args(&[]), &[]);
    assert_eq!(
        (repaired.code, &repaired.stdout),
        (uncached.code, &uncached.stdout)
    );
    assert_eq!(entries(&cache), FILES);
    std::fs::remove_dir_all(&cache).unwrap();
    let again = run(dir.path(), &args(&[]), &[]);
    assert_eq!(again.stdout, uncached.stdout);
    assert_eq!(entries(&cache), FILES);
}

#[test]
fn the_cache_goes_where_it_is_told_and_never_fails_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let last = project(dir.path());
    let base = ["check", "--format", "json", last.as_str()];
    let plain = run(dir.path(), &[&base[..], &["--no-cache"]].concat(), &[]);

    let elsewhere = dir.path().join("elsewhere");
    let by_env = run(
        dir.path(),
        &base,
        &[("MIGCHECK_CACHE_DIR", elsewhere.to_str().unwrap())],
    );
    assert_eq!(by_env.stdout, plain.stdout);
    assert_eq!(entries(&elsewhere), FILES);
    let by_flag = run(
        dir.path(),
        &[&base[..], &["--cache-dir", "flagged"]].concat(),
        &[],
    );
    assert_eq!(by_flag.stdout, plain.stdout);
    assert_eq!(entries(&dir.path().join("flagged")), FILES);
    let off = run(dir.path(), &base, &[("MIGCHECK_NO_CACHE", "1")]);
    assert_eq!(off.stdout, plain.stdout);
    assert!(!dir.path().join(".migcheck_cache").exists());

    // A cache directory that cannot be made (a file is in the way): the run is not cached and
    // says the same, with the same exit code.
    support::write(&dir.path().join("blocked"), "a file, not a folder");
    let blocked = run(
        dir.path(),
        &[&base[..], &["--cache-dir", "blocked"]].concat(),
        &[],
    );
    assert_eq!((blocked.code, &blocked.stdout), (plain.code, &plain.stdout));
}

/// The bytes of stored trees a warm one-file check reads back, in a two-file Supabase set whose
/// first file creates a function with a body of `body` bytes (in a schema the Data API does not
/// expose, so no rule reports it and nothing but the reading of its tree depends on its size).
fn warm_tree_bytes_beside_a_function(body: usize) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let filler = "x".repeat(body);
    support::write(
        &dir.path()
            .join("supabase/migrations/20240101000000_functions.sql"),
        &format!(
            "create function private.big() returns text language plpgsql set search_path = '' \
             as $$ begin return '{filler}'; end $$;\n"
        ),
    );
    let last = "supabase/migrations/20240101000001_table.sql";
    support::write(
        &dir.path().join(last),
        "create table public.t (id bigint primary key);\nalter table public.t enable row level security;\n",
    );
    let args = ["check", "--format", "json", last];
    let cold = run(dir.path(), &args, &[]);
    let warm = run(dir.path(), &args, &[]);
    assert_eq!((warm.code, &warm.stdout), (cold.code, &cold.stdout));
    warm.tree_bytes
}

/// The three function rules (`security-definer-search-path`, `function-search-path-mutable`,
/// `security-definer-exposed`) share one reading of each function's stored tree, and the schema
/// model reads it once more: a warm check reads back about twice the tree of a 200 KB function,
/// not once per rule and once more (four times before they shared it).
#[test]
fn a_stored_function_tree_is_read_once_for_the_rules_that_judge_functions() {
    let body = 200_000;
    let extra = warm_tree_bytes_beside_a_function(body) - warm_tree_bytes_beside_a_function(10);
    let body = body as u64;
    assert!(
        extra > body + body / 2 && extra < 2 * body + body / 2,
        "a {body}-byte function's tree is read back as {extra} bytes: read twice is 2x"
    );
}

/// The bytes of stored trees one uncached check reads back when the file it reports creates a
/// function with a body of `body` bytes (in a schema the Data API does not expose, so no rule
/// reports it), then a table with row level security.
fn tree_bytes_of_a_file_with_a_function(body: usize) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let filler = "x".repeat(body);
    let file = "supabase/migrations/20240101000000_functions.sql";
    support::write(
        &dir.path().join(file),
        &format!(
            "create function private.big() returns text language plpgsql set search_path = '' \
             as $$ begin return '{filler}'; end $$;\n\
             create table public.t (id bigint primary key);\n\
             alter table public.t enable row level security;\n"
        ),
    );
    let checked = run(
        dir.path(),
        &["check", "--no-cache", "--format", "json", file],
        &[],
    );
    assert_eq!(checked.code, 0, "{}", checked.stdout);
    checked.tree_bytes
}

/// The lock scan at a file's end (`rules::locks::scan_file`, for `lock-timeout-missing` and
/// the rules beside it) reads back the trees of the statements that can lock a table only
/// (`parse::TreeKind`): a `CREATE FUNCTION` locks none. Its tree is read back three times (for
/// the statement rules in the replay, and by the rules that read the set's functions), not four
/// as when the lock scan read it too (800,809 bytes for a 200 KB body before, 600,580 after).
#[test]
fn the_lock_scan_reads_back_no_tree_of_a_statement_that_locks_nothing() {
    let body = 200_000;
    let extra =
        tree_bytes_of_a_file_with_a_function(body) - tree_bytes_of_a_file_with_a_function(10);
    let body = body as u64;
    assert!(
        extra > 2 * body + body / 2 && extra < 3 * body + body / 2,
        "a {body}-byte function's tree is read back as {extra} bytes: read three times is 3x"
    );
}
