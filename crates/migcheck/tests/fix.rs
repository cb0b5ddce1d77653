//! `migcheck check --fix` / `--diff` / `--fix-applied`, driving the real binary.

mod support;

use std::path::Path;

fn migcheck(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let r = support::run(dir, args);
    (r.code, r.stdout, r.stderr)
}

const SQL: &str = "-- a new table\ncreate table public.visits (\n  id bigint primary key,\n  seen_at timestamp(3) without time zone,\n  payload json\n);\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("migcheck.toml"),
        "exposed_schemas = [\"public\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sql")).unwrap();
    std::fs::write(dir.path().join("sql/visits.sql"), SQL).unwrap();
    dir
}

#[test]
fn diff_prints_the_fixes_of_a_named_file_and_writes_nothing() {
    let dir = project();
    let (code, out, err) = migcheck(dir.path(), &["check", "sql/visits.sql", "--diff"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(out, @r"
    --- a/sql/visits.sql
    +++ b/sql/visits.sql
    @@ -1,6 +1,7 @@
     -- a new table
     create table public.visits (
       id bigint primary key,
    -  seen_at timestamp(3) without time zone,
    -  payload json
    +  seen_at timestamptz(3),
    +  payload jsonb
     );
    +alter table public.visits enable row level security;
    ");
    assert!(
        err.contains("--fix would fix 3 findings in 1 file"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sql/visits.sql")).unwrap(),
        SQL
    );
}

#[test]
fn files_not_named_are_not_fixed_unless_fix_applied() {
    let dir = project();
    let (code, out, err) = migcheck(dir.path(), &["check", "sql", "--diff"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("the file may be applied already"), "{err}");
    let (code, out, _) = migcheck(dir.path(), &["check", "sql", "--diff", "--fix-applied"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("+alter table public.visits enable row level security;"),
        "{out}"
    );
}

#[test]
fn fix_writes_and_the_fixed_file_checks_clean() {
    let dir = project();
    let (code, _, err) = migcheck(dir.path(), &["check", "sql/visits.sql", "--fix"]);
    assert!(err.contains("Fixed 3 findings in 1 file."), "{err}");
    assert_eq!(code, 0, "{err}");
    let fixed = std::fs::read_to_string(dir.path().join("sql/visits.sql")).unwrap();
    assert!(
        fixed.contains("payload jsonb") && fixed.contains("timestamptz(3),"),
        "{fixed}"
    );
    let (code, out, _) = migcheck(dir.path(), &["check", "sql", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    // What the fixes claimed to clear is gone; RLS now on and no policy yet is the next step.
    assert_eq!(rules, ["rls-without-policy"], "{out}");
    assert_eq!(code, 0);
}

#[test]
fn json_carries_the_edits() {
    let dir = project();
    let (_, out, _) = migcheck(dir.path(), &["check", "sql", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rls = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "missing-rls")
        .unwrap();
    assert_eq!(
        rls["fix"],
        serde_json::json!({
            "title": "Enable row level security on `public.visits`",
            "edits": [{
                "path": "sql/visits.sql",
                "start": SQL.len() - 1,
                "end": SQL.len() - 1,
                "replacement": "\nalter table public.visits enable row level security;",
            }],
        })
    );
}

/// `--changed-since`: a file new since the ref is fixed, one committed before it is not (it
/// may be applied already; changing it would change its checksum).
#[test]
fn changed_since_fixes_only_new_files() {
    let dir = project();
    let root = dir.path();
    support::git(root, &["init", "-q", "-b", "main"]);
    support::git(root, &["add", "."]);
    support::git(root, &["commit", "-q", "-m", "old"]);
    support::write(
        &root.join("sql/extra.sql"),
        "create table public.extra (id bigint primary key);\n",
    );
    let (code, out, err) = migcheck(root, &["check", "sql", "--changed-since", "HEAD", "--diff"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("+alter table public.extra enable row level security;"),
        "{out}"
    );
    assert!(!out.contains("visits"), "{out}");
}
