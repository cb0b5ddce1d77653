//! Every shell command in README.md and docs/*.md (the ```sh, ```bash, ```shell and ```console
//! blocks) is accounted for: either it is run here, as written, with the built binary first on
//! `PATH`, or it is in [`NOT_RUN`] with the reason. A command that is neither fails the test,
//! naming the file and the command, so a new command cannot land in the docs unchecked; and
//! every fenced block must name its language, so that no command hides in an untyped one.
//!
//! For every `migcheck ...` command, run or not, the options it uses must exist: the same
//! arguments followed by `--help` must be accepted by the command-line parser. A command that is
//! run must exit with a code the docs give (0 or 1, or exactly the `exit N` its comment states),
//! and never print a usage error or a panic. Other commands in a block that is run (`mkdir`,
//! `perl` in the baseline walk-through) must exit 0.
//!
//! Where a block runs is [`PLACES`]: the section of the doc it sits in, and the directory that
//! section means (read each doc to decide). Everything runs with `HOME` set to a temporary
//! folder, so `~/...` in a doc never touches the real one.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::workspace as root;

/// Where the commands of a section run.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// The repository root, read only.
    Repo,
    /// `testdata/examples/hotdash` in place, read only.
    Example,
    /// A fresh copy of `testdata/examples/hotdash` for the block (its commands write files).
    ExampleCopy,
    /// A fresh copy of `testdata/examples/hotdash` made a git repository whose `origin/main` is
    /// the example as committed, with one new migration on the branch,
    /// `supabase/migrations/20250101000000_orders.sql` (the file README.md's fixes name).
    Branch,
}

/// (doc, section heading, where its shell blocks run). Every section with a command that is
/// not in [`NOT_RUN`] must be here.
const PLACES: &[(&str, &str, Place)] = &[
    // "from the repository root": `cargo run -p migcheck -- check testdata/examples/hotdash`.
    ("README.md", "Try it", Place::Repo),
    // The scope of a project at its root; the example is one.
    ("README.md", "Commands", Place::Example),
    // `--stats migcheck-stats.json`: the snapshot the example holds.
    (
        "README.md",
        "Impact: the real table behind each lock",
        Place::Example,
    ),
    // `--changed-since origin/main` with `--diff` / `--fix`, and `--fix` on the new file.
    ("README.md", "Fixes", Place::Branch),
    ("docs/getting-started.md", "First run", Place::Example),
    (
        "docs/getting-started.md",
        "Check only what a branch changed",
        Place::Branch,
    ),
    // `--write-baseline` writes a file.
    (
        "docs/getting-started.md",
        "Adopt it on an existing repository: a baseline",
        Place::ExampleCopy,
    ),
    // init, check, baseline, the `perl` that uncomments `baseline =`, check again: in order.
    (
        "docs/getting-started.md",
        "The first hour, on a long history",
        Place::ExampleCopy,
    ),
    ("docs/getting-started.md", "Configure", Place::ExampleCopy),
    (
        "docs/getting-started.md",
        "Learn a rule, silence a finding",
        Place::Example,
    ),
    // "run here in `testdata/examples/hotdash`".
    (
        "docs/getting-started.md",
        "Familiar options",
        Place::Example,
    ),
    // Writes below `~` (a temporary `HOME` here).
    (
        "docs/getting-started.md",
        "Shell completions and man page",
        Place::ExampleCopy,
    ),
    // "In `testdata/examples/hotdash`".
    (
        "docs/editors.md",
        "Without a language server: lint the buffer",
        Place::Example,
    ),
];

/// A documented command that is not run here: (doc, command as written without its comment,
/// why not, the test or script that covers it instead, or "").
const NOT_RUN: &[(&str, &str, &str, &str)] = &[
    // --- The whole test suite: it installs PostgreSQL and runs every test, this one included.
    (
        "README.md",
        "./scripts/test.sh",
        "runs the whole suite and may install PostgreSQL",
        "CI runs it",
    ),
    // --- Installs from the registries: nothing is published before the first release, and
    // they need the network.
    (
        "docs/getting-started.md",
        "pip install migcheck-cli==0.1.0",
        "PyPI, network; not published before v0.1.0",
        "scripts/test-artifacts.sh (the wheel, offline); tests/install_names.rs (name, pin)",
    ),
    (
        "docs/getting-started.md",
        "npm install --save-dev migcheck@0.1.0",
        "npm registry, network; not published before v0.1.0",
        "scripts/test-artifacts.sh (the npm tarballs, offline); tests/install_names.rs",
    ),
    (
        "docs/getting-started.md",
        "cargo install migcheck --version 0.1.0 --locked",
        "crates.io, network, a full release build; not published before v0.1.0",
        "scripts/test-artifacts.sh (`cargo package`); tests/install_names.rs",
    ),
    // --- A live database.
    (
        "docs/verify.md",
        "migcheck verify supabase/ --database-url \"$DATABASE_URL\"",
        "needs a live database",
        "tests/verify.rs verify_reports_missing_table_and_rls_off_and_exits_1",
    ),
    (
        "docs/verify.md",
        "migcheck verify supabase/ --format markdown >> deploy-notes.md",
        "needs a live database (DATABASE_URL)",
        "tests/verify.rs verify_reports_missing_table_and_rls_off_and_exits_1",
    ),
    (
        "docs/verify.md",
        "migcheck verify supabase/ --format json",
        "needs a live database (DATABASE_URL)",
        "tests/verify.rs verify_reports_missing_table_and_rls_off_and_exits_1",
    ),
    (
        "docs/verify.md",
        "migcheck verify supabase/ --sizes",
        "needs a live database (DATABASE_URL)",
        "tests/verify.rs sizes_show_where_the_big_tables_are",
    ),
    (
        "docs/verify.md",
        "migcheck verify --all",
        "needs a live database (DATABASE_URL)",
        "tests/verify.rs all_exempts_the_tools_history_tables_from_rls",
    ),
    (
        "docs/verify.md",
        "migcheck verify supabase/ --drift --format markdown",
        "needs a live database (DATABASE_URL)",
        "tests/verify.rs drift_in_markdown_and_json",
    ),
    // --- Replay into the Supabase CLI's local stack: Docker, the Supabase CLI, a server.
    (
        "docs/replay.md",
        "supabase start",
        "needs the Supabase CLI and Docker",
        "",
    ),
    (
        "docs/replay.md",
        "export DATABASE_URL=postgresql://postgres@127.0.0.1:54322/postgres",
        "names the database `supabase start` runs",
        "",
    ),
    (
        "docs/replay.md",
        "echo '127.0.0.1:54322:*:postgres:postgres' >> ~/.pgpass && chmod 600 ~/.pgpass",
        "writes the user's password file for that database",
        "crates/migcheck-pg/src/pgpass.rs (how it is read)",
    ),
    (
        "docs/replay.md",
        "migcheck replay supabase --server-url --yes-this-is-disposable",
        "needs a disposable server (the Supabase stack above)",
        "tests/replay_server_url.rs (a bare `--server-url` with DATABASE_URL, on a throwaway server)",
    ),
    // --- The VS Code extension: npm packages from the network, and VS Code itself.
    (
        "docs/editors.md",
        "cd editors/vscode",
        "first step of packaging the extension (npm, network)",
        "scripts/test-vscode.sh",
    ),
    (
        "docs/editors.md",
        "npm install --omit=dev",
        "npm registry, network",
        "scripts/test-vscode.sh",
    ),
    (
        "docs/editors.md",
        "npx @vscode/vsce package",
        "npm registry, network",
        "scripts/test-vscode.sh; tests/docs_in_step.rs editor_setups_start_migcheck_lsp (the .vsix name)",
    ),
    (
        "docs/editors.md",
        "code --install-extension migcheck-0.1.0.vsix",
        "needs VS Code",
        "",
    ),
    // --- Fuzzing: cargo-fuzz from the network, a nightly toolchain, minutes per target.
    (
        "docs/architecture.md",
        "cargo install cargo-fuzz",
        "network; installs a tool",
        "",
    ),
    (
        "docs/architecture.md",
        "cd fuzz",
        "a step of the fuzzing recipe",
        "",
    ),
    (
        "docs/architecture.md",
        "mkdir -p corpus/check corpus/parse corpus/deploy",
        "a step of the fuzzing recipe",
        "",
    ),
    (
        "docs/architecture.md",
        "mkdir -p corpus/deploy",
        "a step of the fuzzing recipe",
        "",
    ),
    (
        "docs/architecture.md",
        "cargo +nightly fuzz run check corpus/check seeds/check -- -max_total_time=600 -max_len=65536",
        "nightly toolchain and cargo-fuzz; runs for minutes",
        "",
    ),
    (
        "docs/architecture.md",
        "cargo +nightly fuzz run parse corpus/parse seeds/parse",
        "nightly toolchain and cargo-fuzz; runs until stopped",
        "",
    ),
    (
        "docs/architecture.md",
        "cargo +nightly fuzz run deploy corpus/deploy seeds/deploy",
        "nightly toolchain and cargo-fuzz; runs until stopped",
        "",
    ),
    (
        "docs/architecture.md",
        "cargo +nightly fuzz run -s none deploy corpus/deploy seeds/deploy -- -max_total_time=300",
        "nightly toolchain and cargo-fuzz; runs for minutes",
        "",
    ),
    (
        "docs/architecture.md",
        "cargo +nightly fuzz run -s none deploy corpus/deploy seeds/deploy -- -len_control=0 -max_len=1048576 -max_total_time=60",
        "nightly toolchain and cargo-fuzz; a minute of 1 MB inputs",
        "",
    ),
    // --- The real-world corpus: `../shared/corpus` is outside the repository (1,800 files), and
    // the measurements want a release build. Their `migcheck` options are still checked.
    (
        "docs/corpus-findings.md",
        "cargo run --release -p migcheck -- check --format json ../shared/corpus > /tmp/corpus.json",
        "the corpus is outside the repository; a release build",
        "",
    ),
    (
        "docs/corpus-findings.md",
        "cargo run --release -p migcheck-core --example parse_coverage -- ../shared/corpus",
        "the corpus is outside the repository; a release build",
        "",
    ),
    (
        "docs/corpus-findings.md",
        "migcheck check shared/corpus --format json > /tmp/corpus-after.json",
        "the corpus is outside the repository",
        "",
    ),
    (
        "docs/performance.md",
        "find ../shared/corpus -name '*.sql' | sort > /tmp/corpus-files.txt",
        "the corpus is outside the repository",
        "",
    ),
    (
        "docs/performance.md",
        "printf '%s\\n' '#!/bin/bash' 'mapfile -t f < /tmp/corpus-files.txt' 'exec \"$@\" \"${f[@]}\"' > /tmp/run-on-corpus.sh && chmod +x /tmp/run-on-corpus.sh",
        "a step of the benchmark on the corpus (outside the repository)",
        "",
    ),
    (
        "docs/performance.md",
        "farm-bench -n 11 --timeout 400 --vs \"/tmp/run-on-corpus.sh $(command -v squawk) --reporter json\" -- /tmp/run-on-corpus.sh \"$PWD/target/release/migcheck\" check --no-cache --format json",
        "farm-bench and squawk, the corpus, a release build, minutes",
        "",
    ),
    (
        "docs/performance.md",
        "f=$(ls ../shared/corpus/Cap-go__capgo/supabase/migrations/*.sql | tail -1)",
        "a step of the parse cache's measurement on the corpus (outside the repository)",
        "",
    ),
    (
        "docs/performance.md",
        "farm-bench -n 15 --vs \"$PWD/target/release/migcheck check --no-cache $f\" -- \"$PWD/target/release/migcheck\" check \"$f\"",
        "farm-bench, the corpus, a release build",
        "tests/cache.rs (the same output and less work with the cache)",
    ),
    (
        "docs/performance.md",
        "python3 scripts/lsp-latency.py \"$PWD/target/release/migcheck\" \"$f\" 20",
        "times the language server on a corpus file with a release build",
        "tests/lsp.rs (the server's behaviour)",
    ),
];

/// One command of a doc's shell block.
#[derive(Debug)]
struct DocCommand {
    file: String,
    line: usize,
    section: String,
    /// Which shell block of the file (0-based): a block's commands run in order, in one place.
    block: usize,
    /// The command without its comment, continuation lines joined, spaces collapsed.
    command: String,
    /// The comment after it (`# ...`), or "".
    comment: String,
}

/// The docs whose commands are checked: README.md and docs/*.md.
fn docs() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut more: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    more.sort();
    files.extend(more);
    files
}

/// `text` up to its first `#` that starts a shell comment (outside quotes, at the start or after
/// a blank), and the comment.
fn split_comment(text: &str) -> (&str, &str) {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => {
                return (&text[..i], text[i + 1..].trim());
            }
            None => {}
        }
        prev = c;
    }
    (text, "")
}

/// The commands of the shell blocks of `file`.
fn commands_of(file: &str, text: &str) -> Vec<DocCommand> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut block: Option<(bool, usize)> = None;
    let mut in_fence = false;
    let mut blocks = 0;
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if let Some(lang) = line.strip_prefix("```") {
            if in_fence {
                assert!(pending.is_none(), "{file}:{}: a `\\` ends the block", n + 1);
                in_fence = false;
                block = None;
            } else {
                in_fence = true;
                blocks += 1;
                let lang = lang.trim();
                assert!(
                    !lang.is_empty(),
                    "{file}:{}: a fenced block without a language: name it (```sh for commands, \
                     ```text for output or a synopsis) so that no command hides in it",
                    n + 1
                );
                block = ["sh", "bash", "shell", "console"]
                    .contains(&lang)
                    .then_some((lang == "console", blocks - 1));
            }
            continue;
        }
        if !in_fence && line.starts_with('#') {
            section = line.trim_start_matches('#').trim().to_string();
        }
        let Some((console, index)) = block else {
            continue;
        };
        let command = match (&mut pending, console) {
            (Some((_, so_far)), _) => {
                so_far.push(' ');
                so_far.push_str(line);
                None
            }
            (None, true) => line.strip_prefix("$ ").map(|c| (n + 1, c.to_string())),
            (None, _) => {
                (!line.is_empty() && !line.starts_with('#')).then(|| (n + 1, line.to_string()))
            }
        };
        if let Some(command) = command {
            pending = Some(command);
        }
        let continued = pending.as_mut().is_some_and(|(_, text)| {
            let trimmed = text.trim_end();
            match trimmed.strip_suffix('\\') {
                Some(rest) => {
                    *text = rest.to_string();
                    true
                }
                None => false,
            }
        });
        if continued {
            continue;
        }
        if let Some((at, text)) = pending.take() {
            let (command, comment) = split_comment(&text);
            out.push(DocCommand {
                file: file.to_string(),
                line: at,
                section: section.clone(),
                block: index,
                command: command.split_whitespace().collect::<Vec<_>>().join(" "),
                comment: comment.to_string(),
            });
        }
    }
    out
}

/// The words of `text` as the shell splits them, for the simple quoting the docs use; a `|`,
/// `<`, `>` or `&` outside quotes is a word of its own.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.get_or_insert_with(String::new).push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            None if c.is_whitespace() => words.extend(word.take()),
            None if "|<>&".contains(c) => {
                words.extend(word.take());
                words.push(c.to_string());
            }
            None => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The arguments `migcheck` gets from `command`: after `migcheck` at the start of a pipeline
/// stage, or after `cargo run [--release] -p migcheck --`, up to the end of the stage or a
/// redirection. None when the command does not run migcheck.
fn migcheck_args(command: &str) -> Option<Vec<String>> {
    let words = shell_words(command);
    let mut stages = words.split(|w| w == "|" || w == "&");
    stages.find_map(|stage| {
        let start = match stage {
            [first, ..] if first == "migcheck" => 1,
            [cargo, run, rest @ ..] if cargo == "cargo" && run == "run" => {
                let sep = rest.iter().position(|w| w == "--")?;
                let opts = &rest[..sep];
                if !opts.windows(2).any(|w| w[0] == "-p" && w[1] == "migcheck") {
                    return None;
                }
                sep + 3
            }
            _ => return None,
        };
        Some(
            stage[start..]
                .iter()
                .take_while(|w| !matches!(w.as_str(), "<" | ">"))
                .cloned()
                .collect(),
        )
    })
}

/// `command` with `cargo run [--release] -p migcheck --` replaced by `migcheck` (the binary this
/// test built is the one `cargo run` builds).
fn as_run_here(command: &str) -> String {
    if command.starts_with("cargo run ") {
        if let Some((_, rest)) = command.split_once(" -- ") {
            return format!("migcheck {rest}");
        }
    }
    command.to_string()
}

/// The exit code a comment states (`exit 1`, `exits 0`, `exit 1 if any`), if any.
fn stated_exit(comment: &str) -> Option<i32> {
    let words: Vec<&str> = comment
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .find(|w| w[0] == "exit" || w[0] == "exits")
        .and_then(|w| w[1].parse().ok())
}

/// What a usage error, an unknown option or a panic prints.
const BROKEN: &[&str] = &[
    "error: unexpected argument",
    "error: unrecognized subcommand",
    "error: invalid value",
    "error: a value is required",
    "error: the argument",
    "Usage: migcheck",
    "For more information, try '--help'",
    "panicked at",
];

fn broken(stderr: &str) -> Option<&'static str> {
    BROKEN.iter().copied().find(|b| stderr.contains(b))
}

/// Copies the folder `from` into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A place made ready for one block: its directory, and the temporary folders it lives in
/// (`HOME` among them).
struct Ready {
    dir: PathBuf,
    _temp: tempfile::TempDir,
    home: PathBuf,
}

fn ready(place: Place) -> Ready {
    let temp = tempfile::tempdir().unwrap();
    let home = temp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let example = root().join("testdata/examples/hotdash");
    let dir = match place {
        Place::Repo => root(),
        Place::Example => example,
        Place::ExampleCopy | Place::Branch => {
            let dir = temp.path().join("hotdash");
            copy_dir(&example, &dir);
            dir
        }
    };
    if let Place::Branch = place {
        support::git(&dir, &["init", "-q"]);
        support::git(&dir, &["add", "-A"]);
        support::git(&dir, &["commit", "-q", "-m", "the example"]);
        support::git(&dir, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
        support::write(
            &dir.join("supabase/migrations/20250101000000_orders.sql"),
            "create table public.orders (\n  id bigint primary key,\n  placed_at timestamptz not null,\n  details json\n);\n",
        );
    }
    Ready {
        dir,
        _temp: temp,
        home,
    }
}

/// Runs `command` with `sh` in `ready.dir`, the built binary first on `PATH`.
fn sh(ready: &Ready, command: &str) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_migcheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", command])
        .current_dir(&ready.dir)
        .env("PATH", path)
        .env("HOME", &ready.home)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.code().expect("exited, not killed"),
        support::stdout(&out),
        support::stderr(&out),
    )
}

fn all_commands() -> Vec<DocCommand> {
    docs()
        .iter()
        .flat_map(|file| {
            let text = std::fs::read_to_string(root().join(file)).unwrap();
            commands_of(file, &text)
        })
        .collect()
}

#[test]
fn the_extractor_reads_each_form() {
    let doc = "# Top\n\n```sh\nmigcheck check   # lint, exit 1\n# a comment line\n\
               perl -pi -e 's/^# x = /x = /' f \\\n  more\n```\n\n## Next\n\n```console\n\
               $ migcheck rules\noutput line\n```\n\n```text\nmigcheck not a command\n```\n";
    let got = commands_of("d.md", doc);
    let got: Vec<_> = got
        .iter()
        .map(|c| {
            (
                c.line,
                c.section.as_str(),
                c.block,
                c.command.as_str(),
                c.comment.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (4, "Top", 0, "migcheck check", "lint, exit 1"),
            (6, "Top", 0, "perl -pi -e 's/^# x = /x = /' f more", ""),
            (13, "Next", 1, "migcheck rules", ""),
        ]
    );
    assert_eq!(stated_exit("lint, exit 1"), Some(1));
    assert_eq!(stated_exit("records today's findings, exits 0"), Some(0));
    assert_eq!(stated_exit("reports only findings"), None);
    assert_eq!(
        migcheck_args("cat a.sql | migcheck check --stdin-filename 'a b.sql' - > /dev/null"),
        Some(vec![
            "check".to_string(),
            "--stdin-filename".into(),
            "a b.sql".into(),
            "-".into()
        ])
    );
    assert_eq!(
        migcheck_args("cargo run --release -p migcheck -- check x > /tmp/o.json"),
        Some(vec!["check".to_string(), "x".into()])
    );
    assert_eq!(
        migcheck_args("cargo run -p migcheck-core --example parse_coverage -- x"),
        None
    );
    assert_eq!(migcheck_args("./scripts/test.sh"), None);
    assert_eq!(
        as_run_here("cargo run -p migcheck -- check testdata/examples/hotdash"),
        "migcheck check testdata/examples/hotdash"
    );
}

#[test]
#[should_panic(expected = "d.md:3: a fenced block without a language")]
fn an_untyped_block_is_refused() {
    commands_of("d.md", "# Top\n\n```\nmigcheck check\n```\n");
}

/// The heart of it: every command is run or excused, every `migcheck` command's options parse,
/// and every run exits as documented.
#[test]
fn every_doc_command_is_run_or_excused() {
    let commands = all_commands();
    let mut problems = Vec::new();
    let mut used_not_run = BTreeSet::new();
    let mut used_places = BTreeSet::new();
    let mut run = 0;
    let mut not_run = 0;

    // The options of every migcheck command exist: the arguments and `--help` parse.
    for c in &commands {
        let Some(mut args) = migcheck_args(&c.command) else {
            continue;
        };
        args.push("--help".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = support::run(&root(), &args);
        if r.code != 0 || broken(&r.stderr).is_some() {
            problems.push(format!(
                "{}:{}: `{}`: the command-line parser rejects it (exit {}):\n{}",
                c.file, c.line, c.command, r.code, r.stderr
            ));
        }
    }

    // Group the commands into blocks; a block runs in one place, in order.
    let mut blocks: Vec<Vec<&DocCommand>> = Vec::new();
    for c in &commands {
        match blocks.last_mut() {
            Some(b) if b[0].file == c.file && b[0].block == c.block => b.push(c),
            _ => blocks.push(vec![c]),
        }
    }
    for block in blocks {
        let first = block[0];
        let place = PLACES
            .iter()
            .position(|(f, s, _)| *f == first.file && *s == first.section);
        let mut here: Option<Ready> = None;
        for c in block {
            if let Some(i) = NOT_RUN
                .iter()
                .position(|(f, cmd, _, _)| *f == c.file && *cmd == c.command)
            {
                used_not_run.insert(i);
                not_run += 1;
                continue;
            }
            let Some(p) = place else {
                problems.push(format!(
                    "{}:{}: `{}` is neither run nor excused: add its section `{}` to PLACES \
                     (where it runs) or the command to NOT_RUN (why not)",
                    c.file, c.line, c.command, c.section
                ));
                continue;
            };
            used_places.insert(p);
            let ready = here.get_or_insert_with(|| ready(PLACES[p].2));
            let (code, _stdout, stderr) = sh(ready, &as_run_here(&c.command));
            run += 1;
            eprintln!("{}:{}: exit {code}: {}", c.file, c.line, c.command);
            let runs_migcheck = migcheck_args(&c.command).is_some();
            let expected: Vec<i32> = match stated_exit(&c.comment) {
                Some(n) => vec![n],
                None if runs_migcheck => vec![0, 1],
                None => vec![0],
            };
            if !expected.contains(&code) {
                problems.push(format!(
                    "{}:{}: `{}` exited {code}, the docs say {expected:?} (in {:?}):\n{stderr}",
                    c.file, c.line, c.command, PLACES[p].2
                ));
            }
            if let Some(b) = broken(&stderr) {
                problems.push(format!(
                    "{}:{}: `{}` printed `{b}`:\n{stderr}",
                    c.file, c.line, c.command
                ));
            }
        }
    }

    for (i, (file, command, _, _)) in NOT_RUN.iter().enumerate() {
        if !used_not_run.contains(&i) {
            problems.push(format!(
                "NOT_RUN names `{command}` in {file}, which no longer holds it: remove the entry"
            ));
        }
    }
    for (i, (file, section, _)) in PLACES.iter().enumerate() {
        if !used_places.contains(&i) {
            problems.push(format!(
                "PLACES names the section `{section}` of {file}, which runs no command: remove it"
            ));
        }
    }
    assert!(
        run > 0 && not_run > 0,
        "{run} commands run, {not_run} not run: is the extraction broken?"
    );
    assert!(
        problems.is_empty(),
        "{} of {} doc commands have problems:\n\n{}",
        problems.len(),
        commands.len(),
        problems.join("\n\n")
    );
    eprintln!(
        "{} doc commands: {run} run, {not_run} not run ({} NOT_RUN entries)",
        commands.len(),
        used_not_run.len()
    );
}

/// The `migcheck` commands of the CI snippets (```yaml blocks: a GitLab `script:` item
/// `- migcheck ...`, a GitHub step `run: migcheck ...`): not run (they need a CI runner and a
/// base branch), but their options must exist, as for the shell blocks.
#[test]
fn migcheck_commands_in_ci_snippets_parse() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in docs() {
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let mut yaml = false;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_start();
            if let Some(lang) = line.strip_prefix("```") {
                yaml = !yaml && lang.trim() == "yaml";
                continue;
            }
            if !yaml {
                continue;
            }
            let item = line.strip_prefix("- ").unwrap_or(line);
            let item = item.strip_prefix("run: ").unwrap_or(item);
            if !item.starts_with("migcheck ") {
                continue;
            }
            let (command, _) = split_comment(item);
            let mut args = migcheck_args(command).unwrap();
            args.push("--help".into());
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = support::run(&root(), &args);
            checked += 1;
            if r.code != 0 || broken(&r.stderr).is_some() {
                problems.push(format!(
                    "{file}:{}: `{}`: the command-line parser rejects it (exit {}):\n{}",
                    n + 1,
                    command.trim(),
                    r.code,
                    r.stderr
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(
        checked > 0,
        "no migcheck command in a yaml block: is the scan broken?"
    );
    eprintln!("{checked} migcheck commands in yaml blocks parse");
}
