//! Every output format, rendered from one report of `testdata/examples/hotdash`.
//!
//! The report is built once with the workspace root as the current directory, so paths are
//! relative (`testdata/examples/...`) as a user running `migcheck check` at a repository root
//! would see them. Every test in this file reads that one report.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use migcheck_core::lint::{self, CheckOptions, Report};
use migcheck_core::render::{self, Format, RenderOptions};
use migcheck_core::rules;

fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        std::env::set_current_dir(&root).expect("workspace root");
        let report = lint::check(
            &[PathBuf::from("testdata/examples/hotdash")],
            &CheckOptions::default(),
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(
            !report.findings.is_empty(),
            "the example should have findings"
        );
        report
    })
}

fn rendered(format: Format) -> String {
    render::render(format, report(), RenderOptions { color: false })
}

#[test]
fn human() {
    insta::assert_snapshot!(rendered(Format::Human));
}

#[test]
fn json() {
    insta::assert_snapshot!(rendered(Format::Json));
}

#[test]
fn github() {
    insta::assert_snapshot!(rendered(Format::Github));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(rendered(Format::Markdown));
}

#[test]
fn gitlab() {
    let text = rendered(Format::Gitlab);
    let issues: serde_json::Value = serde_json::from_str(&text).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), report().findings.len());
    let mut prints: Vec<_> = issues.iter().map(|i| &i["fingerprint"]).collect();
    prints.sort_by_key(|v| v.to_string());
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints must be unique");
    insta::assert_snapshot!(text);
}

#[test]
fn junit() {
    let text = rendered(Format::Junit);
    // Every checked file appears, clean ones as a passing test case.
    for path in &report().checked {
        assert!(
            text.contains(&format!("<testsuite name=\"{path}\"")),
            "{path}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn statistics() {
    insta::assert_snapshot!(render::statistics::render(report()));
}

/// The rule table would churn with every rule doc edit; the snapshot keeps the ids (which must
/// be the whole registry) and the results, which is what this renderer decides.
#[test]
fn sarif() {
    let text = rendered(Format::Sarif);
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let driver = &mut doc["runs"][0]["tool"]["driver"];
    let ids: Vec<serde_json::Value> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids.len(), rules::ALL.len());
    for (i, r) in rules::ALL.iter().enumerate() {
        assert_eq!(
            ids[i],
            r.meta().id,
            "ruleIndex must match the registry order"
        );
    }
    driver["rules"] = serde_json::Value::Array(ids);
    driver["version"] = "[version]".into();
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

/// The vendored OASIS schema, compiled. Its `language` patterns have an unescaped `]`, which
/// JavaScript accepts as a literal but Rust's regex engines reject; they are escaped here (same
/// meaning), leaving the vendored file unchanged.
fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).unwrap();
    let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(
        text.contains(bad),
        "the schema changed; drop this workaround"
    );
    let text = text.replace(bad, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let validator = sarif_validator();
    let doc: serde_json::Value = serde_json::from_str(&rendered(Format::Sarif)).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    // The schema cannot know these; GitHub code scanning relies on them.
    for result in doc["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("testdata/") && !uri.contains('\\'), "{uri}");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules::ALL[index].meta().id, result["ruleId"]);
    }
}

#[test]
fn sarif_for_a_clean_report_is_valid_too() {
    let validator = sarif_validator();
    let empty = Report::default();
    let doc: serde_json::Value = serde_json::from_str(&render::render(
        Format::Sarif,
        &empty,
        RenderOptions::default(),
    ))
    .unwrap();
    assert!(validator.is_valid(&doc));
    // And the validator does reject what the standard does not allow.
    let mut bad = doc.clone();
    bad["runs"][0]["columnKind"] = "bytes".into();
    assert!(!validator.is_valid(&bad));
}

/// `testdata/scope/repo` checked at its root (it holds a `go.mod`): four sets linted, and
/// tests, schema sources, seeds, dumps, other dialects... skipped. Every format says so.
fn scope_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        report(); // the workspace root as the current directory
        let report = lint::check(
            &[PathBuf::from("testdata/scope/repo")],
            &CheckOptions::default(),
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        report
    })
}

fn scope_rendered(format: Format) -> String {
    render::render(format, scope_report(), RenderOptions { color: false })
}

/// What every format must carry: the sets, the skipped counts and the dialect notes.
const SUPABASE_SET: &str = "testdata/scope/repo/supabase/migrations";
const CLICKHOUSE_SET: &str = "testdata/scope/repo/analytics/migrations";
const CLICKHOUSE_NOTE: &str = "1 of 2 files are written for ClickHouse, not PostgreSQL: not linted";

#[test]
fn scope_human() {
    let text = scope_rendered(Format::Human);
    // The scope sits after the findings and before the closing outcome line.
    let at = text
        .find("Checked 4 migration sets:\n")
        .expect("the scope summary");
    let tail = &text[at..];
    assert!(
        tail.contains(&format!(
            "\n  - {SUPABASE_SET} (the Supabase CLI, 2 files, one pipeline per file, exposed: public)\n"
        )),
        "{tail}"
    );
    assert!(tail.contains("Skipped "), "{tail}");
    assert!(tail.contains("other-dialect (ClickHouse) 1"), "{tail}");
    assert!(
        tail.contains(&format!("note: {CLICKHOUSE_SET}: {CLICKHOUSE_NOTE}")),
        "{tail}"
    );
    let found = tail.find("\nFound ").expect("the outcome after the scope");
    insta::assert_snapshot!(&tail[..found]);
}

#[test]
fn scope_json() {
    let doc: serde_json::Value = serde_json::from_str(&scope_rendered(Format::Json)).unwrap();
    assert_eq!(doc["version"], 1);
    let scope = &doc["scope"];
    let supabase = scope["sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["dir"] == SUPABASE_SET)
        .expect("the Supabase set");
    assert_eq!(supabase["tool"], "supabase");
    assert_eq!(supabase["tool_name"], "the Supabase CLI");
    assert_eq!(supabase["transactions"], "one pipeline per file");
    assert_eq!(supabase["exposed_schemas"], serde_json::json!(["public"]));
    assert_eq!(scope["skipped_by_reason"]["other-dialect"], 4);
    let skipped = scope["skipped"].as_array().unwrap();
    let total: u64 = scope["skipped_by_reason"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, skipped.len());
    insta::assert_snapshot!(serde_json::to_string_pretty(scope).unwrap());
}

#[test]
fn scope_markdown() {
    let text = scope_rendered(Format::Markdown);
    let status = text.lines().nth(2).unwrap();
    assert!(
        status.starts_with('❌') || status.starts_with('⚠'),
        "{status}"
    );
    assert!(text.contains("**Scope:** Checked 4 migration sets:\n"));
    assert!(text.contains(&format!("\n- `{SUPABASE_SET}` (the Supabase CLI")));
    assert!(text.contains("\nSkipped 12 folders and 6 files: "));
    assert!(text.contains(&format!("\n- `{CLICKHOUSE_SET}`: {CLICKHOUSE_NOTE}\n")));
    // Only the part above the findings table: the table is the markdown test's.
    let table = text.find("\n| Location").unwrap_or(text.len());
    insta::assert_snapshot!(&text[..table]);
}

#[test]
fn scope_github_notices_are_not_findings() {
    let text = scope_rendered(Format::Github);
    let annotations = text
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .count();
    assert_eq!(annotations, scope_report().findings.len());
    let notices: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::notice::"))
        .collect();
    // The summary, then one note per set of another dialect (ClickHouse, MySQL, SQLite, T-SQL).
    assert_eq!(notices.len(), 5, "{notices:#?}");
    assert!(notices[0].contains("Checked 4 migration sets:%0A  - "));
    assert!(notices[0].contains("%0ASkipped "));
    assert!(notices[1..]
        .iter()
        .any(|n| *n == format!("::notice::{CLICKHOUSE_SET}: {CLICKHOUSE_NOTE}")));
    // Notices without properties: `scripts/action-run.sh` neither counts nor caps them.
    assert!(!text.contains("::notice "));
    assert!(text
        .trim_end()
        .lines()
        .last()
        .unwrap()
        .starts_with("Found "));
}

#[test]
fn scope_sarif_carries_the_json_scope_and_stays_valid() {
    let doc: serde_json::Value = serde_json::from_str(&scope_rendered(Format::Sarif)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&scope_rendered(Format::Json)).unwrap();
    assert_eq!(doc["runs"][0]["properties"]["scope"], json["scope"]);
    let validator = sarif_validator();
    let problems: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn scope_junit_properties_in_the_first_suite() {
    let text = scope_rendered(Format::Junit);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("<testsuites "));
    assert!(lines[2].starts_with("  <testsuite "));
    // JUnit allows `<properties>` only first in a `<testsuite>`, and once.
    assert_eq!(lines[3], "    <properties>");
    assert_eq!(text.matches("<properties>").count(), 1);
    assert!(text.contains("<property name=\"migcheck.scope.sets\" value=\"4\"/>"));
    assert!(text.contains("<property name=\"migcheck.scope.skipped.other-dialect\" value=\"4\"/>"));
    assert!(text.contains(&format!(
        "<property name=\"migcheck.scope.set\" value=\"{SUPABASE_SET} (the Supabase CLI"
    )));
    assert!(text.contains(&format!(
        "<property name=\"migcheck.scope.note\" value=\"{CLICKHOUSE_SET}: {CLICKHOUSE_NOTE}\"/>"
    )));
    assert_eq!(
        text.matches("<testsuite ").count(),
        text.matches("</testsuite>").count()
    );
}

#[test]
fn scope_gitlab_is_issues_only() {
    let issues: serde_json::Value = serde_json::from_str(&scope_rendered(Format::Gitlab)).unwrap();
    assert_eq!(
        issues.as_array().unwrap().len(),
        scope_report().findings.len()
    );
}

/// The scope a report carries is the loaded one: files left after `exclude`, and the exposed
/// schemas each set is judged with (its `migcheck.toml` here).
#[test]
fn scope_sets_are_as_loaded() {
    report(); // the workspace root as the current directory
    let configured = lint::check(
        &[PathBuf::from("testdata/scope/configured")],
        &CheckOptions::default(),
    );
    let set = configured
        .scope
        .sets
        .iter()
        .find(|s| s.dir == "testdata/scope/configured/db/migrations")
        .expect("the db set");
    // `exclude = ["db/migrations/002_experimental.sql", ...]`.
    assert_eq!(
        set.files,
        ["testdata/scope/configured/db/migrations/001_orders.sql"]
    );
    let monorepo = lint::check(
        &[PathBuf::from("testdata/monorepo")],
        &CheckOptions::default(),
    );
    let shop = monorepo
        .scope
        .sets
        .iter()
        .find(|s| s.dir == "testdata/monorepo/apps/shop/supabase/migrations")
        .expect("the shop set");
    assert_eq!(shop.exposed_schemas, ["public"]);
    assert_eq!(
        shop.exposed_why,
        "`exposed_schemas` in testdata/monorepo/apps/shop/migcheck.toml"
    );
}

/// Without a Supabase project or `exposed_schemas`, a set's own statements can show that
/// clients reach a schema (`platform::evidence`): the scope says so after loading, though
/// discovery alone could not.
#[test]
fn scope_exposed_schemas_from_the_sets_own_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("db/migrations");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::write(
        set.join("001_notes.sql"),
        "create table api.notes (id bigint primary key);\n\
         alter table api.notes enable row level security;\n\
         grant select on api.notes to authenticated;\n",
    )
    .unwrap();
    let discovered = lint::scope(std::slice::from_ref(&set), &CheckOptions::default());
    assert!(discovered.sets[0].exposed_schemas.is_empty());
    let report = lint::check(&[set], &CheckOptions::default());
    let shown = &report.scope.sets[0];
    assert_eq!(shown.exposed_schemas, ["api"]);
    assert_ne!(shown.exposed_why, discovered.sets[0].exposed_why);
    let human = render::render(Format::Human, &report, RenderOptions::default());
    assert!(
        human.contains(
            "(plain SQL, no migration tool, 1 file, statement by statement, exposed: api)"
        ),
        "{human}"
    );
}

/// Issue 29 item 4: `check --format markdown` fits a pull-request comment at any scale:
/// thousands of findings (errors first, the table cut with a count and a pointer to the JSON)
/// and thousands of sets in the scope (the text cut at a line end, with the pointer).
#[test]
fn markdown_fits_a_pull_request_comment_at_any_scale() {
    report(); // the workspace root as the current directory
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    for i in 0..3000 {
        std::fs::write(
            mig.join(format!("2024010100{i:04}_t{i}.sql")),
            format!(
                "alter table public.orders add column c{i} integer not null default 0;\n\
                 create index orders_c{i} on public.orders (c{i});\n\
                 alter table public.orders alter column c{i} type bigint;\n"
            ),
        )
        .unwrap();
    }
    let r = lint::check(&[dir.path().to_path_buf()], &CheckOptions::default());
    assert!(r.findings.len() >= 3000, "{}", r.findings.len());
    let md = render::render(Format::Markdown, &r, RenderOptions { color: false });
    assert!(md.len() <= render::markdown::COMMENT_BUDGET, "{}", md.len());
    assert!(
        md.contains("more; run `migcheck check --format json` for all of them."),
        "{md}"
    );

    // 2,000 sets: still under the budget (cut at a line end with the pointer when over).
    let dir = tempfile::tempdir().unwrap();
    for i in 0..2000 {
        let mig = dir.path().join(format!("app{i}/supabase/migrations"));
        std::fs::create_dir_all(&mig).unwrap();
        std::fs::write(
            mig.join("20240101000000_init.sql"),
            "create index orders_c on public.orders (c);\n",
        )
        .unwrap();
    }
    let r = lint::check(&[dir.path().to_path_buf()], &CheckOptions::default());
    let md = render::render(Format::Markdown, &r, RenderOptions { color: false });
    assert!(md.len() <= render::markdown::COMMENT_BUDGET, "{}", md.len());
    assert!(
        !md.contains("to fit a pull-request comment") || md.ends_with("for the full report.\n"),
        "{}",
        &md[md.len().saturating_sub(500)..]
    );
}
