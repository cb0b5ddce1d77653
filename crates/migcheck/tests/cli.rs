//! The real `migcheck` binary, run in temporary directories: exit codes, output formats, and
//! input it must survive. Regression tests are named after what they pin.

mod support;

use std::time::Instant;
use support::{run, workspace};

/// A temp dir with `files` (relative path, contents) written into it.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const CLEAN_TABLE: &[u8] = b"create table public.notes (id bigint primary key, user_id uuid);
alter table public.notes enable row level security;
create policy \"own notes\" on public.notes for select to authenticated
  using ((select auth.uid()) = user_id);
";

#[test]
fn exit_0_when_nothing_is_found() {
    let p = project(&[("supabase/migrations/20240101000000_notes.sql", CLEAN_TABLE)]);
    let r = run(p.path(), &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "Checked 1 migration set: supabase/migrations (the Supabase CLI, 1 file, one pipeline \
         per file, exposed: public).\n\nNo problems in 1 file (3 statements).\n"
    );
}

#[test]
fn exit_1_on_an_error_finding() {
    let p = project(&[(
        "supabase/migrations/20240101000000_drop.sql",
        b"drop table public.legacy;\n",
    )]);
    let r = run(p.path(), &["check", "supabase"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("drop-table"), "{}", r.stdout);
}

#[test]
fn warnings_exit_0_unless_deny_warnings() {
    // RLS without any policy is a warning.
    let p = project(&[(
        "supabase/migrations/20240101000000_locked.sql",
        b"create table public.locked (id int);\nalter table public.locked enable row level security;\n",
    )]);
    let r = run(p.path(), &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("rls-without-policy"), "{}", r.stdout);
    let r = run(p.path(), &["check", "--deny-warnings"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn json_output_shape() {
    let p = project(&[
        ("supabase/migrations/20240101000000_notes.sql", CLEAN_TABLE),
        (
            "supabase/migrations/20240102000000_cleanup.sql",
            b"-- Clean-up\nalter table public.notes drop column user_id;\ntruncate public.notes;\n",
        ),
    ]);
    let r = run(
        p.path(),
        &["check", "--format", "json", "supabase/migrations"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    // Paths as the user typed them, relative to the current directory.
    assert_eq!(
        doc["diagnostics"][0]["path"],
        "supabase/migrations/20240102000000_cleanup.sql"
    );
    insta::assert_snapshot!("json_output_shape", r.stdout);
}

#[test]
fn human_output_on_the_hotdash_example() {
    let r = run(&workspace(), &["check", "testdata/examples/hotdash"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("human_output_hotdash", r.stdout);
}

/// `--format concise`: one line per finding (`path:line:col: severity rule: message`), nothing
/// else on stdout; the outcome on stderr.
#[test]
fn concise_output_on_the_hotdash_example() {
    let r = run(
        &workspace(),
        &["check", "--format", "concise", "testdata/examples/hotdash"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    for line in r.stdout.lines() {
        let mut parts = line.splitn(4, ':');
        let path = parts.next().unwrap();
        assert!(path.starts_with("testdata/examples/hotdash/"), "{line}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
        let rest = parts.next().unwrap();
        assert!(
            rest.starts_with(" error ") || rest.starts_with(" warning "),
            "{line}"
        );
    }
    let json = run(
        &workspace(),
        &["check", "--format", "json", "testdata/examples/hotdash"],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let findings = doc["diagnostics"].as_array().unwrap().len();
    assert_eq!(r.stdout.lines().count(), findings);
    assert!(r.stderr.starts_with("Found "), "{}", r.stderr);
    insta::assert_snapshot!("concise_output_hotdash", r.stdout);
}

/// A clean run writes nothing on stdout in the concise format, and says so on stderr.
#[test]
fn concise_output_is_empty_when_clean() {
    let p = project(&[("supabase/migrations/20240101000000_notes.sql", CLEAN_TABLE)]);
    let r = run(p.path(), &["check", "--format", "concise"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "No problems in 1 file (3 statements).\n");
}

#[test]
fn missing_path_exits_2_and_names_it() {
    let p = project(&[]);
    let r = run(p.path(), &["check", "no/such/dir"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("error: no/such/dir:"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(p.path(), &["check", "--format", "json", "no/such/dir"]);
    assert_eq!(r.code, 2);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["errors"][0]["path"], "no/such/dir");
    assert!(r.stderr.contains("no/such/dir"), "{}", r.stderr);
}

/// Issue 30: one Latin-1 migration no longer blocks its set. It is an error finding
/// (`undecodable-file`) at the bad byte's offset, the rest of the file and of the set are
/// checked, a baseline accepts it, and `encoding = "latin1"` reads it as the server would.
#[test]
fn non_utf8_file_is_a_finding_at_its_byte_and_the_set_is_still_checked() {
    let mut latin1 = b"-- line 1\ncreate table public.t (id int);\n-- caf".to_vec();
    latin1.extend_from_slice(&[0xe9, b'\n']); // 'é' in Latin-1, on line 3, byte 48 (10 + 32 + 6)
    latin1.extend_from_slice(b"drop table public.old;\n");
    let p = project(&[
        ("supabase/migrations/20240101000000_latin1.sql", &latin1),
        (
            "supabase/migrations/20240102000000_drop.sql",
            b"drop table public.legacy;\n",
        ),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = v["diagnostics"].as_array().unwrap();
    let undecodable: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "undecodable-file")
        .collect();
    assert_eq!(undecodable.len(), 1, "{}", r.stdout);
    let f = undecodable[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 3, "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("is not valid UTF-8 at byte 48"),
        "{f}"
    );
    // The rest of the file (after the bad byte) and the other file are checked.
    let drops = findings
        .iter()
        .filter(|f| f["rule"] == "drop-table")
        .count();
    assert_eq!(drops, 2, "{}", r.stdout);

    // A baseline accepts it like any other finding.
    let w = run(p.path(), &["check", "--write-baseline", "b.json"]);
    assert_eq!(w.code, 0, "{}", w.stderr);
    let r = run(p.path(), &["check", "--baseline", "b.json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // Read as the Latin-1 client encoding the tool applies it with: no finding for it.
    std::fs::write(p.path().join("migcheck.toml"), "encoding = \"latin1\"\n").unwrap();
    let r = run(p.path(), &["check", "--format", "json"]);
    assert!(!r.stdout.contains("undecodable-file"), "{}", r.stdout);
    assert!(r.stdout.contains("drop-table"), "{}", r.stdout);
}

/// Issue 30 item 5: what `.gitignore` or `.ignore` excludes is not walked (ripgrep's `ignore`
/// crate), in and outside a git repository; `--no-ignore` walks it; a named file is checked
/// whatever ignores it.
#[test]
fn gitignored_files_are_not_walked_unless_no_ignore() {
    let p = project(&[
        (".gitignore", b"/supabase/migrations/*_scratch.sql\n"),
        ("apps/.ignore", b"legacy/\n"),
        ("supabase/migrations/20240101000000_notes.sql", CLEAN_TABLE),
        (
            "supabase/migrations/20240102000000_scratch.sql",
            b"drop table public.scratch;\n",
        ),
        (
            "apps/legacy/supabase/migrations/20240101000000_old.sql",
            b"drop table public.old;\n",
        ),
    ]);
    let r = run(p.path(), &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("drop-table"), "{}", r.stdout);
    let r = run(p.path(), &["check", "--no-ignore", "--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("20240102000000_scratch.sql"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("20240101000000_old.sql"), "{}", r.stdout);
    let r = run(
        p.path(),
        &["check", "supabase/migrations/20240102000000_scratch.sql"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

/// Issue 30 item 8: the README's JSON example said `"warnings": 6` when the run said 5. Its
/// summary, first diagnostic and sets are compared with the real run in the example.
#[test]
fn readme_json_example_is_the_real_output() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let start = readme
        .find("```json\n{\"version\": 1,")
        .expect("the JSON example");
    let block = &readme[start..start + readme[start..].find("\n```\n").unwrap()];
    let r = run(
        &workspace().join("testdata/examples/hotdash"),
        &["check", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let s = &v["summary"];
    let summary = format!(
        "\"summary\": {{\"files\": {}, \"statements\": {}, \"errors\": {}, \"warnings\": {}}}",
        s["files"], s["statements"], s["errors"], s["warnings"]
    );
    assert!(block.contains(&summary), "README should say {summary}");
    let d = &v["diagnostics"][0];
    let first = format!(
        "\"rule\": {}, \"severity\": {}, \"path\": {},",
        d["rule"], d["severity"], d["path"]
    );
    assert!(block.contains(&first), "README should say {first}");
    for set in v["scope"]["sets"].as_array().unwrap() {
        let shown = format!("\"dir\": {}, \"files\": {}", set["dir"], set["files"]);
        assert!(block.contains(&shown), "README should say {shown}");
    }
}

#[test]
fn config_with_unknown_key_exits_2_naming_file_and_line() {
    let p = project(&[
        (
            "migcheck.toml",
            b"exposed_schemas = [\"public\"]\nexposd_schemas = [\"api\"]\n",
        ),
        ("supabase/migrations/20240101000000_notes.sql", CLEAN_TABLE),
    ]);
    let r = run(p.path(), &["check"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    // Issue 30: on stderr, first, and the run stops: no finding made with the defaults.
    assert!(
        r.stderr
            .starts_with("error: migcheck.toml:2: unknown field `exposd_schemas`"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

/// A nested migcheck.toml (found only while walking) stops the run too, before any finding of
/// the other sets is shown; a malformed `allow_scripts` entry is an error naming the key.
#[test]
fn a_nested_config_error_stops_the_run_before_any_finding() {
    let p = project(&[
        (
            "api/migcheck.toml",
            b"pg_version = 15\n[deploy]\nallow_scripts = [\"db:migrate\"]\n",
        ),
        (
            "api/supabase/migrations/20240101000000_notes.sql",
            CLEAN_TABLE,
        ),
        (
            "web/supabase/migrations/20240102000000_drop.sql",
            b"drop table public.legacy;\n",
        ),
    ]);
    for format in ["human", "json"] {
        let r = run(p.path(), &["check", "--format", format]);
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{format}: {}", r.stdout);
        assert!(
            r.stderr.starts_with(
                "error: api/migcheck.toml:3: key `allow_scripts` in `[deploy]`: `db:migrate` is not `FILE:SCRIPT`"
            ),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("migcheck stopped"), "{}", r.stderr);
        assert!(!r.stderr.contains("drop-table"), "{}", r.stderr);
    }
}

/// Issue 30: what `init` says to do next works as written: `--write-baseline`, then the
/// commented `baseline` line of the written file uncommented; the old findings are accepted.
#[test]
fn init_next_steps_work_as_written() {
    let p = project(&[(
        "supabase/migrations/20240102000000_drop.sql",
        b"drop table public.legacy;\n",
    )]);
    let init = run(p.path(), &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert!(
        init.stdout
            .contains("Next: run `migcheck check`. Findings in migrations already applied?"),
        "{}",
        init.stdout
    );
    assert_eq!(run(p.path(), &["check"]).code, 1);
    let w = run(
        p.path(),
        &["check", "--write-baseline", "migcheck-baseline.json"],
    );
    assert_eq!(w.code, 0, "{}", w.stderr);
    assert_eq!(
        w.stderr,
        "Wrote 2 findings to migcheck-baseline.json; uncomment `baseline = \"migcheck-baseline.json\"` \
         in migcheck.toml (or check with `--baseline migcheck-baseline.json`) and only new findings fail.\n"
    );
    let cfg = p.path().join("migcheck.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let commented = "# baseline = \"migcheck-baseline.json\"\n";
    assert_eq!(text.matches(commented).count(), 1, "{text}");
    std::fs::write(
        &cfg,
        text.replace(commented, "baseline = \"migcheck-baseline.json\"\n"),
    )
    .unwrap();
    let ok = run(p.path(), &["check"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout
            .contains("2 findings in the baseline migcheck-baseline.json"),
        "{}",
        ok.stdout
    );
}

/// Without the line `migcheck init` writes, `--write-baseline` says where the key goes.
#[test]
fn write_baseline_without_init_says_where_the_key_goes() {
    let p = project(&[
        (
            "supabase/migrations/20240102000000_drop.sql",
            b"drop table public.legacy;\n",
        ),
        ("migcheck.toml", b"pg_version = 15\n"),
    ]);
    let w = run(
        p.path(),
        &["check", "--write-baseline", "migcheck-baseline.json"],
    );
    assert_eq!(w.code, 0, "{}", w.stderr);
    assert_eq!(
        w.stderr,
        "Wrote 2 findings to migcheck-baseline.json; check with `--baseline migcheck-baseline.json` \
         (or `baseline = \"migcheck-baseline.json\"` in migcheck.toml, as a top-level key: above \
         any `[table]` header, or it belongs to that table) and only new findings fail.\n"
    );
}

/// Issue 30: `init`, `--write-baseline`, then `baseline = "…"` appended to the written file as
/// the hint says: the key is top-level and the baseline accepts the old findings (exit 0).
#[test]
fn init_then_an_appended_baseline_key_works() {
    let p = project(&[(
        "supabase/migrations/20240102000000_drop.sql",
        b"drop table public.legacy;\n",
    )]);
    assert_eq!(run(p.path(), &["init"]).code, 0);
    let w = run(
        p.path(),
        &["check", "--write-baseline", "migcheck-baseline.json"],
    );
    assert_eq!(w.code, 0, "{}", w.stderr);
    assert!(
        w.stderr
            .contains("`baseline = \"migcheck-baseline.json\"` in migcheck.toml"),
        "{}",
        w.stderr
    );
    let cfg = p.path().join("migcheck.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("baseline = \"migcheck-baseline.json\"\n");
    std::fs::write(&cfg, text).unwrap();
    let r = run(p.path(), &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn unterminated_dollar_quote_is_a_warning_not_a_hang() {
    let p = project(&[(
        "supabase/migrations/20240101000000_fn.sql",
        b"create table public.t (id int);\nalter table public.t enable row level security;\ncreate policy p on public.t for select to authenticated using (true);\ncreate function f() returns int language sql as $body$ select 1;\n",
    )]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unparsed-statement")
        .expect("an unparsed-statement warning");
    assert_eq!(d["line"], 4);
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("unterminated dollar-quoted string $body$"));
}

#[test]
fn deeply_nested_parentheses_do_not_overflow_the_stack() {
    let sql = format!(
        "select {}1{};\ndrop table public.legacy;\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let p = project(&[(
        "supabase/migrations/20240101000000_deep.sql",
        sql.as_bytes(),
    )]);
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rules: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        rules,
        ["unparsed-statement", "drop-table", "lock-timeout-missing"]
    );
}

/// Checks a generated file of about `megabytes` MB: a data migration of the kind a seed export
/// produces, many small inserts. Returns nothing; fails if the run fails or miscounts.
fn big_file_completes(megabytes: usize) {
    let mut sql = String::from(
        "create table public.items (id bigint primary key, label text);\n\
         alter table public.items enable row level security;\n\
         create policy \"read items\" on public.items for select to authenticated using (true);\n",
    );
    let mut i = 0u64;
    while sql.len() < megabytes * 1024 * 1024 {
        sql.push_str(&format!(
            "insert into public.items (id, label) values ({i}, 'item number {i} with a label');\n"
        ));
        i += 1;
    }
    let p = project(&[("supabase/migrations/20240101000000_big.sql", sql.as_bytes())]);
    let start = Instant::now();
    let r = run(p.path(), &["check", "--format", "json"]);
    let took = start.elapsed();
    // Reported, not asserted: the figure depends on the machine and the profile.
    eprintln!("{megabytes} MB file ({i} statements) checked in {took:.2?}");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["summary"]["statements"], i + 3);
}

#[test]
fn five_megabyte_file_completes() {
    big_file_completes(5);
}

/// A 50 MB data migration (590,000 INSERTs). Measured: 17 s and 155 MB resident in a debug
/// build, 6 s and 150 MB in release (data statements keep no syntax tree; see `parse.rs`).
#[test]
fn fifty_megabyte_file_completes() {
    big_file_completes(50);
}

#[test]
fn rules_lists_every_rule() {
    let r = run(&workspace(), &["rules"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("rules", r.stdout);
}

#[test]
fn explain_prints_the_rule_doc() {
    let r = run(&workspace(), &["explain", "drop-table"]);
    assert_eq!(r.code, 0);
    let doc = std::fs::read_to_string(workspace().join("rules/drop-table.md")).unwrap();
    assert_eq!(r.stdout, doc);
}

#[test]
fn explain_unknown_rule_exits_2() {
    let r = run(&workspace(), &["explain", "nope"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("unknown rule `nope`"), "{}", r.stderr);
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"),
    )
    .unwrap();
    for rule in migcheck_core::rules::ALL {
        let id = rule.meta().id;
        assert!(
            readme.contains(&format!("[`{id}`](rules/{id}.md)")),
            "README.md does not list `{id}`"
        );
    }
}

#[test]
fn show_files_lists_the_scope_and_exits_0() {
    let repo = workspace().join("testdata/scope/repo");
    let r = run(&repo, &["check", "--show-files"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    insta::assert_snapshot!("show_files_scope_repo", r.stdout);
}

#[test]
fn force_exclude_applies_the_scope_to_named_files() {
    let repo = workspace().join("testdata/scope/repo");
    let named = [
        "scripts/001_reset.sql",
        "supabase/tests/00_notes_test.sql",
        "supabase/migrations/20240102000000_drop_body.sql",
    ];
    // Named files are checked, whatever they are.
    let mut args = vec!["check", "--format", "json"];
    args.extend(named);
    let r = run(&repo, &args);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 3, "{}", r.stdout);
    // With --force-exclude (what a pre-commit hook passes), only the migration is.
    let mut args = vec!["check", "--force-exclude", "--format", "json"];
    args.extend(named);
    let r = run(&repo, &args);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 1, "{}", r.stdout);
    let mut args = vec!["check", "--force-exclude", "--show-files"];
    args.extend(named);
    let r = run(&repo, &args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("scripts/001_reset.sql  [psql-script: psql meta-command `\\set`]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("supabase/tests/ (1 file)  [test: "),
        "{}",
        r.stdout
    );
}

#[test]
fn nothing_in_scope_says_what_was_skipped() {
    let p = project(&[(
        "supabase/tests/rls_test.sql",
        b"begin;\nselect plan(1);\nselect ok(true);\nselect * from finish();\nrollback;\n",
    )]);
    let r = run(p.path(), &["check"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("; 1 SQL file not taken for migrations (`--show-files` says why;"),
        "{}",
        r.stderr
    );
    // Named, it is checked (as a migration, its ROLLBACK would discard it).
    let r = run(p.path(), &["check", "supabase/tests"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("rollback-discards-migration"),
        "{}",
        r.stdout
    );
}

/// `migcheck init` never writes through a link named `migcheck.toml`, dangling or not: it
/// would create or overwrite a file anywhere (issue 31: the binary's write paths).
#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_dangling_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("created.toml");
    std::os::unix::fs::symlink(&target, dir.path().join("migcheck.toml")).unwrap();
    let out = support::run(dir.path(), &["init"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert!(!target.exists(), "nothing is created through the link");
}

/// `check --format json` on a temp project: the exit code and the rules found, in order.
fn rules_found(files: &[(&str, &[u8])]) -> (i32, Vec<String>, serde_json::Value) {
    rules_found_in(files, &[])
}

/// [`rules_found`] of the paths named (psql scripts are checked only when named).
fn rules_found_in(
    files: &[(&str, &[u8])],
    paths: &[&str],
) -> (i32, Vec<String>, serde_json::Value) {
    let p = project(files);
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths);
    let r = run(p.path(), &args);
    let doc: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    let rules = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    (r.code, rules, doc)
}

/// Issue 31 item 1: a comment that only starts `migrate:down` is no rollback marker, in any
/// tool; dbmate's is its directive line (amacneil/dbmate `pkg/dbmate/migration.go`
/// `downRegExp`).
#[test]
fn comments_starting_migrate_down_hide_nothing() {
    let (code, rules, _) = rules_found(&[(
        "supabase/migrations/20240101000000_drop.sql",
        b"/* migrate:down */\ndrop table public.legacy;\n",
    )]);
    assert_eq!(code, 1, "{rules:?}");
    assert!(rules.contains(&"drop-table".to_string()), "{rules:?}");
    let (code, rules, _) = rules_found(&[(
        "db/migrations/20240101000000_drop.sql",
        b"-- migrate:up\n-- migrate:downgrade needs a manual step\ndrop table public.legacy;\n\n-- migrate:down\n",
    )]);
    assert_eq!(code, 1, "{rules:?}");
    assert!(rules.contains(&"drop-table".to_string()), "{rules:?}");
}

/// Issue 31 item 2: scan.l `newline [\n\r]`: a lone CR ends a `--` comment, so the DROP
/// runs; it is reported on line 2 (a lone CR ends a line, as in editors).
#[test]
fn a_lone_cr_ends_a_comment() {
    let (code, rules, doc) = rules_found(&[(
        "supabase/migrations/20240101000000_drop.sql",
        b"-- note\rdrop table public.legacy;\n",
    )]);
    assert_eq!(code, 1, "{rules:?}");
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "drop-table")
        .expect("drop-table");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(1))
    );
    // The human output shows the DROP on line 2 too, and prints no raw CR.
    let p = project(&[(
        "supabase/migrations/20240101000000_drop.sql",
        b"-- note\rdrop table public.legacy;\n",
    )]);
    let r = run(p.path(), &["check"]);
    assert!(
        r.stdout.contains(" 2 \u{2502} drop table public.legacy;"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\r'), "{}", r.stdout);
}

/// Issue 31 item 3: every statement of a goose `StatementBegin` block is read (goose sends
/// the block as one query, PostgreSQL runs all of it), and `begin` / `atomic` as column
/// names open no SQL-standard body (gram.y: only CREATE FUNCTION / PROCEDURE ... BEGIN
/// ATOMIC).
#[test]
fn statements_kept_together_are_all_read() {
    let (code, rules, _) = rules_found(&[(
        "db/migrations/20240101000000_drop.sql",
        b"-- +goose Up\n-- +goose StatementBegin\nselect 1;\ndrop table public.legacy;\n-- +goose StatementEnd\n",
    )]);
    assert_eq!(code, 1, "{rules:?}");
    assert!(rules.contains(&"drop-table".to_string()), "{rules:?}");
    let (code, rules, _) = rules_found(&[(
        "supabase/migrations/20240101000000_drop.sql",
        b"insert into public.flags (begin, atomic) values (1, 2);\ndrop table public.legacy;\n",
    )]);
    assert_eq!(code, 1, "{rules:?}");
    assert!(rules.contains(&"drop-table".to_string()), "{rules:?}");
}

/// Issue 31 item 4: scan.l `xqs`: an `E''` string continued on the next line keeps its
/// backslash escapes, so `\'` in the continued part does not end it.
#[test]
fn continued_escape_strings_do_not_hide_what_follows() {
    let (code, rules, _) = rules_found(&[(
        "supabase/migrations/20240101000000_drop.sql",
        b"select E'a\\''\n  'b\\';';\ndrop table public.legacy;\n",
    )]);
    assert_eq!(code, 1, "{rules:?}");
    // The SELECT itself is unread (sqlparser does not join continued strings), the DROP
    // after it is read.
    assert!(rules.contains(&"drop-table".to_string()), "{rules:?}");
}

/// Issue 31 item 5: `EXECUTE` of a dollar-quoted or `E''` constant in a DO block is read.
#[test]
fn execute_of_dollar_and_escape_strings_is_read() {
    for body in [
        "execute $q$drop table public.legacy$q$;",
        "execute E'drop table public.legacy';",
        "execute 'drop table ' || 'public.legacy';",
    ] {
        let sql = format!("do $$\nbegin\n  {body}\nend\n$$;\n");
        let (code, rules, _) = rules_found(&[(
            "supabase/migrations/20240101000000_drop.sql",
            sql.as_bytes(),
        )]);
        assert_eq!(code, 1, "{body}: {rules:?}");
        assert!(
            rules.contains(&"drop-table".to_string()),
            "{body}: {rules:?}"
        );
    }
}

/// Issue 31 item 7: plain files are run with psql, which reads meta-commands to the end of
/// their line, `COPY ... FROM stdin` data to a line `\.`, strings with backslash escapes
/// after `SET standard_conforming_strings = off`, and drops the rest of a line after a NUL
/// (each tried with psql 15): none of them hides the DROP after it.
#[test]
fn psql_scripts_hide_nothing_after_meta_commands_copy_data_and_nul() {
    for sql in [
        &b"\\set ON_ERROR_STOP on\ndrop table public.legacy;\n"[..],
        b"copy public.t (a) from stdin;\n1\n\\.\ndrop table public.legacy;\n",
        b"set standard_conforming_strings = off;\nselect 'a\\';';\ndrop table public.legacy;\n",
        b"select 1;\0 junk\ndrop table public.legacy;\n",
    ] {
        let (code, rules, _) = rules_found_in(&[("sql/001_drop.sql", sql)], &["sql/001_drop.sql"]);
        let shown = String::from_utf8_lossy(sql);
        assert_eq!(code, 1, "{shown}: {rules:?}");
        assert!(
            rules.contains(&"drop-table".to_string()),
            "{shown}: {rules:?}"
        );
        // sqlparser reads `'a\';'` as a standard string: that SELECT is reported unread.
        if !shown.contains("standard_conforming_strings") {
            assert!(
                !rules.contains(&"unparsed-statement".to_string()),
                "{shown}: {rules:?}"
            );
        }
    }
}

/// `check ARGS` with `input` on standard input.
fn run_with_stdin(dir: &std::path::Path, args: &[&str], input: &str) -> support::Run {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_migcheck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migcheck runs");
    let mut stdin = child.stdin.take().unwrap();
    // A run refused before it reads its input closes the pipe: not a failure of the test.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    support::Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The rule ids of a concise run's lines, in order.
fn concise_rules(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let rest = l.splitn(4, ':').nth(3).unwrap();
            rest.split_whitespace()
                .nth(1)
                .unwrap()
                .trim_end_matches(':')
                .to_string()
        })
        .collect()
}

const DROP: &[u8] = b"set lock_timeout = '5s';\ndrop table public.legacy;\n";
const TRUNCATE: &[u8] = b"set lock_timeout = '5s';\ntruncate public.notes;\n";

#[test]
fn select_and_ignore_choose_rules_and_win_over_the_config() {
    let p = project(&[
        ("supabase/migrations/20240101000000_drop.sql", DROP),
        ("supabase/migrations/20240102000000_truncate.sql", TRUNCATE),
        (
            "migcheck.toml",
            b"[rules]\ndrop-table = \"off\"\n".as_slice(),
        ),
    ]);
    let rules = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        let r = run(p.path(), &all);
        (r.code, concise_rules(&r.stdout))
    };
    // The file turns drop-table off.
    assert_eq!(rules(&[]), (1, vec!["truncate-table".to_string()]));
    // Selected by name, it is on again; the others are off.
    assert_eq!(
        rules(&["--select", "drop-table"]),
        (1, vec!["drop-table".to_string()])
    );
    // Comma-separated and repeated are the same.
    let both = rules(&["--select", "drop-table,truncate-table"]);
    assert_eq!(both.1, ["drop-table", "truncate-table"]);
    assert_eq!(
        rules(&["--select", "drop-table", "--select", "truncate-table"]),
        both
    );
    // --ignore wins over --select and the file.
    assert_eq!(
        rules(&[
            "--select",
            "drop-table,truncate-table",
            "--ignore",
            "truncate-table"
        ])
        .1,
        ["drop-table"]
    );
    assert_eq!(rules(&["--ignore", "truncate-table"]), (0, vec![]));
}

#[test]
fn an_unknown_rule_in_select_or_ignore_is_a_usage_error_naming_it() {
    let p = project(&[("supabase/migrations/20240101000000_drop.sql", DROP)]);
    for flag in ["--select", "--ignore"] {
        let r = run(p.path(), &["check", flag, "drop-table,drop-tabel"]);
        assert_eq!(r.code, 2, "{flag}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(
            r.stderr.contains("unknown rule `drop-tabel`"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn pg_version_on_the_command_line_wins_over_the_config() {
    // `security_invoker` exists from PostgreSQL 15: before, the rule has nothing to ask for.
    let p = project(&[
        (
            "supabase/migrations/20240101000000_view.sql",
            b"create view public.totals as select 1 as n;\n".as_slice(),
        ),
        ("migcheck.toml", b"pg_version = 14\n".as_slice()),
    ]);
    let rule = "view-without-security-invoker";
    let found = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        let r = run(p.path(), &all);
        assert!(r.code < 2, "{}", r.stderr);
        concise_rules(&r.stdout).contains(&rule.to_string())
    };
    assert!(!found(&[]));
    assert!(found(&["--pg-version", "15"]));
    assert!(!found(&["--pg-version", "14"]));
    let r = run(p.path(), &["check", "--pg-version", "99"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--pg-version"), "{}", r.stderr);
}

#[test]
fn stdin_alone_is_a_plain_file_named_stdin() {
    let p = project(&[]);
    let r = run_with_stdin(
        p.path(),
        &["check", "--format", "concise", "-"],
        "select 1;\ndrop table public.legacy;\n",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("<stdin>:2:1: error drop-table: "),
        "{}",
        r.stdout
    );
    let r = run_with_stdin(p.path(), &["check", "-"], "select 1;\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No problems in 1 file"), "{}", r.stdout);
}

/// `--stdin-filename`: the input takes the place of that file in its set, read from disk
/// around it (an editor's unsaved buffer, a hook's staged version).
#[test]
fn stdin_filename_checks_the_input_in_place_of_that_file() {
    let created = b"create table public.notes (id bigint primary key, body text);\n\
alter table public.notes enable row level security;\n\
create policy own on public.notes for select to authenticated using (true);\n";
    let p = project(&[
        (
            "supabase/migrations/20240101000000_notes.sql",
            created.as_slice(),
        ),
        (
            "supabase/migrations/20240102000000_next.sql",
            b"select 1;\n".as_slice(),
        ),
    ]);
    let name = "supabase/migrations/20240102000000_next.sql";
    let r = run_with_stdin(
        p.path(),
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            name,
            "-",
        ],
        "set lock_timeout = '5s';\nalter table public.notes drop column body;\n",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // Reported under its name; the earlier file (context) is not reported.
    assert_eq!(concise_rules(&r.stdout), ["drop-column"]);
    assert!(
        r.stdout.starts_with(&format!("{name}:2:1: ")),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("in 1 file"), "{}", r.stderr);
    // The disk copy is untouched and clean.
    let r = run(p.path(), &["check", "--format", "concise", name]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    // A file not on disk yet is checked alone, its tool known from its path.
    let r = run_with_stdin(
        p.path(),
        &[
            "check",
            "--stdin-filename",
            "supabase/migrations/20240103000000_new.sql",
            "--format",
            "json",
        ],
        "drop table public.notes;\n",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["scope"]["sets"][0]["tool"], "supabase", "{}", r.stdout);
    assert_eq!(doc["diagnostics"][0]["rule"], "drop-table", "{}", r.stdout);
}

#[test]
fn stdin_cannot_be_mixed_with_paths_or_fixes() {
    let p = project(&[("supabase/migrations/20240101000000_drop.sql", DROP)]);
    for (args, says) in [
        (&["check", "-", "supabase"][..], "cannot be combined"),
        (
            &["check", "--stdin-filename", "a.sql", "supabase"][..],
            "pass `-`",
        ),
        (&["check", "--fix", "-"][..], "--fix works on files"),
        (&["check", "--diff", "-"][..], "--diff works on files"),
    ] {
        let r = run_with_stdin(p.path(), args, "select 1;\n");
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn quoted_globs_are_expanded_and_one_matching_nothing_is_exit_2() {
    let p = project(&[
        (
            "supabase/migrations/20240101000000_drop.sql",
            b"drop table public.a;\n".as_slice(),
        ),
        (
            "supabase/migrations/20240102000000_more.sql",
            b"drop table public.b;\n".as_slice(),
        ),
        (
            "supabase/migrations/20250101000000_later.sql",
            b"drop table public.c;\n".as_slice(),
        ),
    ]);
    let r = run(
        p.path(),
        &[
            "check",
            "--format",
            "concise",
            "supabase/migrations/2024*.sql",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut files: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "supabase/migrations/20240101000000_drop.sql",
            "supabase/migrations/20240102000000_more.sql"
        ]
    );
    let r = run(p.path(), &["check", "--format", "concise", "**/2025*.sql"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("supabase/migrations/20250101000000_later.sql:1:1: "),
        "{}",
        r.stdout
    );
    let r = run(p.path(), &["check", "supabase/migrations/2023*.sql"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("no file or folder matches `supabase/migrations/2023*.sql`"),
        "{}",
        r.stderr
    );
}

/// Every option of `check` is in its `--help`, the man page's synopsis of commands and the
/// completion scripts (all generated from the same clap definitions).
#[test]
fn new_check_options_are_in_help_and_completions() {
    let dir = workspace();
    let help = run(&dir, &["check", "--help"]).stdout;
    for shell in ["bash", "zsh", "fish"] {
        let script = run(&dir, &["completions", shell]).stdout;
        for option in [
            "--select",
            "--ignore",
            "--pg-version",
            "--stdin-filename",
            "--diff",
        ] {
            assert!(help.contains(option), "--help lacks {option}");
            let bare = option.trim_start_matches('-');
            assert!(script.contains(bare), "{shell} completions lack {option}");
        }
        assert!(
            script.contains("concise"),
            "{shell} completions lack concise"
        );
    }
    assert!(help.contains("concise"));
    let man = run(&dir, &["man"]).stdout;
    for option in [
        "select",
        "ignore",
        "pg\\-version",
        "stdin\\-filename",
        "diff",
        "format",
    ] {
        assert!(
            man.contains(&format!("\\fB\\-\\-{option}\\fR")),
            "the man page lacks --{option}"
        );
    }
    assert!(man.contains(".SH \"CHECK OPTIONS\""), "{man}");
}
