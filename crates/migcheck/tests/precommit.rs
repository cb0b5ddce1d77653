//! The pre-commit hooks of this repository (`.pre-commit-hooks.yaml`). The default `migcheck`
//! hook (`language: python`, the prebuilt wheel) is installed for real, offline, by
//! scripts/test-artifacts.sh, which shares one release build with the wheel and npm tests; the
//! tests here pin what it relies on, and run the compiling `migcheck-source` hook.
//!
//! `pre_commit_hook_fails_on_a_bad_migration` installs pre-commit from PyPI into a cached venv,
//! makes a throwaway repository whose `.pre-commit-config.yaml` points at THIS repository at its
//! current HEAD commit, and runs the hook on a bad and a clean migration. pre-commit builds the
//! hook with `cargo install --path .` in release mode, so the test is slow and runs only with
//! `MIGCHECK_PRECOMMIT_TEST=1`. Measured on 2 busy cores: 13 minutes cold (the release build of
//! every dependency), 15 s for a new commit once `target/precommit/` holds the build, 0.3 s for
//! the same commit again. It builds the committed HEAD, not uncommitted edits.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn workspace() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).unwrap()
}

/// The root package that pre-commit installs must build the same binary as crates/migcheck:
/// same source, same dependencies.
#[test]
fn hook_package_matches_the_migcheck_crate() {
    let read = |p: PathBuf| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let root = read(workspace().join("Cargo.toml"));
    let cli = read(workspace().join("crates/migcheck/Cargo.toml"));
    assert_eq!(
        root["dependencies"], cli["dependencies"],
        "copy crates/migcheck's [dependencies] into the root Cargo.toml's package"
    );
    let bin = &root["bin"].as_array().unwrap()[0];
    assert_eq!(bin["name"].as_str(), Some("migcheck"));
    assert_eq!(bin["path"].as_str(), Some("crates/migcheck/src/main.rs"));
}

fn workspace_version() -> String {
    let root: toml::Table =
        toml::from_str(&std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap()).unwrap();
    root["workspace"]["package"]["version"]
        .as_str()
        .unwrap()
        .to_string()
}

/// pre-commit pip-installs the repository root: its pyproject.toml must pin the wheel of this
/// very version (a hook at tag v0.2.0 must not run migcheck 0.1.0), and build nothing.
#[test]
fn python_hook_pins_the_wheel_of_this_version() {
    let version = workspace_version();
    let py: toml::Table =
        toml::from_str(&std::fs::read_to_string(workspace().join("pyproject.toml")).unwrap())
            .unwrap();
    assert_eq!(py["project"]["version"].as_str(), Some(version.as_str()));
    assert_eq!(
        py["project"]["dependencies"].as_array().unwrap(),
        &vec![toml::Value::String(format!("migcheck-cli=={version}"))]
    );
    assert_eq!(
        py["build-system"]["build-backend"].as_str(),
        Some("setuptools.build_meta"),
        "the root package must not compile anything"
    );
    let hooks = std::fs::read_to_string(workspace().join(".pre-commit-hooks.yaml")).unwrap();
    let default = hooks.split("\n- id: ").nth(1).unwrap();
    assert!(default.starts_with("migcheck\n"), "{default}");
    assert!(default.contains("language: python\n"), "{default}");
    let source = hooks.split("\n- id: ").nth(2).unwrap();
    assert!(source.starts_with("migcheck-source\n"), "{source}");
    assert!(source.contains("language: rust\n"), "{source}");
}

/// The npm launcher and its platform packages carry the workspace version too.
#[test]
fn npm_launcher_names_this_version() {
    let version = workspace_version();
    let text = std::fs::read_to_string(workspace().join("npm/migcheck/package.json")).unwrap();
    let pkg: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(pkg["version"], version.as_str());
    let deps = pkg["optionalDependencies"].as_object().unwrap();
    assert_eq!(deps.len(), 5, "{deps:?}");
    for (name, v) in deps {
        assert!(name.starts_with("@migcheck/cli-"), "{name}");
        assert_eq!(v, version.as_str(), "{name}");
    }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    out
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?}\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com");
    c
}

/// pre-commit in a venv under `cache`, installed once.
fn pre_commit(cache: &Path) -> PathBuf {
    let venv = cache.join("venv");
    let exe = venv.join("bin/pre-commit");
    if !exe.exists() {
        ok(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        ok(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "pre-commit"]));
    }
    exe
}

#[test]
fn pre_commit_hook_fails_on_a_bad_migration() {
    if std::env::var_os("MIGCHECK_PRECOMMIT_TEST").is_none_or(|v| v != "1") {
        eprintln!("skipped: set MIGCHECK_PRECOMMIT_TEST=1 to run the pre-commit hook for real");
        return;
    }
    let started = Instant::now();
    let hook_repo = workspace();
    let cache = std::env::var_os("MIGCHECK_PRECOMMIT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| hook_repo.join("target/precommit"));
    std::fs::create_dir_all(&cache).unwrap();
    let pre_commit = pre_commit(&cache);
    let head = ok(git(&hook_repo).args(["rev-parse", "HEAD"]))
        .trim()
        .to_string();
    if !ok(git(&hook_repo).args(["status", "--porcelain", "--untracked-files=no"])).is_empty() {
        eprintln!("note: uncommitted changes are not part of the hook under test ({head})");
    }

    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    ok(git(repo).args(["init", "-q", "-b", "main"]));
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {head}\n    hooks:\n      - id: migcheck-source\n",
            hook_repo.display()
        ),
    )
    .unwrap();
    let migrations = repo.join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("20250101000000_notes.sql"),
        "create table public.notes (id bigint primary key, body text);\n\
         alter table public.notes enable row level security;\n\
         create policy \"own notes\" on public.notes for select to authenticated using (true);\n",
    )
    .unwrap();
    std::fs::write(
        migrations.join("20250102000000_drop_notes.sql"),
        "drop table public.notes;\n",
    )
    .unwrap();
    ok(git(repo).args(["add", "."]));

    let hook = |file: &str| {
        run(Command::new(&pre_commit)
            .args(["run", "--color", "never", "--files", file])
            .current_dir(repo)
            .env("PRE_COMMIT_HOME", cache.join("home"))
            // `cargo install` reuses this target dir: later revisions rebuild incrementally.
            .env("CARGO_TARGET_DIR", cache.join("cargo-target"))
            .env("NO_COLOR", "1"))
    };

    let bad = hook("supabase/migrations/20250102000000_drop_notes.sql");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!bad.status.success(), "the hook must fail:\n{text}");
    assert!(text.contains("drop-table"), "{text}");
    assert!(text.contains("Found 1 error"), "{text}");

    let clean = hook("supabase/migrations/20250101000000_notes.sql");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&clean.stdout),
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(clean.status.success(), "a clean migration passes:\n{text}");
    eprintln!("pre-commit hook test took {:.0?}", started.elapsed());
}
