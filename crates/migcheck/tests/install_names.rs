//! Every install command in the repository (docs, READMEs, hooks, the Action, scripts, the npm
//! launcher, `migcheck init`'s hints) must name one of OUR packages, pinned to this version.
//!
//! Issue 30: the PyPI name `migcheck` belongs to an unrelated project (versions 0.1.2–0.5.0,
//! its own `migcheck` command), so `pip install migcheck` or `pipx run migcheck` installs
//! somebody else's tool. Ours are listed in `OURS` (checked free in the registries on
//! 2026-12-07, docs/install-names.md). The test reads the files as text and tokenizes each
//! `pip install` / `pipx` / `uvx` / `uv tool install` / `npm i|install` / `npx` / `pnpm add` /
//! `yarn add` / `cargo install` command; any package token that mentions migcheck must be ours
//! and, in a file people copy from, carry an exact version (`==0.1.0`, `@0.1.0`,
//! `--version 0.1.0`) or a placeholder (`<...>`, `$var`).

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).unwrap()
}

fn workspace_version() -> String {
    let root: toml::Table =
        toml::from_str(&std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap()).unwrap();
    root["workspace"]["package"]["version"]
        .as_str()
        .unwrap()
        .to_string()
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Registry {
    PyPi,
    Npm,
    Crates,
}

/// Our package names, per registry. `@migcheck/cli-*` are the npm per-platform packages.
fn ours(registry: Registry, name: &str) -> bool {
    match registry {
        Registry::PyPi => name == "migcheck-cli",
        Registry::Npm => name == "migcheck" || name.starts_with("@migcheck/cli-"),
        Registry::Crates => matches!(name, "migcheck" | "migcheck-core" | "migcheck-pg"),
    }
}

/// Files whose text people copy install commands from, or that install something themselves.
fn files() -> Vec<PathBuf> {
    let root = workspace();
    let mut out = vec![];
    for f in [
        "README.md",
        "action.yml",
        ".pre-commit-hooks.yaml",
        "pyproject.toml",
        "crates/migcheck/pyproject.toml",
        "crates/migcheck/README.md",
        "crates/migcheck-core/README.md",
        "crates/migcheck-pg/README.md",
        "crates/migcheck/src/init.rs",
        "crates/migcheck/src/cmd_verify.rs",
        "npm/migcheck/README.md",
        "npm/migcheck/bin/migcheck.js",
        "npm/build-packages.sh",
        "editors/vscode/README.md",
    ] {
        out.push(root.join(f));
    }
    for dir in ["docs", "scripts", ".github/workflows", "rules"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            out.push(e.path());
        }
    }
    // docs/install-names.md records the registry checks and names the foreign commands on purpose.
    out.retain(|p| p.is_file() && !p.ends_with("docs/install-names.md"));
    out.sort();
    out
}

#[derive(Debug)]
struct Install {
    registry: Registry,
    package: String,
    /// The version written with it (`==X`, `@X`, `--version X`), if any.
    version: Option<String>,
}

/// Trims the punctuation that surrounds a command in Markdown or a shell string.
fn clean(token: &str) -> &str {
    let t = token.trim_start_matches(['`', '"', '\'', '(', '*']);
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || "@/-_.=<>$~^&#:".contains(c)))
        .unwrap_or(t.len());
    t[..end].trim_end_matches(['.', ':'])
}

/// The packages that the install commands on one line name. Flags are skipped, except those
/// that take the package (`--spec`, `--from`) or its version (`--version`).
fn installs(line: &str) -> Vec<Install> {
    let words: Vec<&str> = line.split_whitespace().map(clean).collect();
    let mut out = vec![];
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = |k: usize| words.get(i + k).copied().unwrap_or("");
        // (registry, index of the first argument)
        let start = match w {
            "pip" | "pip3" if next(1) == "install" || next(1) == "download" => {
                Some((Registry::PyPi, i + 2))
            }
            "pipx" if next(1) == "run" || next(1) == "install" => Some((Registry::PyPi, i + 2)),
            "uvx" => Some((Registry::PyPi, i + 1)),
            "uv" if next(1) == "tool" && (next(2) == "install" || next(2) == "run") => {
                Some((Registry::PyPi, i + 3))
            }
            "npm" if matches!(next(1), "i" | "install" | "add" | "exec") => {
                Some((Registry::Npm, i + 2))
            }
            "npx" | "bunx" | "pnpx" => Some((Registry::Npm, i + 1)),
            "pnpm" | "yarn" | "bun" if next(1) == "add" => Some((Registry::Npm, i + 2)),
            "cargo" if next(1) == "install" => Some((Registry::Crates, i + 2)),
            _ => None,
        };
        let Some((registry, mut j)) = start else {
            i += 1;
            continue;
        };
        let mut cargo_version = None;
        let mut spec = None;
        while j < words.len() {
            let a = words[j];
            if a.is_empty() || a == "#" || a == "&&" || a == "then:" || a == "or:" {
                break;
            }
            if a == "--path" || a == "--git" || a == "-r" || a == "-e" {
                // From a clone / a requirements file: nothing resolved by name.
                j = words.len();
                spec = None;
                break;
            }
            if a == "--version" && registry == Registry::Crates {
                cargo_version = words.get(j + 1).map(|s| s.to_string());
                j += 2;
                continue;
            }
            if (a == "--spec" || a == "--from") && registry == Registry::PyPi {
                spec = words.get(j + 1).map(|s| s.to_string());
                j += 2;
                break;
            }
            if a.starts_with('-') {
                j += 1;
                continue;
            }
            spec = Some(a.to_string());
            j += 1;
            if registry == Registry::Crates {
                // `cargo install NAME --version X`: read on for the version.
                while j < words.len() && words[j].starts_with('-') {
                    if words[j] == "--version" {
                        cargo_version = words.get(j + 1).map(|s| s.to_string());
                    }
                    j += 1;
                }
            }
            break;
        }
        if let Some(spec) = spec {
            let (package, version) = match registry {
                Registry::PyPi => match spec.split_once("==") {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (spec.clone(), None),
                },
                Registry::Npm => {
                    // `@scope/name@1.2.3` or `name@1.2.3`
                    let at = spec[1..].find('@').map(|k| k + 1);
                    match at {
                        Some(k) => (spec[..k].to_string(), Some(spec[k + 1..].to_string())),
                        None => (spec.clone(), None),
                    }
                }
                Registry::Crates => (spec.clone(), cargo_version),
            };
            out.push(Install {
                registry,
                package,
                version,
            });
        }
        i = j.max(i + 1);
    }
    out
}

#[test]
fn the_tokenizer_reads_each_form() {
    let one = |l: &str| {
        let v = installs(l);
        assert_eq!(v.len(), 1, "{l}: {v:?}");
        let i = &v[0];
        (i.registry, i.package.clone(), i.version.clone())
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        one("pip install migcheck-cli==0.1.0"),
        (Registry::PyPi, "migcheck-cli".into(), s("0.1.0"))
    );
    assert_eq!(
        one("`pipx run --spec migcheck-cli==0.1.0 migcheck check`"),
        (Registry::PyPi, "migcheck-cli".into(), s("0.1.0"))
    );
    assert_eq!(one("pipx run migcheck check").1, "migcheck");
    assert_eq!(one("uvx migcheck check").1, "migcheck");
    assert_eq!(
        one("npm install --save-dev migcheck@0.1.0"),
        (Registry::Npm, "migcheck".into(), s("0.1.0"))
    );
    assert_eq!(
        one("cargo install migcheck --version 0.1.0 --locked"),
        (Registry::Crates, "migcheck".into(), s("0.1.0"))
    );
    assert!(installs("cargo install --path crates/migcheck").is_empty());
    assert_eq!(one("use `pip install migcheck-cli` or").1, "migcheck-cli");
    assert_eq!(one("**Not `pip install migcheck`**: that").1, "migcheck");
    assert!(
        !ours(Registry::PyPi, "migcheck"),
        "the PyPI name `migcheck` is not ours"
    );
}

/// Package tokens that mention migcheck must be ours; in docs, pinned to this version.
#[test]
fn every_install_command_names_our_package_pinned() {
    let version = workspace_version();
    let mut problems = vec![];
    let mut seen = 0;
    for path in files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(workspace())
            .unwrap()
            .display()
            .to_string();
        for (n, line) in text.lines().enumerate() {
            for inst in installs(line) {
                if !inst.package.contains("migcheck") {
                    continue;
                }
                seen += 1;
                let at = format!("{rel}:{}: `{}`", n + 1, line.trim());
                // `npx migcheck check` after `npm install migcheck@X` runs the installed one.
                if inst.registry == Registry::Npm
                    && inst.package == "migcheck"
                    && line.contains("npx")
                {
                    continue;
                }
                if !ours(inst.registry, &inst.package) {
                    problems.push(format!(
                        "{at}: `{}` on {:?} is not our package (PyPI: migcheck-cli; npm: migcheck, @migcheck/cli-*; crates: migcheck, migcheck-core, migcheck-pg)",
                        inst.package, inst.registry
                    ));
                    continue;
                }
                let pinned = match &inst.version {
                    Some(v) => v == &version || v.starts_with('<') || v.starts_with('$'),
                    None => false,
                };
                // A launcher's fallback hint names no version on purpose: it has none to name.
                let prose = rel.ends_with(".js") || rel.ends_with("pyproject.toml");
                if !pinned && !prose {
                    problems.push(format!(
                        "{at}: `{}` is not pinned to {version} (write ==, @ or --version {version})",
                        inst.package
                    ));
                }
            }
        }
    }
    assert!(
        seen >= 10,
        "only {seen} install commands found: is the scan reading the docs?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
