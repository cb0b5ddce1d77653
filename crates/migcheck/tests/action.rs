//! The GitHub Action's run step (`scripts/action-run.sh`), run by bash with the built binary on
//! PATH, a fake `$GITHUB_STEP_SUMMARY` and `$GITHUB_OUTPUT`, in a throwaway git repository.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{git, workspace, write};

/// `main` has a migration that drops a table (an old problem); the branch `feature` adds one
/// with a warning only, and `origin/main` points at main as after actions/checkout.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let m = root.join("supabase/migrations");
    git(root, &["init", "-q", "-b", "main"]);
    write(
        &m.join("20250101000000_init.sql"),
        "create table public.a (id int);\n",
    );
    write(&m.join("20250101000001_drop.sql"), "drop table public.a;\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["update-ref", "refs/remotes/origin/main", "main"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(
        &m.join("20250102000000_note.sql"),
        "-- migcheck:allow drop-table reason: nothing is dropped here\nselect 1;\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "feature"]);
    dir
}

struct Run {
    out: Output,
    summary: String,
    outputs: String,
    temp: tempfile::TempDir,
}

fn action(repo: &Path, env: &[(&str, &str)]) -> Run {
    let temp = tempfile::tempdir().unwrap();
    let summary = temp.path().join("summary.md");
    let outputs = temp.path().join("output.txt");
    let bin = Path::new(env!("CARGO_BIN_EXE_migcheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(workspace().join("scripts/action-run.sh"))
        .current_dir(repo)
        .env("PATH", path)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_TEMP", temp.path())
        .env("NO_COLOR", "1");
    for k in [
        "MIGCHECK_PATHS",
        "MIGCHECK_BASE_REF",
        "MIGCHECK_FAIL_ON",
        "MIGCHECK_FORMAT",
        "MIGCHECK_CONFIG",
        "MIGCHECK_SARIF_FILE",
        "MIGCHECK_DATABASE_URL",
        "MIGCHECK_STATS",
        "DATABASE_URL",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        out,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        temp,
    }
}

fn stdout(r: &Run) -> String {
    String::from_utf8_lossy(&r.out.stdout).into_owned()
}

#[test]
fn pull_request_checks_only_the_branch_and_fails_on_warnings_when_asked() {
    let repo = repo();
    // A pull request: action.yml passes the base branch as `origin/main`.
    let r = action(repo.path(), &[("MIGCHECK_BASE_REF", "origin/main")]);
    let log = stdout(&r);
    assert_eq!(r.out.status.code(), Some(0), "only a warning: {log}");
    assert!(
        log.contains("::warning file=supabase/migrations/20250102000000_note.sql,line=1"),
        "{log}"
    );
    assert!(
        !log.contains("drop-table::"),
        "main's problem is not the branch's: {log}"
    );
    assert!(r.summary.starts_with("## migcheck"), "{}", r.summary);
    assert!(r.summary.contains("unused-allow"), "{}", r.summary);
    let md = r.temp.path().join("migcheck-summary.md");
    assert!(
        r.outputs
            .contains(&format!("markdown-file={}\n", md.display())),
        "{}",
        r.outputs
    );
    assert!(r.outputs.contains("exit-code=0\n"), "{}", r.outputs);

    let r = action(
        repo.path(),
        &[
            ("MIGCHECK_BASE_REF", "origin/main"),
            ("MIGCHECK_FAIL_ON", "warning"),
        ],
    );
    assert_eq!(r.out.status.code(), Some(1), "{}", stdout(&r));
    assert!(r.outputs.contains("exit-code=1\n"), "{}", r.outputs);
}

#[test]
fn without_a_base_everything_is_checked_and_sarif_is_written() {
    let repo = repo();
    let sarif = repo.path().join("migcheck.sarif");
    let r = action(
        repo.path(),
        &[("MIGCHECK_SARIF_FILE", sarif.to_str().unwrap())],
    );
    let log = stdout(&r);
    assert_eq!(r.out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("::error file=supabase/migrations/20250101000001_drop.sql,line=1"),
        "{log}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let rules: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"drop-table") && rules.contains(&"unused-allow"),
        "{rules:?}"
    );
    assert!(r.summary.contains("drop-table"), "{}", r.summary);
}

#[test]
fn annotations_are_capped_with_a_line_saying_how_many_more() {
    let repo = repo();
    let all = action(repo.path(), &[("MIGCHECK_BASE_REF", "")]);
    // Annotations on the diff; the scope `::notice::` (what was checked) is not one of them.
    let annotation = |l: &&str| l.starts_with("::") && !l.starts_with("::notice::");
    let total = stdout(&all).lines().filter(annotation).count();
    assert!(total >= 2, "{}", stdout(&all));
    let r = action(
        repo.path(),
        &[("MIGCHECK_BASE_REF", ""), ("MIGCHECK_MAX_ANNOTATIONS", "1")],
    );
    let out = stdout(&r);
    assert_eq!(out.lines().filter(annotation).count(), 1, "{out}");
    // The scope notice is never capped.
    assert!(
        out.lines()
            .any(|l| l.starts_with("::notice::Checked 1 migration set: supabase/migrations")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "migcheck: {} more annotations not shown; every finding is in the job summary.",
            total - 1
        )),
        "{out}"
    );
    assert_eq!(r.out.status.code(), all.out.status.code());
    assert!(
        out.contains("Found "),
        "the outcome line is still printed: {out}"
    );
}

#[test]
fn explicit_base_ref_paths_and_bad_inputs() {
    let repo = repo();
    let r = action(
        repo.path(),
        &[
            ("MIGCHECK_BASE_REF", "main"),
            ("MIGCHECK_PATHS", "supabase"),
            ("MIGCHECK_FORMAT", "json"),
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&r.out.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 1, "{doc}");

    let r = action(repo.path(), &[("MIGCHECK_FAIL_ON", "sometimes")]);
    assert_eq!(r.out.status.code(), Some(2));
    assert!(stdout(&r).contains("fail-on must be"), "{}", stdout(&r));
    // A bad input still writes `exit-code` for the steps that read it.
    assert!(r.outputs.contains("exit-code=2\n"), "{}", r.outputs);

    // An unknown base is migcheck's exit 2, passed through.
    let r = action(repo.path(), &[("MIGCHECK_BASE_REF", "origin/nope")]);
    assert_eq!(r.out.status.code(), Some(2));
    assert!(r.outputs.contains("exit-code=2\n"), "{}", r.outputs);
}

/// Issue 30 item 8: a mistyped path fails the step and the job summary says so first; it read
/// "❌ No problems in 0 files" before.
#[test]
fn a_mistyped_path_is_an_error_in_the_summary() {
    let repo = repo();
    let r = action(repo.path(), &[("MIGCHECK_PATHS", "supabse/migrations")]);
    assert_eq!(r.out.status.code(), Some(2), "{}", stdout(&r));
    assert!(r.outputs.contains("exit-code=2\n"), "{}", r.outputs);
    let first = r
        .summary
        .lines()
        .find(|l| l.starts_with('❌') || l.starts_with('✅'))
        .unwrap_or_default();
    assert_eq!(
        first, "❌ **1 input could not be checked, and nothing else was checked.**",
        "{}",
        r.summary
    );
    assert!(!r.summary.contains("No problems"), "{}", r.summary);
    assert!(
        r.summary
            .contains("supabse/migrations: No such file or directory"),
        "{}",
        r.summary
    );
}

/// Issue 32: with the optional `database-url` input (a secret), the sizes are read once and the
/// summary starts with the tables the migrations lock; an unreachable database fails the step
/// with exit 2 and the findings are still there, without sizes.
#[test]
fn a_database_secret_puts_the_affected_tables_first_in_the_summary() {
    use migcheck_pg::{connect, ServerOptions, ThrowawayServer};
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let c = connect(&server.connection_config()).await.unwrap();
            c.batch_execute(
                "create table public.events (id bigint primary key, kind text); \
                 insert into public.events select g, 'k' || g from generate_series(1, 20000) g; \
                 analyze public.events",
            )
            .await
            .unwrap();
        });
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        &root.join("supabase/migrations/20250101000000_kind.sql"),
        "create index events_kind on public.events (kind);\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "index"]);
    let url = server.superuser_url();
    let r = action(
        root,
        &[("MIGCHECK_BASE_REF", ""), ("MIGCHECK_DATABASE_URL", &url)],
    );
    assert_eq!(r.out.status.code(), Some(1), "{}", stdout(&r));
    // The secret is masked in the log and never printed.
    assert!(stdout(&r).contains("::add-mask::"), "{}", stdout(&r));
    let after_mask: String = stdout(&r)
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect();
    assert!(!after_mask.contains(server.password()), "{after_mask}");
    let summary = &r.summary;
    let table = summary.find("| `public.events` | 20 k |").expect(summary);
    let findings = summary.find("| Location |").expect(summary);
    assert!(table < findings, "{summary}");
    assert!(summary.contains("Impact from the snapshot"), "{summary}");

    let r = action(
        root,
        &[
            ("MIGCHECK_BASE_REF", ""),
            (
                "MIGCHECK_DATABASE_URL",
                "postgresql://postgres:pw@127.0.0.1:1/postgres?connect_timeout=2",
            ),
        ],
    );
    assert_eq!(r.out.status.code(), Some(2), "{}", stdout(&r));
    assert!(
        stdout(&r).contains("::warning title=migcheck::could not read table sizes"),
        "{}",
        stdout(&r)
    );
    assert!(
        r.summary.contains("require-concurrent-index"),
        "{}",
        r.summary
    );
    assert!(r.outputs.contains("exit-code=2"), "{}", r.outputs);
}
