//! `--statistics`: how many findings each rule produced, most frequent first.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::lint::Report;

/// A table of `count  rule  severity`; empty when there are no findings.
pub fn render(report: &Report) -> String {
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for f in report.findings.metas() {
        *counts.entry((f.rule, f.severity)).or_default() += 1;
    }
    if counts.is_empty() {
        return String::new();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    // Most findings first; then errors before warnings; then by id.
    rows.sort_by(|((ra, sa), ca), ((rb, sb), cb)| cb.cmp(ca).then(sb.cmp(sa)).then(ra.cmp(rb)));
    let width = rows
        .iter()
        .map(|((r, _), _)| r.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!("{:>5}  {:<width$}  SEVERITY\n", "COUNT", "RULE");
    for ((rule, severity), count) in rows {
        out.push_str(&format!("{count:>5}  {rule:<width$}  {severity}\n"));
    }
    out
}
