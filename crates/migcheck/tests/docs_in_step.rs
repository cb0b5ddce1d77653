//! Documentation that shows what migcheck prints must match what it really prints.

mod support;

use std::path::Path;

use support::workspace as root;

fn migcheck(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(support::migcheck(dir, args).stdout).unwrap()
}

/// The ```text blocks of a Markdown file that follow a ```sh block running `command`.
fn sample_blocks(doc: &str) -> Vec<Vec<String>> {
    doc.split("```text\n")
        .skip(1)
        .map(|rest| {
            rest.split("\n```")
                .next()
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Every line of `sample` appears in `real`, in order: a line ending in ` ...` is a prefix, a
/// line `...` stands for lines left out, and empty lines are not compared.
fn assert_in_step(name: &str, sample: &[String], real: &str) {
    let real: Vec<&str> = real.lines().collect();
    let mut at = 0;
    for line in sample {
        if line.trim().is_empty() || line == "..." {
            continue;
        }
        let found = real[at..]
            .iter()
            .position(|r| match line.strip_suffix(" ...") {
                Some(prefix) => r.starts_with(prefix),
                None => r == line,
            });
        match found {
            Some(i) => at += i + 1,
            None => panic!(
                "{name}: the sample line\n  {line}\nis not in what migcheck prints (after line \
                 {at}); update the sample from `migcheck check` on testdata/examples/hotdash:\n{}",
                real.join("\n")
            ),
        }
    }
}

#[test]
fn getting_started_sample_output_is_what_the_example_prints() {
    let doc = std::fs::read_to_string(root().join("docs/getting-started.md")).unwrap();
    let blocks = sample_blocks(&doc);
    assert!(!blocks.is_empty());
    let real = migcheck(&root().join("testdata/examples/hotdash"), &["check"]);
    assert_in_step("docs/getting-started.md", &blocks[0], &real);
}

#[test]
fn man_page_lists_commands_and_links_no_missing_page() {
    let page = migcheck(&root(), &["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH migcheck"),
        "{page}"
    );
    for sub in [
        "check",
        "verify",
        "replay",
        "rules",
        "explain",
        "init",
        "completions",
        "lsp",
    ] {
        assert!(
            page.contains(&format!("\\fB{sub}\\fR")),
            "{sub} missing:\n{page}"
        );
        assert!(
            !page.contains(&format!("migcheck-{sub}(1)")),
            "refers to migcheck-{sub}(1), which is not generated:\n{page}"
        );
    }
}

/// Every editor set-up in docs/editors.md, and the VS Code extension, start `migcheck lsp`; the
/// extension carries the workspace version (the .vsix name the page shows).
#[test]
fn editor_setups_start_migcheck_lsp() {
    let doc = std::fs::read_to_string(root().join("docs/editors.md")).unwrap();
    for (editor, start) in [
        ("Neovim", "cmd = { 'migcheck', 'lsp' }"),
        ("Helix", "command = \"migcheck\"\nargs = [\"lsp\"]"),
        ("Zed", "args: vec![\"lsp\".into()]"),
    ] {
        let section = doc
            .split(&format!("## {editor}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("docs/editors.md has no {editor} section"));
        let section = section.split("\n## ").next().unwrap();
        assert!(section.contains(start), "{editor}: no `{start}`");
    }
    let ext = std::fs::read_to_string(root().join("editors/vscode/extension.js")).unwrap();
    assert!(ext.contains("args: ['lsp']"), "{ext}");
    let pkg: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .unwrap()
        .trim_end_matches('"');
    assert_eq!(pkg["version"], version);
    assert!(doc.contains(&format!("migcheck-{version}.vsix")));
}

/// The commands of the first ```sh block under `## heading` in `doc`, run as written in
/// testdata/examples/hotdash (with the built binary first on `PATH`): none is a usage error,
/// and each prints something.
fn section_commands_run_as_written(doc: &str, heading: &str) {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let section = text
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("{doc} has no section `{heading}`"));
    let section = section.split("\n## ").next().unwrap();
    let block = section
        .split("```sh\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{doc} `{heading}` has no sh block"))
        .split("\n```")
        .next()
        .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_migcheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in block.lines().filter(|l| !l.trim().is_empty()) {
        let out = std::process::Command::new("sh")
            .args(["-c", command])
            .current_dir(root().join("testdata/examples/hotdash"))
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{doc}: `{command}` exited {code}: {}",
            support::stderr(&out)
        );
        assert!(!out.stdout.is_empty(), "{doc}: `{command}` printed nothing");
    }
}

#[test]
fn familiar_options_commands_run_as_written() {
    section_commands_run_as_written("docs/getting-started.md", "Familiar options");
}

#[test]
fn buffer_linting_command_runs_as_written() {
    section_commands_run_as_written(
        "docs/editors.md",
        "Without a language server: lint the buffer",
    );
}
