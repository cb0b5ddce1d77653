//! Formats, statistics, monorepos, completions, `init` and `--changed-since`, through the real binary.
//! The `migcheck` and `cargo-migcheck` binaries, run for real: one harness, tiny helpers.

mod support;

use std::process::{Command, Output};

use support::{git, migcheck, stderr, stdout, workspace, write};

#[test]
fn cargo_subcommand_runs_migcheck() {
    // cargo runs `cargo-migcheck migcheck rules` for `cargo migcheck rules`.
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migcheck"))
        .args(["migcheck", "rules"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("drop-table"), "{}", stdout(&out));
}

#[test]
fn every_format_renders_the_example() {
    for format in [
        "human", "concise", "json", "sarif", "github", "markdown", "gitlab", "junit",
    ] {
        let out = migcheck(
            &workspace(),
            &["check", "testdata/examples/hotdash", "--format", format],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(stdout(&out).contains("drop-column"), "{format}");
    }
}

#[test]
fn statistics_follow_human_output_and_go_to_stderr_otherwise() {
    let out = migcheck(
        &workspace(),
        &["check", "testdata/examples/hotdash", "--statistics"],
    );
    let text = stdout(&out);
    let table = text.find("COUNT  RULE").expect("a table");
    assert!(text[table..].contains("    3  missing-rls"), "{text}");
    let out = migcheck(
        &workspace(),
        &[
            "check",
            "testdata/examples/hotdash",
            "--statistics",
            "--format",
            "json",
        ],
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("stdout stays JSON");
    assert!(stderr(&out).contains("missing-rls"));
}

/// Each app's migrations are governed by the nearest migcheck.toml: the blog turns
/// `drop-table` off, the shop does not.
#[test]
fn monorepo_sets_follow_their_nearest_config() {
    let out = migcheck(
        &workspace(),
        &["check", "testdata/monorepo", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only the rule the two configs disagree on.
    let hits: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "drop-table")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        hits,
        [(
            "drop-table".to_string(),
            "testdata/monorepo/apps/shop/supabase/migrations/20250201000000_drop_cache.sql"
                .to_string()
        )]
    );
    assert_eq!(doc["summary"]["files"], 4);
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let out = migcheck(&workspace(), &["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = stdout(&out);
        assert!(text.contains("changed-since"), "{shell}: {text}");
    }
    let out = migcheck(&workspace(), &["man"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains(".TH migcheck 1"));
}

/// Every long option each command's `--help` lists is in the man page (in that command's
/// section) and in every completion script: all three come from the same clap definitions,
/// and this keeps the man page from listing the top-level options only.
#[test]
fn every_option_of_every_command_is_in_the_man_page_and_completions() {
    let man = stdout(&migcheck(&workspace(), &["man"]));
    let scripts: Vec<(&str, String)> = ["bash", "zsh", "fish"]
        .into_iter()
        .map(|shell| {
            (
                shell,
                stdout(&migcheck(&workspace(), &["completions", shell])),
            )
        })
        .collect();
    let mut seen = 0;
    for command in [
        "check",
        "verify",
        "replay",
        "rules",
        "explain",
        "init",
        "completions",
    ] {
        let help = stdout(&migcheck(&workspace(), &[command, "--help"]));
        let section = man
            .split(&format!(".SH \"{} OPTIONS\"\n", command.to_uppercase()))
            .nth(1)
            .unwrap_or_else(|| panic!("the man page has no section for {command}"));
        let section = section.split("\n.SH ").next().unwrap();
        for line in help.lines() {
            let line = line.trim_start();
            let line =
                line.split_once(", ").map_or(
                    line,
                    |(short, long)| {
                        if short.len() == 2 {
                            long
                        } else {
                            line
                        }
                    },
                );
            let Some(option) = line.strip_prefix("--") else {
                continue;
            };
            let name: String = option
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if name == "help" {
                continue;
            }
            seen += 1;
            let roff = format!("\\fB\\-\\-{}\\fR", name.replace('-', "\\-"));
            assert!(section.contains(&roff), "man: {command} --{name}");
            for (shell, script) in &scripts {
                assert!(script.contains(&name), "{shell}: {command} --{name}");
            }
        }
    }
    assert!(seen > 30, "only {seen} options found in the --help texts");
}

#[test]
fn init_writes_a_config_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path()
            .join("supabase/migrations/20250101000000_init.sql"),
        "create table t (id int);\n",
    );
    write(
        &dir.path()
            .join("prisma/migrations/20250101000000_init/migration.sql"),
        "CREATE TABLE \"User\" (\"id\" TEXT);\n",
    );
    write(
        &dir.path().join("supabase/tests/rls_test.sql"),
        "begin;\nselect plan(1);\nselect ok(true);\nselect * from finish();\nrollback;\n",
    );
    let out = migcheck(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("supabase"), "{text}");
    assert!(text.contains("id: migcheck"), "pre-commit snippet: {text}");
    assert!(
        text.contains("uses: migcheck/migcheck@"),
        "action snippet: {text}"
    );
    let config = std::fs::read_to_string(dir.path().join("migcheck.toml")).unwrap();
    assert!(config.contains("public._prisma_migrations"), "{config}");
    // The scope found: the pgTAP tests are skipped, written as an `include` line to uncomment.
    assert!(
        config.contains("  # \"supabase/tests\",  # test: "),
        "{config}"
    );
    assert!(
        text.contains("test                supabase/tests"),
        "{text}"
    );
    // The written config is one migcheck accepts.
    let out = migcheck(dir.path(), &["check"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));

    std::fs::write(dir.path().join("migcheck.toml"), "# mine\n").unwrap();
    let out = migcheck(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("migcheck.toml")).unwrap(),
        "# mine\n"
    );
}

/// A repository with one migration on `main` and a branch that adds one (committed) and
/// another (untracked). Every migration drops a table, so each reported file has a finding.
fn repo_with_branch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let m = root.join("supabase/migrations");
    git(root, &["init", "-q", "-b", "main"]);
    write(
        &m.join("20250101000000_init.sql"),
        "create table public.a (id int);\ncreate table public.b (id int);\ncreate table public.c (id int);\n",
    );
    write(&m.join("20250102000000_old.sql"), "drop table public.a;\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(&m.join("20250103000000_new.sql"), "drop table public.b;\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "feature"]);
    write(&m.join("20250104000000_wip.sql"), "drop table public.c;\n");
    dir
}

#[test]
fn changed_since_reports_only_the_branch_files_with_the_rest_as_context() {
    let dir = repo_with_branch();
    let out = migcheck(
        dir.path(),
        &["check", "--changed-since", "main", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut paths: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "supabase/migrations/20250103000000_new.sql",
            "supabase/migrations/20250104000000_wip.sql"
        ]
    );
    // The tables the branch drops were created in the unreported base file: the context counts.
    assert_eq!(doc["summary"]["files"], 2);

    // From a subdirectory too: git paths are relative to the top level.
    let out = migcheck(
        &dir.path().join("supabase"),
        &["check", "--changed-since", "main", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 2, "{}", stderr(&out));
}

/// Findings of one rule as (path, line).
fn hits_of(out: &Output, rule: &str) -> Vec<(String, u64)> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn changed_since_reports_a_new_migration_older_than_the_set_but_not_an_edited_one() {
    let dir = repo_with_branch();
    let m = dir.path().join("supabase/migrations");
    // Added on the branch with a version below 20250102000000, already on main.
    write(
        &m.join("20250101120000_late.sql"),
        "create table public.d (id int primary key);\n",
    );
    // Edited on the branch: an old file, but not a new one.
    write(
        &m.join("20250101000000_init.sql"),
        "create table public.a (id int);\ncreate table public.b (id int);\ncreate table public.c (id int);\n-- edited\n",
    );
    let out = migcheck(
        dir.path(),
        &["check", "--changed-since", "main", "--format", "json"],
    );
    assert_eq!(
        hits_of(&out, "migration-version-out-of-order"),
        [("supabase/migrations/20250101120000_late.sql".to_string(), 1)],
        "{}",
        stdout(&out)
    );
    // Without git, a named file may be an edit: nothing is said.
    let out = migcheck(
        dir.path(),
        &[
            "check",
            "supabase/migrations/20250101120000_late.sql",
            "--format",
            "json",
        ],
    );
    assert!(hits_of(&out, "migration-version-out-of-order").is_empty());
}

/// `security-definer-search-path` judges what the set ends with, as `missing-rls` does: a
/// later `CREATE OR REPLACE` of the same function with `search_path` set counts in a whole-set
/// run, and with `--changed-since` only when that later file is part of the change.
#[test]
fn changed_since_counts_a_later_search_path_fix_only_when_it_is_part_of_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let m = root.join("supabase/migrations");
    git(root, &["init", "-q", "-b", "main"]);
    write(&m.join("20250101000000_init.sql"), "create table public.base (id int primary key);\nalter table public.base enable row level security;\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    let create = "create function public.wipe() returns void language sql security definer\nas $$ delete from public.base $$;\n";
    write(&m.join("20250102000000_wipe.sql"), create);
    write(
        &m.join("20250103000000_wipe_path.sql"),
        "create or replace function public.wipe() returns void language sql security definer\nset search_path = ''\nas $$ delete from public.base $$;\n",
    );
    let rule = "security-definer-search-path";
    // Both files are the change: the function ends safe.
    let out = migcheck(
        root,
        &["check", "--changed-since", "main", "--format", "json"],
    );
    assert!(hits_of(&out, rule).is_empty(), "{}", stdout(&out));
    // The fix is already on main; the change edits the file that creates the function.
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "wipe"]);
    write(
        &m.join("20250102000000_wipe.sql"),
        &format!("{create}-- edited\n"),
    );
    let out = migcheck(
        root,
        &["check", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(
        hits_of(&out, rule),
        [("supabase/migrations/20250102000000_wipe.sql".to_string(), 1)],
        "{}",
        stdout(&out)
    );
    // A whole-set run sees both files.
    let out = migcheck(root, &["check", "--format", "json"]);
    assert!(hits_of(&out, rule).is_empty(), "{}", stdout(&out));
}

#[test]
fn changed_since_counts_a_later_rls_migration_only_when_it_is_part_of_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let m = root.join("supabase/migrations");
    git(root, &["init", "-q", "-b", "main"]);
    write(&m.join("20250101000000_init.sql"), "create table public.base (id int primary key);\nalter table public.base enable row level security;\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    let create = "create table public.notes (id int primary key);\n";
    write(&m.join("20250102000000_notes.sql"), create);
    write(
        &m.join("20250103000000_notes_rls.sql"),
        "alter table public.notes enable row level security;\n",
    );
    // Both files are the change: the set ends protected.
    let args = ["check", "--changed-since", "main", "--format", "json"];
    let out = migcheck(root, &args);
    assert!(hits_of(&out, "missing-rls").is_empty(), "{}", stdout(&out));
    // The RLS migration is already on main; the change edits the one that creates the table.
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "notes"]);
    write(
        &m.join("20250102000000_notes.sql"),
        &format!("{create}-- edited\n"),
    );
    let out = migcheck(
        root,
        &["check", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(
        hits_of(&out, "missing-rls"),
        [(
            "supabase/migrations/20250102000000_notes.sql".to_string(),
            1
        )],
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("20250103000000_notes_rls.sql` enables it later, but that migration is not part of this change"), "{}", stdout(&out));
    // A whole-set run sees both files.
    let out = migcheck(root, &["check", "--format", "json"]);
    assert!(hits_of(&out, "missing-rls").is_empty(), "{}", stdout(&out));
}

#[test]
fn changed_since_with_nothing_changed_is_clean() {
    let dir = repo_with_branch();
    std::fs::remove_file(
        dir.path()
            .join("supabase/migrations/20250104000000_wip.sql"),
    )
    .unwrap();
    let out = migcheck(dir.path(), &["check", "--changed-since", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("No problems in 0 files"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn changed_since_errors_exit_2_with_a_reason() {
    let dir = repo_with_branch();
    let out = migcheck(dir.path(), &["check", "--changed-since", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown git ref `no-such-branch`"),
        "{}",
        stderr(&out)
    );

    let plain = tempfile::tempdir().unwrap();
    let out = migcheck(plain.path(), &["check", "--changed-since", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not inside a git repository"),
        "{}",
        stderr(&out)
    );
}

/// Issue 10 §3: `init` writes the exposed schemas it chose, with a comment saying why: `[api]
/// schemas` of supabase/config.toml in a Supabase project, none for Prisma on its own.
#[test]
fn init_writes_the_exposed_schemas_it_chose() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("supabase/config.toml"),
        "[api]\nschemas = [\"api\", \"graphql_public\"]\n",
    );
    write(
        &dir.path()
            .join("supabase/migrations/20250101000000_init.sql"),
        "create table api.t (id int);\n",
    );
    let o = migcheck(dir.path(), &["init", "."]);
    assert_eq!(o.status.code(), Some(0));
    let cfg = std::fs::read_to_string(dir.path().join("migcheck.toml")).unwrap();
    assert!(
        cfg.contains("exposed_schemas = [\"api\", \"graphql_public\"]"),
        "{cfg}"
    );
    assert!(
        cfg.contains("`[api] schemas` lists the schemas the Data API serves"),
        "{cfg}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path()
            .join("prisma/migrations/20250101000000_init/migration.sql"),
        "CREATE TABLE \"T\" (id int);\n",
    );
    let o = migcheck(dir.path(), &["init", "."]);
    assert_eq!(o.status.code(), Some(0));
    let cfg = std::fs::read_to_string(dir.path().join("migcheck.toml")).unwrap();
    assert!(cfg.contains("exposed_schemas = []"), "{cfg}");
    assert!(cfg.contains("no Supabase project"), "{cfg}");
    // And `check` agrees: no RLS finding for Prisma on its own database.
    let o = migcheck(dir.path(), &["check", "."]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("missing-rls"));
}
