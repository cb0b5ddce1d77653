//! Our translation of other linters' cases (`testdata/peers/<peer>/{unsafe,safe}/*.sql`): the
//! cases squawk 2.70's rules, eugene 0.8.3's hints, strong_migrations' list of dangerous
//! operations, django-pg-zero-downtime-migrations' table of operations (README, "Django migrations
//! hacks": unsafe ones and their safe alternatives) and safe-pg-migrations' feature list (README,
//! "Feature set": what it runs instead) exist for, written as the SQL they run (our own SQL, not
//! theirs).
//!
//! Each file is one migration of its own (a plain directory: no tool transaction). Its header
//! says which peer check it translates (`-- peer:`), and for an unsafe case either the migcheck
//! rules that catch it (`-- catch: a, b`) or why it is outside what migcheck's rules are meant
//! to cover (`-- out-of-scope: ...`). Goals (issue 11): at least 95% of the in-scope unsafe
//! cases caught, at most 2% of the safe cases flagged as errors. A safe case may name one rule
//! that reports it on purpose (`-- also-reported: <rule> (why)`): a documented disagreement
//! with the peer, counted and printed apart.

use std::path::{Path, PathBuf};

use migcheck_core::lint::{check, CheckOptions};
use migcheck_core::Severity;

fn cases(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/peers");
    let mut out = Vec::new();
    for peer in std::fs::read_dir(&root).unwrap() {
        let dir = peer.unwrap().path().join(kind);
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(key).map(|r| r.trim().to_string()))
}

#[test]
fn peers_unsafe_cases_are_caught_and_safe_ones_pass() {
    let (mut in_scope, mut caught, mut out_of_scope) = (0, 0, 0);
    let mut misses = Vec::new();
    for path in cases("unsafe") {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(header(&text, "-- peer:").is_some(), "{path:?} has no peer");
        if header(&text, "-- out-of-scope:").is_some() {
            out_of_scope += 1;
            continue;
        }
        let want = header(&text, "-- catch:").unwrap_or_else(|| panic!("{path:?}: no catch"));
        let want: Vec<&str> = want.split(',').map(str::trim).collect();
        in_scope += 1;
        let report = check(std::slice::from_ref(&path), &CheckOptions::default());
        if report.findings.iter().any(|f| want.contains(&f.rule)) {
            caught += 1;
        } else {
            let got: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
            misses.push(format!("{}: want {want:?}, got {got:?}", path.display()));
        }
    }
    let (mut safe, mut flagged, mut disagreements) = (0, 0, 0);
    for path in cases("safe") {
        safe += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        // A deliberate disagreement, named with its reason in the case itself.
        let also = header(&text, "-- also-reported:")
            .map(|a| a.split_whitespace().next().unwrap_or("").to_string());
        let report = check(std::slice::from_ref(&path), &CheckOptions::default());
        let errors: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.rule)
            .filter(|r| {
                let agreed = also.as_deref() == Some(*r);
                disagreements += usize::from(agreed);
                !agreed
            })
            .collect();
        if !errors.is_empty() {
            flagged += 1;
            misses.push(format!("{} (safe): flagged {errors:?}", path.display()));
        }
    }
    let caught_share = caught as f64 / in_scope.max(1) as f64;
    let flagged_share = flagged as f64 / safe.max(1) as f64;
    eprintln!(
        "peer cases: {caught}/{in_scope} unsafe caught ({:.1}%), {out_of_scope} out of scope; {flagged}/{safe} safe flagged as errors ({:.1}%), plus {disagreements} deliberate disagreement(s) named in the cases",
        100.0 * caught_share,
        100.0 * flagged_share
    );
    for m in &misses {
        eprintln!("  {m}");
    }
    assert!(in_scope >= 60 && safe >= 30, "the case set shrank");
    assert!(caught_share >= 0.95, "{misses:#?}");
    assert!(flagged_share <= 0.02, "{misses:#?}");
}
