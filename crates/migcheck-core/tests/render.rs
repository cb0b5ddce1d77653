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
