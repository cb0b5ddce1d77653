//! The fuzz targets of `fuzz/` run as plain tests over the seed inputs in `fuzz/seeds/<target>/`
//! (and over whatever cargo-fuzz found and was copied there), so `cargo test` keeps them
//! passing without cargo-fuzz or a nightly toolchain. See docs/architecture.md, "Fuzzing".

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/targets.rs"]
mod targets;

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            let data = std::fs::read(&p).unwrap();
            (p, data)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

#[test]
fn check_target_over_seeds() {
    for (path, data) in seeds("check") {
        eprintln!("{}", path.display());
        targets::check(&data);
    }
}

#[test]
fn parse_target_over_seeds() {
    for (path, data) in seeds("parse") {
        eprintln!("{}", path.display());
        targets::parse(&data);
    }
}

#[test]
fn deploy_target_over_seeds() {
    for (path, data) in seeds("deploy") {
        eprintln!("{}", path.display());
        targets::deploy(&data);
    }
}

/// Inputs past what a fuzzer's size limit reaches, generated: each target survives them.
#[test]
fn targets_survive_generated_extremes() {
    let chain = |term: &str, sep: &str, n: usize| vec![term; n].join(sep);
    let deep = [
        format!("select {};", chain("1", "+", 50_000)),
        format!("select x{};", "::int".repeat(50_000)),
        format!("{};", chain("select 1", " union ", 20_000)),
        format!(
            "create table t (a int check ({}));",
            chain("a <> 1", " or ", 50_000)
        ),
        format!("select {}1{};", "(".repeat(50_000), ")".repeat(50_000)),
        format!("do $$ begin {} end $$;", "begin ".repeat(20_000)),
        "/*".repeat(50_000),
        // Just inside the nesting limit: parsed, walked and dropped on a test thread's stack.
        format!(
            "select {};",
            chain("1", "+", migcheck_core::parse::MAX_NESTING)
        ),
        format!(
            "create table t (a int check ({}));",
            chain("a = 1", " or ", migcheck_core::parse::MAX_NESTING / 2 - 1)
        ),
    ];
    for sql in &deep {
        targets::parse(sql.as_bytes());
        targets::check(sql.as_bytes());
    }
}

/// Deployment files nested past what a fuzzer's size limit reaches (issue 31 item 11): 25,000
/// nested YAML lists overflowed the stack in yaml-rust2's recursive loader, and killed the
/// `deploy` target. The first byte picks the kind (`targets::deploy`).
#[test]
fn deploy_target_survives_generated_extremes() {
    let n = 25_000;
    let inputs = [
        format!("\u{4}{}x\n", "- ".repeat(n)),
        format!("\u{4}a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
        format!("\u{4}a: {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("\u{1}app = \"x\"\na = {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!(
            "\u{1}app = \"x\"\na = {}1{}\n",
            "{b=".repeat(n),
            "}".repeat(n)
        ),
        format!(
            "\u{0}{{\"scripts\": {{}}, \"a\": {}{}}}\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    ];
    for input in &inputs {
        targets::deploy(input.as_bytes());
    }
}

/// The in-memory entry point finds what the file system one does.
#[test]
fn check_sources_reports_by_path() {
    use migcheck_core::lint::{check_sources, CheckOptions};
    let files = vec![
        (
            PathBuf::from("/nowhere/supabase/migrations/20240101000000_a.sql"),
            "create table public.a (id bigint primary key);\nalter table public.a enable row level security;\n".to_string(),
        ),
        (
            PathBuf::from("/nowhere/supabase/migrations/20240102000000_b.sql"),
            "alter table public.a drop column id;\n".to_string(),
        ),
    ];
    let report = check_sources(&files, &CheckOptions::default());
    let rules: Vec<_> = report.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"drop-column"), "{rules:?}");
    assert_eq!(report.files, 2);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}
