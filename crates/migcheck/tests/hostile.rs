//! Hostile input (issue 16): what a generator, a data dump or a hostile contributor can put in
//! a file must never abort the process, hang, or pass silently. Each test generates its input,
//! runs the real binary and asserts the exit code and what is reported. No test asserts on
//! speed (issue 26): growth that must stay linear is asserted on the work a run counts
//! (`MIGCHECK_WORK_STATS=1`, `migcheck_core::work`: steps of the code that was once quadratic,
//! and allocations) at two sizes, which is the same on a busy machine as on an idle one. Memory
//! bounds are loose (a debug build): they catch a blow-up by an order of magnitude. A run is
//! killed after minutes, so a hang fails its test instead of hanging the suite. Precise figures
//! are in `docs/limits.md`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    /// `None` when the process was killed by a signal (a stack overflow aborts with SIGABRT).
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident memory in KiB, from `/usr/bin/time` when it is installed.
    peak_kib: Option<u64>,
    /// The work the run counted, for [`run_counted`].
    work: Option<Work>,
}

/// What `MIGCHECK_WORK_STATS=1` makes a run print at exit (`work: N steps, M allocations, T
/// bytes of stored trees read`).
#[derive(Debug, Clone, Copy)]
struct Work {
    steps: u64,
    allocations: u64,
}

const TIME: &str = "/usr/bin/time";

/// How long a run may take before it is killed: a hang guard, so that a hang fails its test
/// instead of hanging the suite. Generous (the slowest run here takes seconds in a debug
/// build): it bounds "for ever", it does not measure speed.
const HANG_GUARD: Duration = Duration::from_secs(300);

/// Runs `migcheck args...` in `dir`, killing it after [`HANG_GUARD`].
fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, false)
}

/// [`run`] with the work counted (`MIGCHECK_WORK_STATS=1`): `Run::work` is set.
fn run_counted(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, true)
}

fn run_with(dir: &Path, args: &[&str], count: bool) -> Run {
    let bin = env!("CARGO_BIN_EXE_migcheck");
    let timed = Path::new(TIME).is_file();
    let mut cmd = if timed {
        let mut c = Command::new(TIME);
        c.args(["-f", "migcheck-peak-kib %M", bin]);
        c
    } else {
        Command::new(bin)
    };
    if count {
        cmd.env("MIGCHECK_WORK_STATS", "1");
    } else {
        cmd.env_remove("MIGCHECK_WORK_STATS");
    }
    let start = Instant::now();
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migcheck runs");
    let out_pipe = child.stdout.take().unwrap();
    let err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || read_all(out_pipe));
    let err_reader = std::thread::spawn(move || read_all(err_pipe));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("migcheck {args:?} did not finish within {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap();
    let mut stderr = err_reader.join().unwrap();
    let mut peak_kib = None;
    let mut code = status.code();
    if timed {
        if let Some(at) = stderr.rfind("migcheck-peak-kib ") {
            peak_kib = stderr[at + 18..].trim().parse().ok();
            stderr.truncate(at);
        }
        // GNU time reports a child killed by a signal on stderr and exits 128 + signal.
        if stderr.contains("Command terminated by signal") {
            code = None;
        }
    }
    let mut work = None;
    if count {
        if let Some(at) = stderr.rfind("work: ") {
            let line = stderr[at..].lines().next().unwrap_or_default();
            let n: Vec<u64> = line.split(' ').filter_map(|w| w.parse().ok()).collect();
            if let [steps, allocations, _trees] = n[..] {
                work = Some(Work { steps, allocations });
            }
            stderr.truncate(at);
        }
        assert!(work.is_some(), "no work count on stderr: {stderr}");
    }
    Run {
        code,
        stdout,
        stderr,
        peak_kib,
        work,
    }
}

fn read_all(mut r: impl std::io::Read) -> String {
    let mut v = Vec::new();
    r.read_to_end(&mut v).unwrap();
    String::from_utf8_lossy(&v).into_owned()
}

/// Asserts that ten times the input takes about ten times the work, not a hundred: `counted(n)`
/// runs migcheck with the work counted ([`run_counted`]) on an input of size `n` (and asserts
/// what it reports when `n > 0`). The work of a run on `n` and on `n / 10`, less that of a run
/// on nothing (start-up, the fixed files), must be at most 15 times apart, in steps and in
/// allocations: linear work gives 10, quadratic work 100 once it is a fair part of the whole.
/// The counts are exact, so a busy machine changes nothing, and small sizes suffice; each test
/// says which regression trips it at its sizes.
fn assert_linear_work(what: &str, n: usize, counted: impl Fn(usize) -> Run) {
    assert_work_grows_as_input(what, [n / 10, n], counted)
}

/// [`assert_linear_work`] for sizes `small` and `large` other than ten times apart: the work
/// may grow at most 1.5 times as much as the input.
fn assert_work_grows_as_input(what: &str, sizes: [usize; 2], counted: impl Fn(usize) -> Run) {
    let [small_n, n] = sizes;
    let times = n as f64 / small_n as f64;
    let [base, small, large] = [0, small_n, n].map(|n| counted(n).work.unwrap());
    let grew = |f: fn(&Work) -> u64| {
        let (b, s, l) = (f(&base), f(&small), f(&large));
        (l.saturating_sub(b), s.saturating_sub(b).max(1))
    };
    let (steps, steps_small) = grew(|w| w.steps);
    let (allocations, allocations_small) = grew(|w| w.allocations);
    let x = |a: u64, b: u64| a as f64 / b as f64;
    eprintln!(
        "{what}, {small_n} and {n}: {steps_small} -> {steps} steps (x{:.1}), \
         {allocations_small} -> {allocations} allocations (x{:.1})",
        x(steps, steps_small),
        x(allocations, allocations_small)
    );
    assert!(
        x(steps, steps_small) <= 1.5 * times && x(allocations, allocations_small) <= 1.5 * times,
        "{what}: {times} times the input ({small_n} -> {n}) took {:.1} times the steps \
         ({steps_small} -> {steps}) and {:.1} times the allocations ({allocations_small} -> \
         {allocations}): the work grows faster than the input",
        x(steps, steps_small),
        x(allocations, allocations_small)
    );
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn rules_of(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("JSON output");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

fn messages_of(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("JSON output");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

fn chain(head: &str, term: &str, sep: &str, n: usize, tail: &str) -> String {
    let mut s = String::with_capacity(head.len() + n * (term.len() + sep.len()) + tail.len());
    s.push_str(head);
    for i in 0..n {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(term);
    }
    s.push_str(tail);
    s
}

/// Defect 1: long operator chains, `::` casts, UNION chains and a huge CHECK expression, each
/// far beyond what the stack allows for a recursive drop, in one set and in two sets (worker
/// threads have smaller stacks). Each must be reported as too deep, and the statements after
/// it still checked.
#[test]
fn long_chains_are_findings_not_stack_overflows() {
    // 150,000 terms crashed; now more than `parse::PARSE_TOKENS_UP_TO` tokens are "too long" for
    // the parser. 3,000 terms are within that limit and deeper than `parse::MAX_NESTING`.
    for (n, why) in [(3_000, "too deep"), (150_000, "too long")] {
        chains_are_findings(n, why);
    }
}

fn chains_are_findings(n: usize, why: &str) {
    let statements = [
        chain("select ", "1", "+", n, ";\n"),
        chain("select * from t where ", "a = 1", " and ", n, ";\n"),
        chain("select x", "", "::int", n, ";\n"),
        chain("", "select 1", " union ", n / 2, ";\n"),
        chain(
            "create table public.wide (a int check (",
            "a <> 1",
            " or ",
            n,
            "));\n",
        ),
    ];
    for (i, stmt) in statements.iter().enumerate() {
        let sql = format!("{stmt}drop table public.legacy;\n");
        // Two sets: the run uses worker threads. One file: the run works on the calling
        // thread, on a stack it grows (lint::on_check_threads).
        let a = (
            "a/supabase/migrations/20240101000000_deep.sql",
            sql.as_bytes(),
        );
        let b = (
            "b/supabase/migrations/20240101000000_deep.sql",
            sql.as_bytes(),
        );
        for files in [&[a, b][..], &[a][..]] {
            let p = project(files);
            let r = run(p.path(), &["check", "--format", "json"]);
            let n = files.len();
            assert_eq!(r.code, Some(1), "statement {i}, {n} files: {}", r.stderr);
            let rules = rules_of(&r.stdout);
            assert_eq!(
                rules.iter().filter(|r| *r == "unparsed-statement").count(),
                n,
                "statement {i}, {n} files: {rules:?}"
            );
            assert_eq!(
                rules.iter().filter(|r| *r == "drop-table").count(),
                n,
                "{rules:?}"
            );
            let msgs = messages_of(&r.stdout);
            assert!(
                msgs.iter().any(|m| m.contains(why)),
                "statement {i}, {n} files: {msgs:?}"
            );
        }
    }
}

/// Defect 1 on a small stack: with `ulimit -s` lowered below the usual 8 MiB, a run of one file
/// does not trust the main thread's stack and works on a stack it grows
/// (`lint::on_check_threads`); deep chains are still findings, not an abort.
#[cfg(unix)]
#[test]
fn one_file_under_a_low_stack_limit_is_checked_on_a_grown_stack() {
    let n = 150_000;
    for (i, stmt) in [
        chain("select ", "1", "+", n, ";\n"),
        chain(
            "create table public.wide (a int check (",
            "a <> 1",
            " or ",
            n,
            "));\n",
        ),
    ]
    .iter()
    .enumerate()
    {
        let sql = format!("{stmt}drop table public.legacy;\n");
        let p = project(&[(
            "supabase/migrations/20240101000000_deep.sql",
            sql.as_bytes(),
        )]);
        let out = Command::new("sh")
            .args(["-c", "ulimit -s 1024 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_migcheck"))
            .args(["check", "--format", "json"])
            .current_dir(p.path())
            .output()
            .expect("sh runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "statement {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rules = rules_of(&stdout);
        assert!(
            rules.contains(&"unparsed-statement".to_string())
                && rules.contains(&"drop-table".to_string()),
            "statement {i}: {rules:?}"
        );
    }
}

/// Defect 1, the shallow side: a CHECK with a few hundred alternatives is still parsed.
#[test]
fn moderately_long_chains_are_still_parsed() {
    let sql = chain(
        "create table private.t (id bigint primary key, s text check (",
        "s = 'x'",
        " or ",
        300,
        "));\n",
    );
    let p = project(&[("migrations/001_t.sql", sql.as_bytes())]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

/// A package.json of `n` scripts that call one another (each calls the next two, the last ones
/// call back), `start` entering the web, and the last script calling `migrate`, which holds a
/// migration command: `start` reaches it through thousands of calls.
fn mutually_calling_scripts(n: usize) -> String {
    let mut s = String::from("{\n  \"name\": \"app\",\n  \"scripts\": {\n");
    for i in 0..n {
        let (a, b) = ((i + 1) % n, (i * 7 + 3) % n);
        let last = if i == n - 1 {
            " && npm run migrate"
        } else {
            ""
        };
        s.push_str(&format!(
            "    \"s{i}\": \"npm run s{a} && npm run s{b} && echo step {i}{last}\",\n"
        ));
    }
    s.push_str("    \"migrate\": \"prisma migrate deploy\",\n");
    s.push_str(&format!(
        "    \"start\": \"npm run s0 && npm run s{}\"\n",
        n / 2
    ));
    s.push_str("  }\n}\n");
    s
}

/// Defect 2: script calls are walked once, not once per call.
#[test]
fn mutually_calling_scripts_do_not_hang() {
    let json = mutually_calling_scripts(12_000);
    assert!(json.len() > 600_000, "{}", json.len());
    let p = project(&[("package.json", json.as_bytes())]);
    let r = run(p.path(), &["check", "--format", "json"]);
    // `start` (run by every app start) reaches `migrate` through each of its two commands: one
    // finding at each, and no other.
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        rules_of(&r.stdout),
        ["migration-in-deploy-config", "migration-in-deploy-config"]
    );
}

/// Defect 2, the same graph reached from other deployment files.
#[test]
fn script_calls_from_deploy_files_do_not_hang() {
    let mut json = mutually_calling_scripts(6_000);
    // Make the graph reach a migration: s0 → ... → migrate.
    json = json.replace("echo step 5999", "npm run migrate");
    let mut procfile = String::new();
    let mut fly = String::from("app = \"x\"\n[processes]\n");
    for i in 0..3_000 {
        procfile.push_str(&format!("p{i}: npm run s{i}\n"));
        fly.push_str(&format!("p{i} = \"npm run s{i}\"\n"));
    }
    let p = project(&[
        ("package.json", json.as_bytes()),
        ("Procfile", procfile.as_bytes()),
        ("fly.toml", fly.as_bytes()),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let rules = rules_of(&r.stdout);
    assert!(rules.len() > 6_000, "{}", rules.len());
}

/// Defect 3: human output is linear in findings. miette read the file from its first byte for
/// each finding's code frame (50,000 findings in one file took 49 s): ten times the findings
/// took a hundred times the work. The work counted is the source handed to miette per finding
/// and the bytes scanned for lines and columns (`render/human.rs`, `source.rs`).
#[test]
fn human_output_is_linear_in_findings() {
    assert_linear_work("human output of findings", 10_000, |n| {
        let mut sql = String::new();
        for i in 0..n {
            sql.push_str(&format!(
                "alter table public.t{} drop column c{i};\n",
                i % 50
            ));
        }
        let p = project(&[("migrations/001_drop.sql", sql.as_bytes())]);
        let human = run_counted(p.path(), &["check"]);
        if n > 0 {
            assert_eq!(human.code, Some(1), "{}", human.stderr);
            assert!(human.stdout.matches("drop-column").count() >= n);
        }
        human
    });
}

/// Defect 4: an unterminated `/*` after the last statement is a finding, not a silent pass.
#[test]
fn unterminated_comment_after_the_last_statement_is_reported() {
    for tail in [
        "/* drop table public.users;",
        "select 'never closed; drop table public.users;",
        "select $x$ never closed; drop table public.users;",
        "select \"never closed; drop table public.users;",
    ] {
        let sql = format!("create table private.a (id bigint primary key);\n{tail}\n");
        let p = project(&[("migrations/001_a.sql", sql.as_bytes())]);
        let r = run(p.path(), &["check", "--format", "json"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let rules = rules_of(&r.stdout);
        assert_eq!(rules, ["unparsed-statement"], "{tail}: {}", r.stdout);
        assert!(messages_of(&r.stdout)[0].contains("unterminated"));
    }
    // A 5 MB file that is one open comment.
    let mut sql = String::from("/*\n");
    while sql.len() < 5 << 20 {
        sql.push_str("drop table public.users;\n");
    }
    let p = project(&[("migrations/001_a.sql", sql.as_bytes())]);
    let r = run(p.path(), &["check"]);
    assert!(!r.stdout.contains("No problems"), "{}", r.stdout);
    assert!(
        r.stdout.contains("unterminated block comment"),
        "{}",
        r.stdout
    );
}

/// Defect 5: the word `language` inside a DO body does not stop it from being checked.
#[test]
fn do_block_mentioning_language_is_checked() {
    for sql in [
        "DO $$ BEGIN ALTER TABLE posts DROP COLUMN language; END $$;",
        "DO $$ BEGIN ALTER TABLE posts DROP COLUMN language; END $$ LANGUAGE plpgsql;",
        "DO LANGUAGE plpgsql $body$ BEGIN ALTER TABLE posts DROP COLUMN language; END $body$;",
        "do /* language sql */ $$ begin alter table posts drop column language; end $$;",
    ] {
        let p = project(&[("migrations/001_a.sql", sql.as_bytes())]);
        let r = run(p.path(), &["check", "--format", "json"]);
        assert!(
            rules_of(&r.stdout).contains(&"drop-column".to_string()),
            "{sql}: {}",
            r.stdout
        );
    }
    // A body in another language is not plpgsql and is not looked into.
    let sql = "DO LANGUAGE plperl $$ my $x = 'ALTER TABLE posts DROP COLUMN c;'; $$;";
    let p = project(&[("migrations/001_a.sql", sql.as_bytes())]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert!(
        !rules_of(&r.stdout).contains(&"drop-column".to_string()),
        "{}",
        r.stdout
    );
}

/// Defect 6: memory stays proportional to the input: a DDL file keeps what the rules need,
/// not every parse tree. 3 MB here (debug build); the 10 MB release figure is in the docs.
#[test]
fn memory_stays_proportional_to_a_ddl_file() {
    let mut sql = String::new();
    let mut i = 0;
    while sql.len() < 3 << 20 {
        sql.push_str(&format!(
            "alter table public.t{} drop column c{i};\n",
            i % 100
        ));
        i += 1;
    }
    let p = project(&[("migrations/001_drop.sql", sql.as_bytes())]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let Some(kib) = r.peak_kib else {
        panic!("{TIME} is needed to measure peak memory (Debian package `time`)");
    };
    eprintln!(
        "{} KB of DDL ({i} statements): peak {} KB",
        sql.len() / 1024,
        kib
    );
    // JSON output of 1 finding per statement is itself ~10× the input; 40× with slack.
    assert!(
        (kib as usize) * 1024 < 40 * sql.len() + (40 << 20),
        "peak {kib} KiB for {} bytes",
        sql.len()
    );
}

/// Issue 33: a set of many ordinary files (each under 64 KB, the size of almost every real
/// migration) holds its statements' syntax trees as bytes until a rule reads them, not as trees
/// (4-7 KB a statement). 200 files of 100 `CREATE TABLE` here, 2.2 MB, and no finding: the
/// release build at 54e0445 peaked at 250 MB (114 times the text), at 72b9bc5 at 40 MB.
#[test]
fn a_set_of_many_files_holds_its_trees_as_bytes() {
    let files: Vec<(String, String)> = (0..200)
        .map(|f| {
            let mut sql = String::from("create schema if not exists private;\n");
            for i in 0..100 {
                sql.push_str(&format!(
                    "create table private.t{f}_{i} (id bigint primary key, \
                     c timestamptz not null default now(), d jsonb, e text);\n"
                ));
            }
            (format!("supabase/migrations/2024010100{f:04}_m.sql"), sql)
        })
        .collect();
    let size: usize = files.iter().map(|(_, sql)| sql.len()).sum();
    let mut layout: Vec<(&str, &[u8])> = vec![("supabase/config.toml", b"")];
    layout.extend(files.iter().map(|(p, sql)| (p.as_str(), sql.as_bytes())));
    let p = project(&layout);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(rules_of(&r.stdout).is_empty(), "{}", r.stdout);
    let Some(kib) = r.peak_kib else {
        panic!("{TIME} is needed to measure peak memory (Debian package `time`)");
    };
    eprintln!("{} KB in 200 files: peak {kib} KB", size / 1024);
    assert!(
        (kib as usize) * 1024 < 20 * size + (24 << 20),
        "peak {kib} KiB for {size} bytes of SQL"
    );
}

/// Defect 6, findings: a file whose every short statement earns three findings, two with fixes,
/// hands each on as a rule makes it (`rules::Hits`), and the schema model holds each table's
/// columns, types and facts once. The findings are a plain list since session 13 (issue 33 item
/// 3): the compressed store it replaced saved nothing on real files, and this shape, the worst
/// measured, stays under 50 times its size (docs/limits.md, "Findings kept plain"). 2 MB here
/// (debug build); before session 8 the findings alone held 2.4 KB per 73-byte statement.
#[test]
fn memory_stays_proportional_when_every_statement_has_findings() {
    let (p, sql, i) = tables_without_rls(2 << 20);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let rules = rules_of(&r.stdout);
    for rule in ["missing-rls", "prefer-timestamptz", "prefer-jsonb"] {
        assert_eq!(rules.iter().filter(|r| *r == rule).count(), i, "{rule}");
    }
    let Some(kib) = r.peak_kib else {
        panic!("{TIME} is needed to measure peak memory (Debian package `time`)");
    };
    eprintln!(
        "{} KB of CREATE TABLE ({i} statements, {} findings): peak {kib} KB",
        sql.len() / 1024,
        rules.len()
    );
    assert!(
        (kib as usize) * 1024 < 50 * sql.len() + (24 << 20),
        "peak {kib} KiB for {} bytes",
        sql.len()
    );
}

/// Defect 6, one statement: a statement of more tokens than `parse::PARSE_TOKENS_UP_TO` is not
/// given to the parser, whose tree and tokens take about a kilobyte a token (one `ALTER TABLE` of
/// 80,000 actions, 1.6 MB, peaked at 304 MiB). It is `unparsed-statement` ("too long"), and what its
/// first tokens change is still reported.
#[test]
fn a_statement_too_long_to_parse_is_reported_and_read_in_part() {
    let drops: Vec<String> = (0..80_000).map(|i| format!("drop column c{i}")).collect();
    let sql = format!("alter table public.old_events {};\n", drops.join(", "));
    let p = project(&[
        ("supabase/config.toml", b""),
        ("supabase/migrations/20240101000000_big.sql", sql.as_bytes()),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let rules = rules_of(&r.stdout);
    assert_eq!(
        rules.iter().filter(|r| *r == "unparsed-statement").count(),
        1
    );
    let messages = messages_of(&r.stdout);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("too long: it has more than 20000 tokens")),
        "{messages:?}"
    );
    // The first of its 80,000 drops are read: `drop column cN,` is four tokens.
    let drops = rules.iter().filter(|r| *r == "drop-column").count();
    assert!(
        (4_000..=5_001).contains(&drops),
        "{drops} drop-column findings"
    );
    let Some(kib) = r.peak_kib else {
        panic!("{TIME} is needed to measure peak memory (Debian package `time`)");
    };
    eprintln!("{} KB in one statement: peak {kib} KB", sql.len() / 1024);
    assert!(
        (kib as usize) * 1024 < 20 * sql.len() + (24 << 20),
        "peak {kib} KiB for {} bytes",
        sql.len()
    );
}

/// A Supabase project of one migration of `size` bytes of `CREATE TABLE`, each statement with
/// three findings (two with fixes); also its text and the number of tables.
fn tables_without_rls(size: usize) -> (tempfile::TempDir, String, usize) {
    let mut sql = String::new();
    let mut i = 0;
    while sql.len() < size {
        sql.push_str(&format!(
            "create table public.n{i} (id bigint primary key, c timestamp, d json);\n"
        ));
        i += 1;
    }
    let p = project(&[
        ("supabase/config.toml", b""),
        ("supabase/migrations/20240101000000_big.sql", sql.as_bytes()),
    ]);
    (p, sql, i)
}

/// Every output format but Markdown (100 rows at most) is written as it is rendered: SARIF,
/// built as one JSON value, took 785 MB for 1 MB of this file, JUnit and GitLab over 100 times
/// the file. 512 KB here (debug build).
#[test]
fn every_format_is_written_as_it_is_rendered() {
    let (p, sql, i) = tables_without_rls(512 << 10);
    for format in ["human", "concise", "sarif", "github", "gitlab", "junit"] {
        let r = run(p.path(), &["check", "--format", format]);
        assert_eq!(r.code, Some(1), "{format}: {}", r.stderr);
        assert!(r.stdout.matches("prefer-jsonb").count() >= i, "{format}");
        let Some(kib) = r.peak_kib else {
            panic!("{TIME} is needed to measure peak memory (Debian package `time`)");
        };
        eprintln!("{format}: peak {kib} KB");
        // A debug build's fixed memory is about 20 MB.
        assert!(
            (kib as usize) * 1024 < 60 * sql.len() + (24 << 20),
            "{format}: peak {kib} KiB for {} bytes",
            sql.len()
        );
    }
}

/// A seed file's one multi-row INSERT is not parsed into a tree: 12 MB of rows took 1.2 GB
/// (sqlparser's tree of the VALUES list) and now take about 30 MB. 4 MB here (debug build).
#[test]
fn a_large_insert_is_not_parsed_into_a_tree() {
    let rows: Vec<String> = (0..120_000)
        .map(|i| format!("({i}, 'name {i}', now())"))
        .collect();
    let sql = format!(
        "create table public.t (id bigint primary key, n text, at timestamptz);\n\
         alter table public.t enable row level security;\n\
         create policy p on public.t using (true);\n\
         insert into public.t (id, n, at) values {};\n",
        rows.join(", ")
    );
    let p = project(&[
        ("supabase/config.toml", b"".as_slice()),
        (
            "supabase/migrations/20240101000000_seed.sql",
            sql.as_bytes(),
        ),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let Some(kib) = r.peak_kib else {
        panic!("{TIME} is needed to measure peak memory (Debian package `time`)");
    };
    eprintln!("{} KB INSERT: peak {kib} KB", sql.len() / 1024);
    // Parsed, the tree alone was about 100× the text.
    assert!(
        (kib as usize) * 1024 < 10 * sql.len() + (40 << 20),
        "peak {kib} KiB for {} bytes",
        sql.len()
    );
}

/// Defect 7: a message quoting a huge token or identifier quotes a readable part of it, in
/// every format. Compared with the same file with short names, so what each format always
/// prints (SARIF's rule table) does not count.
#[test]
fn quoted_text_is_cut_in_every_format() {
    let file = |token: &str, ident: &str| {
        format!(
            "select 1 {token} 2;\ndrop table public.\"{ident}\";\ncreate table \"{ident}\" (a int);\n"
        )
    };
    let huge = file(&"x".repeat(200_000), &"y".repeat(1_000_000));
    let small = file("x", "y");
    let p = project(&[("migrations/001_a.sql", huge.as_bytes())]);
    let q = project(&[("migrations/001_a.sql", small.as_bytes())]);
    for format in [
        "human", "concise", "json", "sarif", "github", "markdown", "gitlab", "junit",
    ] {
        let r = run(p.path(), &["check", "--format", format]);
        assert_eq!(r.code, Some(1), "{format}: {}", r.stderr);
        let base = run(q.path(), &["check", "--format", format]);
        assert!(
            r.stdout.len() < base.stdout.len() + 10_000,
            "{format}: {} bytes of output, {} with short names",
            r.stdout.len(),
            base.stdout.len()
        );
        assert!(r.stdout.contains("drop-table"), "{format}: {}", r.stdout);
    }
}

/// Found after issue 16: a Supabase migration creating many tables without RLS took time
/// quadratic in the tables (`missing-rls` scanned every table and every statement for each
/// table it reported: 20,000 tables took 99 s in a release build, 112,000 did not finish in 15
/// minutes). Ten times the tables must take about ten times the work, not a hundred.
#[test]
fn many_tables_without_rls_take_linear_work() {
    assert_linear_work("tables without RLS", 10_000, |tables| {
        let sql: String = (0..tables)
            .map(|i| format!("create table public.t{i} (id bigint primary key, body text);\n"))
            .collect();
        let p = project(&[
            ("supabase/config.toml", b"".as_slice()),
            (
                "supabase/migrations/20240101000000_tables.sql",
                sql.as_bytes(),
            ),
        ]);
        let r = run_counted(p.path(), &["check", "--format", "json"]);
        assert_eq!(r.code, Some(i32::from(tables > 0)), "{}", r.stderr);
        assert_eq!(r.stdout.matches("\"missing-rls\"").count(), tables);
        r
    });
}

/// Found after issue 16: rules that ask about the statements before or after the one they judge
/// ("was this table truncated earlier in the same transaction?", "is this dropped constraint added
/// again later?", "is the new enum value used later?", "which statement does this `allow`
/// cover?", "is this plpgsql function called later?") scanned the whole file for each statement,
/// so one file of such statements took time quadratic in its length: 40,000 `ADD COLUMN ... NOT
/// NULL`s took 46 s in a release build, 20,000 plpgsql functions 100 s, 80,000 SECURITY DEFINER
/// functions 46 s, 80,000 enum types given the same new value 74 s; and, found in session 6,
/// 20,000 `DROP TABLE x` of unqualified names 417 s (each looked for an earlier temporary table
/// by parsing every statement before it), 80,000 table renames 97 s. Each shape below, ten
/// times longer, must take about ten times the work, not a hundred.
#[test]
fn questions_about_the_rest_of_the_file_take_linear_work() {
    let shapes: &[Shape] = &[
        (
            "add-column-not-null-without-default (table emptied earlier?)",
            |i| {
                format!(
                    "alter table public.t{} add column c{i} int not null;\n",
                    i % 10
                )
            },
            1,
            2_000,
        ),
        (
            "drop-object (constraint added again later?)",
            |i| {
                format!(
                    "alter table public.t{} drop constraint k{};\n",
                    i % 10,
                    i % 10
                )
            },
            1,
            2_000,
        ),
        (
            "drop-object (policy created again later?)",
            |i| format!("drop policy p{} on public.t{};\n", i % 10, i % 10),
            1,
            2_000,
        ),
        (
            "enum-add-value-in-transaction (value used later?)",
            |i| format!("alter type public.e add value 'v{i}';\nselect 'v{i}' = 'w';\n"),
            0,
            2_000,
        ),
        (
            "validate-in-same-transaction",
            |i| {
                format!(
                    "alter table public.t{0} add constraint n{i} check (c > 0) not valid;\n\
                     alter table public.t{0} validate constraint n{i};\n",
                    i % 10
                )
            },
            1,
            2_000,
        ),
        (
            "plpgsql functions (called later?)",
            |i| {
                format!(
                    "create function public.f{i}() returns void language plpgsql \
                     as $$ begin perform 1; end $$;\nselect g{i}();\n"
                )
            },
            0,
            2_000,
        ),
        (
            "enum-add-value-in-transaction (the same value added to many types)",
            |i| {
                format!("create type public.e{i} as enum ('a');\nalter type public.e{i} add value 'b';\n")
            },
            0,
            2_000,
        ),
        (
            "plpgsql functions called right away (bodies put after their calls)",
            |i| {
                format!(
                    "create function public.f{i}() returns void language plpgsql \
                     as $$ begin alter table public.t{} add column z{i} int; end $$;\n\
                     select public.f{i}();\n",
                    i % 10
                )
            },
            0,
            2_000,
        ),
        (
            "security-definer-search-path (replaced later?)",
            |i| {
                format!(
                    "create function public.s{i}() returns int language sql security definer \
                     as $$ select 1 $$;\n"
                )
            },
            1,
            2_000,
        ),
        (
            "table-without-primary-key (key added later?)",
            |i| format!("create table public.q{i} (id bigint);\n"),
            1,
            2_000,
        ),
        (
            "allow directives (which statement?)",
            |i| {
                format!(
                    "-- migcheck:allow drop-column reason: generated\n\
                     alter table public.t{} drop column c;\n",
                    i % 10
                )
            },
            0,
            2_000,
        ),
    ];
    assert_linear(shapes);
}

/// Found in session 6, the same way: 20,000 `DROP TABLE x` of unqualified names took 417 s in a
/// release build (each looked for an earlier temporary table by parsing every statement before
/// it), 80,000 table renames 97 s, 20,000 REVOKEs with table drops 25 s.
#[test]
fn questions_about_renames_drops_and_revokes_take_linear_work() {
    let shapes: &[Shape] = &[
        (
            "rename-table (the first step of a rebuild?)",
            |i| format!("alter table public.r{i} rename to r{};\n", i + 1),
            1,
            2_000,
        ),
        (
            "drop-table (part of a rebuild?)",
            |i| format!("drop table public.x{i};\n"),
            1,
            2_000,
        ),
        (
            "drop-table of unqualified names (a temporary table made earlier?)",
            |i| format!("drop table x{i};\n"),
            1,
            2_000,
        ),
        (
            "revoke-from-client-role (the table dropped in the file?)",
            |i| {
                format!(
                    "revoke all on public.t{} from anon;\ndrop table public.z{i};\n",
                    i % 10
                )
            },
            1,
            2_000,
        ),
        (
            "duplicate-index (many identical indexes on one table)",
            |i| format!("create index d{i} on public.t0 (c);\n"),
            1,
            2_000,
        ),
        (
            "duplicate-index (unique indexes after as many plain ones, each dropped)",
            |i| {
                format!(
                    "create index p{i} on public.t1 (c);\ncreate unique index u{i} on public.t1 (c);\ndrop index public.u{i};\n"
                )
            },
            1,
            2_000,
        ),
        (
            "rename-object and drop-object (an enum swap?)",
            |i| format!("alter type public.y{i} rename to z{i};\ndrop type public.w{i};\n"),
            1,
            2_000,
        ),
    ];
    assert_linear(shapes);
}

/// (what, one statement, exit code, how many for the large run).
type Shape = (&'static str, fn(usize) -> String, i32, usize);

/// Each shape's file of `n` statements must take at most 15 times the work of its file of
/// `n / 10` ([`assert_linear_work`]): about 10 times for linear work, 100 for quadratic. The
/// counts are exact, so two thousand statements are enough (the wall-clock version needed tens
/// of thousands for the quadratic part to stand out of a busy machine's noise). The files follow
/// one that makes 10 tables with a constraint and a policy each, and an enum.
fn assert_linear(shapes: &[Shape]) {
    let mut init = String::from("create type public.e as enum ('a');\n");
    for k in 0..10 {
        init += &format!(
            "create table public.t{k} (id bigint primary key, c int, s public.e);\n\
             alter table public.t{k} enable row level security;\n\
             alter table public.t{k} add constraint k{k} check (c > 0);\n\
             create policy p{k} on public.t{k} using (true);\n"
        );
    }
    for (what, statement, code, n) in shapes {
        assert_linear_work(what, *n, |n| {
            let sql: String = (0..n).map(statement).collect();
            let p = project(&[
                ("supabase/config.toml", b"".as_slice()),
                (
                    "supabase/migrations/20240101000000_init.sql",
                    init.as_bytes(),
                ),
                ("supabase/migrations/20240102000000_big.sql", sql.as_bytes()),
            ]);
            let r = run_counted(p.path(), &["check", "--format", "json"]);
            if n > 0 {
                assert_eq!(r.code, Some(*code), "{what}: {}", r.stderr);
            }
            r
        });
    }
}

/// One statement with many parts: an `ALTER TABLE` of many actions, a `DROP TABLE` of many
/// names, a `LOCK` of many tables, all on one line. The schema model searched a table's column
/// list per `ADD COLUMN` and `DROP COLUMN`, the lock rules searched the tables found so far per
/// table, and a column deep in a long line was counted from the line's start: each took N² steps
/// (80,000 actions: 23 s in a release build; 80,000 names: 42 s). Ten times the parts must take
/// about ten times the work. The sizes stay under `parse::PARSE_TOKENS_UP_TO` tokens a
/// statement, so every part is parsed and modelled (a longer statement is read only up to that
/// limit: `a_statement_too_long_to_parse_is_reported_and_read_in_part`).
#[test]
fn one_long_statement_takes_linear_work() {
    let init = "create table public.w (id bigint primary key);\n\
                alter table public.w enable row level security;\n\
                create policy p on public.w using (true);\n";
    // (what, the file of `n` parts, exit code, the two sizes): at most 5 tokens a part, so that
    // 4,000 parts are within the 20,000 tokens the parser reads.
    type Shape = (&'static str, fn(usize) -> String, i32, [usize; 2]);
    let shapes: &[Shape] = &[
        (
            "ALTER TABLE with many ADD COLUMN, then as many DROP COLUMN",
            |n| {
                let add: Vec<String> = (0..n).map(|i| format!("add column c{i} int")).collect();
                let drop: Vec<String> = (0..n).map(|i| format!("drop column c{i}")).collect();
                format!(
                    "alter table public.w {};\nalter table public.w {};\n",
                    add.join(", "),
                    drop.join(", ")
                )
            },
            // The columns dropped are the file's own: no finding.
            0,
            [300, 3_000],
        ),
        (
            // One finding per table on a long line: a column is counted from the 4 KB checkpoint
            // before it (`source::LineIndex`), which costs up to 4 KB a finding, depending on
            // where in its 4 KB the offset falls. Names of 64 bytes with their comma, 1,024 and
            // 4,096 of them, put the statements' ends at the same place of a 4 KB block, so each
            // finding costs the same at both sizes: about 4 times the work, 16 for the old count
            // from the line's start.
            "DROP TABLE and LOCK of many tables (one line)",
            |n| {
                let names: Vec<String> = (0..n)
                    .map(|i| format!("public.{:_<47}{i:08}", "t"))
                    .collect();
                format!("lock table {0};\ndrop table {0};\n", names.join(", "))
            },
            1,
            [1_024, 4_096],
        ),
    ];
    for (what, file, code, sizes) in shapes {
        assert_work_grows_as_input(what, *sizes, |n| {
            let p = project(&[
                ("supabase/config.toml", b"".as_slice()),
                (
                    "supabase/migrations/20240101000000_init.sql",
                    init.as_bytes(),
                ),
                (
                    "supabase/migrations/20240102000000_big.sql",
                    (if n > 0 { file(n) } else { String::new() }).as_bytes(),
                ),
            ]);
            let r = run_counted(p.path(), &["check", "--format", "json"]);
            if n > 0 {
                assert_eq!(r.code, Some(*code), "{what}: {}", r.stderr);
            }
            r
        });
    }
}

/// Issue 31 item 11: 25,000 nested `- ` in a workflow (50 KB) overflowed the stack in
/// yaml-rust2's recursive `Parser::load` (exit 134). The events are now read in a loop
/// (`deploy/workflow.rs`, `read_events`) and nesting past `workflow::MAX_NESTING` (256) makes
/// the file unreadable: a warning naming the file and the line, found by walking; an input
/// error (exit 2) when the file is named. Nesting within the limit but past what is kept is
/// read and skipped.
#[test]
fn deeply_nested_yaml_is_a_warning_not_a_stack_overflow() {
    let deep = format!("{}x\n", "- ".repeat(25_000));
    let flow = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
    let kept = format!("{}x\n", "- ".repeat(250));
    let p = project(&[
        ("migrations/001_a.sql", b"select 1;\n".as_slice()),
        (".github/workflows/deep.yml", deep.as_bytes()),
        (".github/workflows/flow.yml", flow.as_bytes()),
        (".github/workflows/kept.yml", kept.as_bytes()),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let messages = messages_of(&r.stdout);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains(".github/workflows/deep.yml cannot be read")
            && messages[0].contains("nest more than 256 levels deep"),
        "{messages:?}"
    );
    let named = run(p.path(), &["check", ".github/workflows/deep.yml"]);
    let said = format!("{}{}", named.stdout, named.stderr);
    assert_eq!(named.code, Some(2), "{said}");
    assert!(
        said.contains(".github/workflows/deep.yml:1: its lists and maps nest more than 256"),
        "{said}"
    );
}

/// Issue 31 item 11, the other formats of nested input: TOML (the `toml` crate stops at 80
/// levels, `toml-0.9` `de/parser/mod.rs` `LIMIT`, for arrays, inline tables and dotted keys)
/// and JSON (package.json is checked with serde_json's `IgnoredAny`, which skips any depth
/// without recursion, then scanned by `deploy/package.rs`'s own loop). Neither aborts.
#[test]
fn deeply_nested_toml_and_json_do_not_abort() {
    let n = 100_000;
    let toml = format!("app = \"x\"\na = {}{}\n", "[".repeat(n), "]".repeat(n));
    let json = format!(
        "{{\"scripts\": {{\"migrate\": \"prisma migrate deploy\"}}, \"a\": {}{}}}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let p = project(&[
        ("migrations/001_a.sql", b"select 1;\n".as_slice()),
        ("fly.toml", toml.as_bytes()),
        ("package.json", json.as_bytes()),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let messages = messages_of(&r.stdout);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("fly.toml cannot be read") && m.contains("recursion")),
        "{messages:?}"
    );
}

/// Issue 31 item 14: a goose file of `ADD COLUMN … NOT NULL` on a table emptied earlier in it
/// (2,000 statements: 0.58 s; ten times as many, 7 to 18 times as long). Each statement asks
/// whether the `TRUNCATE` runs in its transaction (`rules/transaction.rs`, `same_transaction`),
/// and that asked goose how it runs the file, which reads the whole text for `-- +goose NO
/// TRANSACTION` (`tool/goose.rs`, after pressly/goose `internal/sqlparser/parser.go`): the text
/// once per statement. The answer is now kept per file; the count includes the text read per
/// asking of the tool.
#[test]
fn a_tool_reads_a_file_for_its_transaction_once() {
    for (tool, path, head) in [
        ("goose", "migrations/00002_big.sql", "-- +goose Up\n"),
        (
            "dbmate",
            "db/migrations/20240102000000_big.sql",
            "-- migrate:up\n",
        ),
    ] {
        assert_linear_work(
            &format!("{tool}: ADD COLUMN on a table emptied earlier"),
            2_000,
            |n| {
                let mut sql = format!("{head}truncate public.t0;\n");
                for i in 0..n {
                    sql.push_str(&format!(
                        "alter table public.t0 add column c{i} int not null;\n"
                    ));
                }
                let first = path
                    .replace("big", "init")
                    .replace("00002", "00001")
                    .replace("20240102", "20240101");
                let init = format!("{head}create table public.t0 (id bigint primary key);\n");
                let p = project(&[(first.as_str(), init.as_bytes()), (path, sql.as_bytes())]);
                let r = run_counted(p.path(), &["check", "--format", "json"]);
                if n > 0 {
                    assert!(
                        !rules_of(&r.stdout)
                            .iter()
                            .any(|r| r == "add-column-not-null-without-default"),
                        "{tool}: the table is empty: {}",
                        r.stdout
                    );
                }
                r
            },
        );
    }
}

/// Runs `migcheck lsp` under a limit of 1 GiB of address space (`ulimit -v` in the shell that
/// starts it), so that a server that reserves what a header announces fails this test instead
/// of filling the machine. Writes `input` on a thread (it may be larger than a pipe holds),
/// closes stdin, and returns (exit code, stdout, stderr). Linux only: macOS refuses `ulimit -v`.
#[cfg(target_os = "linux")]
fn lsp_limited(input: Vec<u8>) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = Command::new("sh")
        .args(["-c", "ulimit -v 1048576 && exec \"$0\" lsp"])
        .arg(env!("CARGO_BIN_EXE_migcheck"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migcheck lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // The server may end before reading everything (a broken pipe is its answer).
        let _ = stdin.write_all(&input);
    });
    let out_pipe = child.stdout.take().unwrap();
    let err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || read_all(out_pipe));
    let err_reader = std::thread::spawn(move || read_all(err_pipe));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("migcheck lsp did not finish within {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    writer.join().unwrap();
    (
        status.code(),
        out_reader.join().unwrap(),
        err_reader.join().unwrap(),
    )
}

fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Issue 31 item 12: lsp-server's transport reserved whatever `Content-Length` announced before
/// reading the body (10^9: 982 MB at once; 2^64−1: abort). The server now reads a body of at
/// most 64 MiB (`lsp_transport::MAX_MESSAGE`) into a buffer that grows as bytes arrive; a larger
/// one is read and discarded, reported, and the server goes on. Under a 1 GiB address-space
/// limit the old transport aborted on both headers.
#[cfg(target_os = "linux")]
#[test]
fn lsp_refuses_a_message_over_64_mib_without_reserving_it() {
    for announced in ["1000000000", "18446744073709551615"] {
        let input = format!("Content-Length: {announced}\r\n\r\n{{}}").into_bytes();
        let (code, _, stderr) = lsp_limited(input);
        assert_eq!(code, Some(2), "{announced}: {stderr}");
        assert!(
            stderr.contains(&format!("skipped a message of {announced} bytes"))
                && stderr.contains("the input ended after 2 bytes"),
            "{announced}: {stderr}"
        );
    }
    // A body of 64 MiB + 1 actually sent between two requests: skipped, and the server answers
    // the next request and shuts down cleanly.
    let mut input = framed(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#,
    );
    input.extend(framed(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    let big = (64 << 20) + 1;
    input.extend(format!("Content-Length: {big}\r\n\r\n").bytes());
    input.resize(input.len() + big, b' ');
    input.extend(framed(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#));
    input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    let (code, stdout, stderr) = lsp_limited(input);
    assert_eq!(code, Some(0), "{stderr}\n{stdout}");
    assert!(stdout.contains("window/showMessage"), "{stdout}");
    assert!(stdout.contains(r#""id":2,"result":null"#), "{stdout}");
    assert!(
        stderr.contains(&format!("skipped a message of {big} bytes")),
        "{stderr}"
    );
}

/// `migcheck lsp` with the work counted: opens `rel` in `dir` with the text on disk, then shuts
/// down. The published diagnostics are on stdout.
fn lsp_counted(dir: &Path, rel: &str) -> Run {
    use std::io::Write;
    let root = std::fs::canonicalize(dir).unwrap();
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let uri = format!("file://{}/{rel}", root.display());
    let open = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
        {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}});
    let mut input = framed(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#,
    );
    input.extend(framed(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    input.extend(framed(&open.to_string()));
    // A hover waits for the check of the file opened.
    input.extend(framed(&format!(
        r#"{{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{{"textDocument":{{"uri":"{uri}"}},"position":{{"line":0,"character":0}}}}}}"#
    )));
    input.extend(framed(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#));
    input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    let mut child = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .arg("lsp")
        .current_dir(&root)
        .env("MIGCHECK_WORK_STATS", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migcheck lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let line = stderr
        .lines()
        .find(|l| l.starts_with("work: "))
        .unwrap_or_else(|| panic!("no work count on stderr: {stderr}"));
    let n: Vec<u64> = line.split(' ').filter_map(|w| w.parse().ok()).collect();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        peak_kib: None,
        work: Some(Work {
            steps: n[0],
            allocations: n[1],
        }),
    }
}

/// Issue 31 item 13: findings on one long line. Human output searched from each finding for the
/// end of its line (`render/human.rs`, `read_span`), and the language server counted each
/// finding's UTF-16 column from the start of its line (`lsp.rs`, `Lines::position`): 40,000,
/// 80,000 and 160,000 findings took 6, 22 and 93 s. The end of the line now comes from the
/// line index and a column from a checkpoint at most 4 KB before it; the count includes the
/// bytes each conversion reads (counted from the line's start, ten times the findings made a
/// hundred times the steps).
#[test]
fn findings_on_one_long_line_take_linear_work() {
    let one_line = |n: usize| {
        let mut sql: String = (0..n)
            .map(|i| format!("alter table public.t{} drop column c{i}; ", i % 50))
            .collect();
        sql.push('\n');
        project(&[("migrations/001_drop.sql", sql.as_bytes())])
    };
    assert_linear_work("human output of findings on one line", 4_000, |n| {
        let p = one_line(n);
        let r = run_counted(p.path(), &["check"]);
        if n > 0 {
            assert_eq!(r.code, Some(1), "{}", r.stderr);
            assert!(r.stdout.matches("drop-column").count() >= n);
        }
        r
    });
    assert_linear_work("the language server's findings on one line", 4_000, |n| {
        let p = one_line(n);
        let r = lsp_counted(p.path(), "migrations/001_drop.sql");
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert_eq!(r.stdout.matches(r#""code":"drop-column""#).count(), n);
        r
    });
}
