//! `--format sarif`: SARIF 2.1.0, what GitHub code scanning and most SARIF viewers read.
//!
//! The driver lists every rule of the registry (not only those that fired) so a viewer can show
//! the documentation of any result, and results point at rules by id and index. Columns count
//! characters, as everywhere in migcheck, which SARIF calls `unicodeCodePoints`; without saying
//! so, viewers would read them as UTF-16 code units.

use serde::Serialize;
use serde_json::{json, Value};

use super::{doc_description, rule_url, HOME_URL};
use crate::finding::{Finding, Severity};
use crate::findings::Findings;
use crate::lint::Report;
use crate::rules;

pub const SCHEMA_URL: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
        Severity::Off => "none",
    }
}

/// A relative path as a URI reference: forward slashes, and the few characters that would
/// change its meaning (or are not allowed in a URI) percent-encoded.
pub fn path_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn rule_descriptor(rule: &dyn rules::Rule) -> Value {
    let m = rule.meta();
    let url = rule_url(m.id);
    json!({
        "id": m.id,
        "name": m.id,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": doc_description(m.doc).unwrap_or_else(|| m.summary.to_string()) },
        "help": {
            "text": format!("{}\nSee {url}", m.summary),
            "markdown": m.doc,
        },
        "helpUri": url,
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": properties(m),
    })
}

/// Tags, and for security rules the `security-severity` GitHub code scanning ranks alerts by
/// (a score string: 7.0–8.9 "high", 4.0–6.9 "medium"; only read on rules tagged `security`).
fn properties(m: &rules::RuleMeta) -> Value {
    if m.category != rules::Category::Security {
        return json!({ "tags": [m.category.as_str()] });
    }
    let score = match m.severity {
        Severity::Error => "8.0",
        _ => "5.0",
    };
    json!({ "tags": [m.category.as_str()], "security-severity": score })
}

fn result(f: &Finding) -> Value {
    let index = rules::ALL.iter().position(|r| r.meta().id == f.rule);
    let (start, end) = (f.start(), f.end());
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": format!("{}\nHelp: {}", super::message_with_impact(f), f.help) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": path_uri(&f.file.display) },
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
            },
        }],
    });
    if let Some(i) = index {
        r["ruleIndex"] = json!(i);
    }
    // The live table's figures (`--database-url` / `--stats`), as JSON has them.
    if let Some(impact) = &f.impact {
        r["properties"] = json!({ "impact": impact });
    }
    // SARIF 2.1.0 §3.55 fix: replacements by byte region (§3.30.2 byteOffset / byteLength).
    if let Some(fix) = &f.fix {
        r["fixes"] = json!([{
            "description": { "text": fix.title },
            "artifactChanges": [{
                "artifactLocation": { "uri": path_uri(&f.file.display) },
                "replacements": fix.edits.iter().map(|e| json!({
                    "deletedRegion": { "byteOffset": e.start, "byteLength": e.end - e.start },
                    "insertedContent": { "text": e.replacement },
                })).collect::<Vec<_>>(),
            }],
        }]);
    }
    if let Some(s) = &f.suggestion {
        r["properties"] = json!({ "suggestion": s });
    }
    r
}

/// The document, with its keys in the order `serde_json` sorts an object's (the order of the
/// format's first versions, built as one `Value`).
#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<'a> {
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    invocations: Value,
    /// `scope`: what was checked and skipped, as in the JSON format ([`super::ScopeDoc`]).
    properties: RunProperties<'a>,
    results: Results<'a>,
    tool: Value,
}

/// The run's property bag (SARIF 2.1.0 §3.8).
#[derive(Serialize)]
struct RunProperties<'a> {
    scope: super::ScopeDoc<'a>,
}

/// The results, each built and written in turn: as one `Value`, 240,000 findings took 2 GB.
struct Results<'a>(&'a Findings);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(result))
    }
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the document to `out` as it is serialized (what `render` returns, without holding it).
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let doc = Doc {
        schema: SCHEMA_URL,
        version: "2.1.0",
        runs: [Run {
            tool: json!({
                "driver": {
                    "name": "migcheck",
                    "informationUri": HOME_URL,
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules::ALL.iter().map(|r| rule_descriptor(*r)).collect::<Vec<_>>(),
                },
            }),
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                scope: super::ScopeDoc::of(&report.scope),
            },
            results: Results(&report.findings),
            invocations: json!([{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": report.errors.iter().map(|e| {
                    let mut n = json!({
                        "level": "error",
                        "message": { "text": e.message },
                        "locations": [{ "physicalLocation": {
                            "artifactLocation": { "uri": path_uri(&e.path) },
                        }}],
                    });
                    if let Some(line) = e.line {
                        n["locations"][0]["physicalLocation"]["region"] = json!({ "startLine": line });
                    }
                    n
                }).collect::<Vec<_>>(),
            }]),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes_and_encoded() {
        assert_eq!(
            path_uri("supabase\\migrations/1 a.sql"),
            "supabase/migrations/1%20a.sql"
        );
        assert_eq!(path_uri("a/#b%.sql"), "a/%23b%25.sql");
        assert_eq!(path_uri("ç.sql"), "%C3%A7.sql");
    }

    #[test]
    fn security_rules_carry_security_severity() {
        let doc: Value = serde_json::from_str(&render(&Report::default())).unwrap();
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let props = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap()["properties"].clone();
        assert_eq!(props("missing-rls")["security-severity"], "8.0");
        assert_eq!(props("rls-without-policy")["security-severity"], "5.0");
        assert_eq!(props("missing-rls")["tags"][0], "security");
        assert!(props("drop-table").get("security-severity").is_none());
    }
}
