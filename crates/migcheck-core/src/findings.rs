//! A run's findings: a plain list, each message and fix shrunk to its length when it is added.
//!
//! Until session 13 the text of each finding was kept serialized and LZ4-compressed, for issue
//! 16's memory goal on pathological files (10 MB where every statement earns findings). Measured
//! side by side (issue 33 item 3, docs/limits.md "Findings kept plain"): on `../shared/corpus`
//! the compressed store saved nothing (118 MB peak both ways), and on the worst pathological
//! shape the plain list peaks at 47 times the file, under the 50× bound of docs/limits.md. The
//! code and two dependencies it cost were not paid for by any real input.

use std::ops::Range;
use std::sync::Arc;

use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

/// What [`Findings::retain_meta`] shows of a finding.
pub struct Meta<'a> {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: &'a Arc<SourceFile>,
    pub span: &'a Range<usize>,
}

impl<'a> Meta<'a> {
    fn of(f: &'a Finding) -> Self {
        Meta {
            rule: f.rule,
            severity: f.severity,
            file: &f.file,
            span: &f.span,
        }
    }
}

/// The findings of a run (or of one file or set while it is checked), in the order they were
/// added until [`Findings::sort`].
#[derive(Default, Clone)]
pub struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|f| f.severity == severity).count()
    }

    /// Adds `f` last. Its message and help are cut to a readable length first
    /// ([`crate::finding::readable`]).
    pub fn push(&mut self, mut f: Finding) {
        f.message = crate::finding::readable(f.message);
        f.message.shrink_to_fit();
        f.help = crate::finding::readable_cow(f.help);
        if let Some(fix) = f.fix.as_deref_mut() {
            fix.title.shrink_to_fit();
            fix.edits.shrink_to_fit();
            for e in &mut fix.edits {
                e.replacement.shrink_to_fit();
            }
        }
        if let Some(s) = f.suggestion.as_deref_mut() {
            s.title.shrink_to_fit();
            s.steps.shrink_to_fit();
            s.steps.iter_mut().for_each(String::shrink_to_fit);
        }
        self.items.push(f);
    }

    /// Moves every finding of `other` to the end of this list.
    pub fn append(&mut self, mut other: Findings) {
        if self.is_empty() {
            *self = other;
        } else {
            self.items.append(&mut other.items);
        }
    }

    /// Adds every finding of `more` last.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Finding>) {
        for f in more {
            self.push(f);
        }
    }

    /// Keeps the findings for which `keep` is true, looking only at rule, severity, file, span.
    pub fn retain_meta(&mut self, mut keep: impl FnMut(Meta<'_>) -> bool) {
        self.items.retain(|f| keep(Meta::of(f)));
    }

    /// Keeps the findings for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&Finding) -> bool) {
        self.items.retain(keep);
    }

    /// Calls `f` on every finding in order (message and help are not cut again).
    pub fn for_each_mut(&mut self, f: impl FnMut(&mut Finding)) {
        self.items.iter_mut().for_each(f);
    }

    /// Sorts by path, then position, then rule (stable). Costs nothing when they are sorted.
    pub fn sort(&mut self) {
        fn key(f: &Finding) -> (&String, usize, &'static str) {
            (&f.file.display, f.span.start, f.rule)
        }
        if !self.items.is_sorted_by(|a, b| key(a) <= key(b)) {
            self.items.sort_by(|a, b| key(a).cmp(&key(b)));
        }
    }

    /// The findings in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.items.iter()
    }

    /// The finding at `index`.
    pub fn get(&self, index: usize) -> Option<&Finding> {
        self.items.get(index)
    }

    /// Every finding (for small reports and tests).
    pub fn to_vec(&self) -> Vec<Finding> {
        self.items.clone()
    }

    /// Rule, severity, file and span of each finding, in order.
    pub fn metas(&self) -> impl Iterator<Item = Meta<'_>> + '_ {
        self.items.iter().map(Meta::of)
    }
}

impl std::fmt::Debug for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

impl From<Vec<Finding>> for Findings {
    fn from(v: Vec<Finding>) -> Self {
        let mut out = Findings::new();
        out.extend(v);
        out
    }
}

impl FromIterator<Finding> for Findings {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        let mut out = Findings::new();
        out.extend(iter);
        out
    }
}

impl<'a> IntoIterator for &'a Findings {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Fix, Suggestion};
    use std::borrow::Cow;

    fn file(name: &str) -> Arc<SourceFile> {
        SourceFile::new(name.into(), name.into(), "select 1;\n".repeat(10))
    }

    fn finding(file: &Arc<SourceFile>, i: usize) -> Finding {
        Finding {
            impact: None,
            rule: if i.is_multiple_of(3) {
                "drop-table"
            } else {
                "drop-column"
            },
            severity: if i.is_multiple_of(2) {
                Severity::Error
            } else {
                Severity::Warning
            },
            file: file.clone(),
            span: (i % 97)..(i % 97 + 5),
            message: format!("Column `c{i}` of `public.t{i}` is dropped"),
            help: if i.is_multiple_of(5) {
                Cow::Owned(format!("Keep `c{i}`"))
            } else {
                Cow::Borrowed("Keep the column")
            },
            fix: i.is_multiple_of(4).then(|| {
                Box::new(Fix {
                    title: format!("Fix {i}"),
                    edits: vec![Edit::insert(i, format!("-- {i}"))],
                })
            }),
            suggestion: i.is_multiple_of(7).then(|| {
                Box::new(Suggestion {
                    title: "Two steps".into(),
                    steps: vec![format!("step {i}"), "later".into()],
                })
            }),
        }
    }

    fn same(a: &Finding, b: &Finding) -> bool {
        (
            a.rule,
            a.severity,
            &a.file.display,
            &a.span,
            &a.message,
            &*a.help,
        ) == (
            b.rule,
            b.severity,
            &b.file.display,
            &b.span,
            &b.message,
            &*b.help,
        ) && a.fix == b.fix
            && a.suggestion == b.suggestion
    }

    #[test]
    fn findings_read_back_whole_and_counted() {
        let a = file("a.sql");
        let all: Vec<Finding> = (0..2_000).map(|i| finding(&a, i)).collect();
        let store: Findings = all.iter().cloned().collect();
        assert_eq!(store.len(), all.len());
        assert!(store.iter().zip(&all).all(|(x, y)| same(x, y)));
        assert!(same(store.get(1_234).unwrap(), &all[1_234]));
        let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
        assert_eq!(store.count(Severity::Error), errors);
        assert_eq!(store.count(Severity::Warning), all.len() - errors);
    }

    #[test]
    fn a_message_is_kept_at_its_length() {
        let a = file("a.sql");
        let mut f = finding(&a, 1);
        f.message.reserve(4_000);
        let store: Findings = std::iter::once(f).collect();
        let kept = store.items[0].message.capacity();
        assert_eq!(kept, store.items[0].message.len());
    }

    #[test]
    fn sort_append_and_retain_keep_each_finding_whole() {
        let (a, b) = (file("a.sql"), file("b.sql"));
        let mut first: Findings = (0..9_000).map(|i| finding(&b, i)).collect();
        let second: Findings = (0..9_000).map(|i| finding(&a, i)).collect();
        first.append(second);
        first.sort();
        let mut want: Vec<Finding> = (0..9_000)
            .map(|i| finding(&b, i))
            .chain((0..9_000).map(|i| finding(&a, i)))
            .collect();
        want.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
        assert!(first.iter().zip(&want).all(|(x, y)| same(x, y)));
        first.retain_meta(|m| m.rule == "drop-table");
        first.retain(|f| f.fix.is_some());
        want.retain(|f| f.rule == "drop-table" && f.fix.is_some());
        assert_eq!(first.len(), want.len());
        assert!(first.iter().zip(&want).all(|(x, y)| same(x, y)));
    }
}
