//! Adopting migcheck on an existing repository, end to end with the real binary: write a
//! baseline, pass with it, survive line shifts, fail on a new finding, report stale entries;
//! in every format, from migcheck.toml, and with `--changed-since`. Also "nothing to check".

mod support;

use std::path::Path;

use support::{git, run, Run};

fn write(dir: &Path, path: &str, text: &str) {
    support::write(&dir.join(path), text);
}

const M1: &str = "supabase/migrations/20240101000000_notes.sql";
const M2: &str = "supabase/migrations/20240102000000_cleanup.sql";
const M2B: &str = "supabase/migrations/20240102000001_tags.sql";
const M3: &str = "supabase/migrations/20240103000000_more.sql";

/// An old repository: a clean table, then a clean-up with two drops already applied.
fn old_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        M1,
        "create table public.notes (id bigint primary key, body text, old text);\n\
         alter table public.notes enable row level security;\n\
         create policy \"read\" on public.notes for select to authenticated using (true);\n\
         create table public.tags (id bigint primary key);\n\
         alter table public.tags enable row level security;\n\
         create policy \"read\" on public.tags for select to authenticated using (true);\n",
    );
    write(
        dir.path(),
        M2,
        "set lock_timeout = '5s';\nalter table public.notes drop column old;\n",
    );
    write(
        dir.path(),
        M2B,
        "set lock_timeout = '5s';\ndrop table public.tags;\n",
    );
    dir
}

fn summary(r: &Run) -> &str {
    r.stdout
        .lines()
        .rfind(|l| l.starts_with("Found") || l.starts_with("No problems"))
        .unwrap_or("")
}

#[test]
fn write_pass_shift_new_finding_and_stale_entry() {
    let repo = old_repo();
    let dir = repo.path();
    assert_eq!(
        run(dir, &["check"]).code,
        1,
        "the old repository has findings"
    );

    let w = run(
        dir,
        &["check", "--write-baseline", "migcheck-baseline.json"],
    );
    assert_eq!(w.code, 0, "writing a baseline exits 0: {}", w.stderr);
    assert!(
        w.stderr
            .contains("Wrote 2 findings to migcheck-baseline.json"),
        "{}",
        w.stderr
    );
    let text = std::fs::read_to_string(dir.join("migcheck-baseline.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], 1);
    let entries = doc["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["rule"], "drop-column");
    assert_eq!(entries[0]["path"], M2);
    assert_eq!(entries[1]["rule"], "drop-table");
    assert_eq!(entries[1]["path"], M2B);
    // Files stay untouched.
    assert!(std::fs::read_to_string(dir.join(M2))
        .unwrap()
        .contains("drop column old"));

    let ok = run(dir, &["check", "--baseline", "migcheck-baseline.json"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert_eq!(
        ok.stdout,
        "Checked 1 migration set: supabase/migrations (the Supabase CLI, 3 files, one pipeline \
         per file, exposed: public).\n\nNo problems in 3 files (10 statements). 2 findings in \
         the baseline migcheck-baseline.json (not shown).\n"
    );

    // Lines shift above the baselined statements, and one is re-indented: still accepted.
    write(
        dir,
        M2,
        "-- reviewed in PR #12\n\nset lock_timeout = '5s';\n\nalter table public.notes\n    drop column old;\n",
    );
    let shifted = run(dir, &["check", "--baseline", "migcheck-baseline.json"]);
    assert_eq!(shifted.code, 0, "{}", shifted.stdout);

    // A new migration repeats a baselined statement's text in another file: it is new.
    write(
        dir,
        M3,
        "set lock_timeout = '5s';\nalter table public.notes drop column body;\n",
    );
    let new = run(dir, &["check", "--baseline", "migcheck-baseline.json"]);
    assert_eq!(new.code, 1, "{}", new.stdout);
    assert!(new.stdout.contains("drop column body"), "{}", new.stdout);
    assert!(
        !new.stdout.contains("drop table public.tags"),
        "{}",
        new.stdout
    );
    assert!(
        summary(&new).starts_with("Found 1 error and 0 warnings"),
        "{}",
        new.stdout
    );

    // The drop of `tags` is removed (fixed): its entry is stale, and named.
    std::fs::remove_file(dir.join(M3)).unwrap();
    write(dir, M2B, "set lock_timeout = '5s';\n");
    let stale = run(dir, &["check", "--baseline", "migcheck-baseline.json"]);
    assert_eq!(
        stale.code, 0,
        "a stale entry alone does not fail: {}",
        stale.stdout
    );
    assert!(
        stale.stdout.contains(&format!(
            "stale baseline entry: {M2B} (drop-table, line 2 when written): no finding matches it"
        )),
        "{}",
        stale.stdout
    );
    assert!(
        summary(&stale).ends_with(
            "1 finding in the baseline migcheck-baseline.json (not shown). 1 entry of \
             migcheck-baseline.json no longer matches anything (fixed or edited): rewrite it \
             with `--write-baseline migcheck-baseline.json`."
        ),
        "{}",
        stale.stdout
    );
    let json = run(
        dir,
        &[
            "check",
            "--baseline",
            "migcheck-baseline.json",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["baseline"]["matched"], 1);
    assert_eq!(doc["baseline"]["stale"][0]["rule"], "drop-table");
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn identical_statements_are_counted() {
    let repo = old_repo();
    let dir = repo.path();
    write(
        dir,
        M3,
        "set lock_timeout = '5s';\ntruncate public.notes;\n",
    );
    assert_eq!(run(dir, &["check", "--write-baseline", "b.json"]).code, 0);
    // The same truncate a second time in the same file is one more finding than accepted.
    write(
        dir,
        M3,
        "set lock_timeout = '5s';\ntruncate public.notes;\ntruncate public.notes;\n",
    );
    let r = run(dir, &["check", "--baseline", "b.json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(summary(&r).starts_with("Found 1 error"), "{}", r.stdout);
}

#[test]
fn every_format_reports_only_new_findings() {
    let repo = old_repo();
    let dir = repo.path();
    assert_eq!(run(dir, &["check", "--write-baseline", "b.json"]).code, 0);
    write(dir, M3, "truncate public.notes;\n");
    for format in [
        "human", "concise", "json", "sarif", "github", "markdown", "gitlab", "junit",
    ] {
        let r = run(dir, &["check", "--baseline", "b.json", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}{}", r.stdout, r.stderr);
        // SARIF lists every rule's descriptor; its results name rules by `ruleId`.
        let named = |rule: &str| match format {
            "sarif" => r.stdout.contains(&format!("\"ruleId\": \"{rule}\"")),
            _ => r.stdout.contains(rule),
        };
        assert!(named("truncate-table"), "{format}: {}", r.stdout);
        assert!(!named("drop-table"), "{format}: {}", r.stdout);
        assert!(!named("drop-column"), "{format}: {}", r.stdout);
    }
}

#[test]
fn baseline_from_migcheck_toml_is_relative_to_it() {
    let repo = old_repo();
    let dir = repo.path();
    write(
        dir,
        "migcheck.toml",
        "baseline = \"ci/migcheck-baseline.json\"\n",
    );
    std::fs::create_dir_all(dir.join("ci")).unwrap();
    let w = run(
        dir,
        &["check", "--write-baseline", "ci/migcheck-baseline.json"],
    );
    assert_eq!(w.code, 0, "{}", w.stderr);
    let text = std::fs::read_to_string(dir.join("ci/migcheck-baseline.json")).unwrap();
    assert!(
        text.contains(&format!("\"../{M2}\"")),
        "paths are relative to the baseline: {text}"
    );
    // From the repository root and from inside the migrations folder.
    assert_eq!(run(dir, &["check"]).code, 0);
    let sub = dir.join("supabase/migrations");
    let r = run(&sub, &["check", "."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("2 findings in the baseline"),
        "{}",
        r.stdout
    );
    // A broken baseline is an input error, not a pass.
    write(
        dir,
        "ci/migcheck-baseline.json",
        "{\"version\": 1, \"findings\": [\n",
    );
    let r = run(dir, &["check"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("error: ci/migcheck-baseline.json: line "),
        "{}",
        r.stdout
    );
}

#[test]
fn changed_since_does_not_call_unchecked_entries_stale() {
    let repo = old_repo();
    let dir = repo.path();
    assert_eq!(run(dir, &["check", "--write-baseline", "b.json"]).code, 0);
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "old"]);
    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(
        dir,
        M3,
        "create table public.later (id bigint primary key);\n\
        alter table public.later enable row level security;\n\
        create policy \"r\" on public.later for select to authenticated using (true);\n",
    );
    let r = run(
        dir,
        &["check", "--changed-since", "main", "--baseline", "b.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("stale"), "{}", r.stdout);
    assert!(!r.stdout.contains("no longer"), "{}", r.stdout);
    // The branch also edits the baselined clean-up: its drop is still accepted; the new one not.
    write(
        dir,
        M2,
        "set lock_timeout = '5s';\nalter table public.notes drop column old;\ndrop table public.notes;\n",
    );
    let r = run(
        dir,
        &["check", "--changed-since", "main", "--baseline", "b.json"],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(summary(&r).starts_with("Found 1 error"), "{}", r.stdout);
    assert!(
        summary(&r).contains(" 1 finding in the baseline"),
        "{}",
        r.stdout
    );
}

/// `--select`/`--ignore` run some rules only: the entries of the others are not stale (a
/// rewrite would drop them), and a baseline of such a partial run is refused.
#[test]
fn select_and_ignore_do_not_call_other_rules_entries_stale() {
    let repo = old_repo();
    let dir = repo.path();
    assert_eq!(run(dir, &["check", "--write-baseline", "b.json"]).code, 0);
    for args in [
        &["--select", "drop-table"][..],
        &["--ignore", "drop-column"][..],
    ] {
        let mut all = vec!["check", "--baseline", "b.json"];
        all.extend_from_slice(args);
        let r = run(dir, &all);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            summary(&r).contains("1 finding in the baseline"),
            "{}",
            r.stdout
        );
        assert!(!summary(&r).contains("no longer"), "{args:?}: {}", r.stdout);
    }
    // Without the filter, a fixed finding's entry is stale as before.
    write(
        dir,
        M2,
        "set lock_timeout = '5s';
",
    );
    let r = run(dir, &["check", "--baseline", "b.json"]);
    assert!(
        summary(&r).contains("1 entry of b.json no longer matches"),
        "{}",
        r.stdout
    );
    let r = run(
        dir,
        &[
            "check",
            "--select",
            "drop-table",
            "--write-baseline",
            "c.json",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--select"), "{}", r.stderr);
    assert!(!dir.join("c.json").exists());
}

#[test]
fn nothing_to_check_exits_2_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("error: nothing to check: . holds no migration or deployment file"),
        "{}",
        r.stderr
    );
    let r = run(dir.path(), &["check", "src"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nothing to check: src holds"),
        "{}",
        r.stderr
    );
    let r = run(dir.path(), &["check", "--allow-empty"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "No problems in 0 files (0 statements).\n");
}

/// `--write-baseline FILE` refuses (exit 2, FILE untouched, the error names it) a migration the
/// run checks, any `.sql` file, a symbolic link, a FIFO, and an existing file that is not a
/// migcheck baseline; it replaces a migcheck baseline (issue 31, item 10).
#[test]
fn write_baseline_refuses_what_it_must_not_overwrite() {
    let repo = old_repo();
    let dir = repo.path();
    let before = std::fs::read_to_string(dir.join(M2)).unwrap();
    let refused = |target: &str, why: &str| {
        let r = run_or_kill(dir, &["check", "--write-baseline", target]);
        assert_eq!(r.code, 2, "{target}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("--write-baseline {target}: not written"))
                && r.stderr.contains(why),
            "{target}: {}",
            r.stderr
        );
    };
    refused(M2, ".sql file");
    assert_eq!(std::fs::read_to_string(dir.join(M2)).unwrap(), before);
    write(dir, "notes.sql", "select 1;\n");
    refused("notes.sql", ".sql file");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.sql")).unwrap(),
        "select 1;\n"
    );
    write(dir, "package.json", "{\"name\": \"x\"}\n");
    refused("package.json", "deployment file");
    write(dir, "README.md", "# notes\n");
    refused("README.md", "not a migcheck baseline");
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "# notes\n"
    );
    // A link, even to a baseline: migcheck does not write through links.
    let ok = run(dir, &["check", "--write-baseline", "base.json"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let written = std::fs::read_to_string(dir.join("base.json")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("base.json", dir.join("link.json")).unwrap();
        refused("link.json", "symbolic link");
        assert!(std::fs::symlink_metadata(dir.join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink());
        migcheck_core::fsio::mkfifo(&dir.join("pipe.json"));
        refused("pipe.json", "FIFO");
    }
    // A migcheck baseline is replaced (its permissions kept).
    let again = run(dir, &["check", "--write-baseline", "base.json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("base.json")).unwrap(),
        written
    );
}

/// [`run`], killed after two minutes (a run blocked opening a FIFO fails the test instead of
/// hanging it; no test asserts on speed).
fn run_or_kill(dir: &Path, args: &[&str]) -> Run {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("migcheck {args:?} blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    Run {
        code: status.code().expect("exited"),
        stdout: out,
        stderr: err,
    }
}
