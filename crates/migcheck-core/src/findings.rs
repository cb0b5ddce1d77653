//! A run's findings, kept compact until they are rendered.
//!
//! A [`Finding`] in memory is several allocations: its message, its help, its fix with a title
//! and edits. A file whose every short statement earns findings held more of them than 30 times
//! its own size (issue 16). [`Findings`] keeps what sorting, counting and filtering read (rule,
//! severity, file, span) in a small index, and the text of each finding serialized (postcard)
//! into chunks that are compressed (LZ4) once full: the messages of a rule repeat with other
//! names, and compress to a tenth. [`Findings::iter`] gives each finding back whole, decoding
//! the chunks it needs as it goes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::finding::{Finding, Severity};
use crate::fix::{Fix, Suggestion};
use crate::source::SourceFile;

/// Bytes of serialized findings gathered before they are compressed as one chunk: large
/// enough for LZ4 to find the repeats of a rule's messages, small enough to decode quickly.
const CHUNK: usize = 64 * 1024;

/// Decoded chunks an iteration keeps: findings sorted by position come from a few runs of
/// chunks (the findings of each statement, then those a rule makes at the end of a file).
const CACHED_CHUNKS: usize = 8;

/// What sorting, counting and filtering read of a finding, without decoding it (32 bytes).
#[derive(Debug, Clone)]
struct Entry {
    span: Range<usize>,
    /// In [`Findings::rules`]: rule ids come from the code, a few hundred at most.
    rule: u16,
    severity: Severity,
    /// In [`Findings::files`].
    file: u32,
    /// The chunk holding the rest, and where in it (uncompressed).
    chunk: u32,
    offset: u32,
}

/// The serialized part of a finding, borrowed to write it.
#[derive(serde::Serialize)]
struct TextRef<'a> {
    message: &'a str,
    help: &'a str,
    fix: Option<&'a Fix>,
    suggestion: Option<&'a Suggestion>,
}

/// The serialized part of a finding, read back.
#[derive(serde::Deserialize)]
struct Text {
    message: String,
    help: String,
    fix: Option<Fix>,
    suggestion: Option<Suggestion>,
}

/// What [`Findings::retain_meta`] shows of a finding.
pub struct Meta<'a> {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: &'a Arc<SourceFile>,
    pub span: &'a Range<usize>,
}

/// The findings of a run (or of one file or set while it is checked), in the order they were
/// added until [`Findings::sort`].
#[derive(Default, Clone)]
pub struct Findings {
    entries: Vec<Entry>,
    rules: crate::intern::Numbered<&'static str>,
    files: Vec<Arc<SourceFile>>,
    /// A file's number in `files`, by the address of its `Arc` (kept alive by `files`).
    file_ids: HashMap<usize, u32>,
    /// Full chunks, compressed (their uncompressed size first).
    sealed: Vec<Box<[u8]>>,
    /// The chunk being filled, uncompressed; its number is `sealed.len()`.
    open: Vec<u8>,
}

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.entries
            .iter()
            .filter(|e| e.severity == severity)
            .count()
    }

    /// Adds `f` last. Its message and help are cut to a readable length first
    /// ([`crate::finding::readable`]).
    pub fn push(&mut self, f: Finding) {
        let file = self.file_id(&f.file);
        let rule = self.rule_id(f.rule);
        let message = crate::finding::readable(f.message);
        let help = crate::finding::readable_cow(f.help);
        let offset = self.open.len();
        let text = TextRef {
            message: &message,
            help: &help,
            fix: f.fix.as_deref(),
            suggestion: f.suggestion.as_deref(),
        };
        let open = std::mem::take(&mut self.open);
        self.open = postcard::to_extend(&text, open).expect("serializing to memory does not fail");
        self.entries.push(Entry {
            rule,
            span: f.span,
            severity: f.severity,
            file,
            chunk: self.sealed.len() as u32,
            offset: offset as u32,
        });
        if self.open.len() >= CHUNK {
            self.seal();
        }
    }

    fn file_id(&mut self, file: &Arc<SourceFile>) -> u32 {
        let files = &mut self.files;
        *self
            .file_ids
            .entry(Arc::as_ptr(file) as usize)
            .or_insert_with(|| {
                files.push(file.clone());
                (files.len() - 1) as u32
            })
    }

    fn rule_id(&mut self, rule: &'static str) -> u16 {
        u16::try_from(self.rules.number(rule)).expect("fewer than 65,536 rule ids")
    }

    /// Compresses the open chunk (a following push starts the next one).
    fn seal(&mut self) {
        if self.open.is_empty() {
            return;
        }
        let packed = lz4_flex::compress_prepend_size(&self.open);
        self.sealed.push(packed.into());
        self.open = Vec::new();
    }

    /// Moves every finding of `other` to the end of this list.
    pub fn append(&mut self, other: Findings) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other;
            return;
        }
        self.seal();
        let files: Vec<u32> = other.files.iter().map(|f| self.file_id(f)).collect();
        let rules: Vec<u16> = other
            .rules
            .values()
            .iter()
            .map(|r| self.rule_id(r))
            .collect();
        let shift = self.sealed.len() as u32;
        self.sealed.extend(other.sealed);
        self.open = other.open;
        self.entries.extend(other.entries.into_iter().map(|mut e| {
            e.file = files[e.file as usize];
            e.rule = rules[e.rule as usize];
            e.chunk += shift;
            e
        }));
    }

    /// Adds every finding of `more` last.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Finding>) {
        for f in more {
            self.push(f);
        }
    }

    /// Keeps the findings for which `keep` is true, looking only at what the index holds.
    pub fn retain_meta(&mut self, mut keep: impl FnMut(Meta<'_>) -> bool) {
        let (files, rules) = (&self.files, &self.rules);
        self.entries.retain(|e| {
            keep(Meta {
                rule: rules.get(e.rule.into()),
                severity: e.severity,
                file: &files[e.file as usize],
                span: &e.span,
            })
        });
    }

    /// Keeps the findings for which `keep` is true, decoding each.
    pub fn retain(&mut self, mut keep: impl FnMut(&Finding) -> bool) {
        let mut cache = Cache::default();
        let entries = std::mem::take(&mut self.entries);
        self.entries = entries
            .into_iter()
            .filter(|e| keep(&self.decode(e, &mut cache)))
            .collect();
    }

    /// Sorts by path, then position, then rule (stable). Costs nothing when they are sorted.
    pub fn sort(&mut self) {
        let (files, rules) = (&self.files, &self.rules);
        let key = |e: &Entry| {
            (
                &files[e.file as usize].display,
                e.span.start,
                *rules.get(e.rule.into()),
            )
        };
        if !self.entries.is_sorted_by(|a, b| key(a) <= key(b)) {
            self.entries.sort_by(|a, b| key(a).cmp(&key(b)));
        }
    }

    /// The findings in order, each decoded whole.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            findings: self,
            next: 0,
            cache: Cache::default(),
        }
    }

    /// The finding at `index`, decoded.
    pub fn get(&self, index: usize) -> Option<Finding> {
        let e = self.entries.get(index)?;
        Some(self.decode(e, &mut Cache::default()))
    }

    /// Every finding, decoded (for small reports and tests).
    pub fn to_vec(&self) -> Vec<Finding> {
        self.iter().collect()
    }

    /// What the index holds of each finding, in order, without decoding.
    pub fn metas(&self) -> impl Iterator<Item = Meta<'_>> + '_ {
        self.entries.iter().map(|e| Meta {
            rule: self.rules.get(e.rule.into()),
            severity: e.severity,
            file: &self.files[e.file as usize],
            span: &e.span,
        })
    }

    fn decode(&self, e: &Entry, cache: &mut Cache) -> Finding {
        crate::work::add(1);
        let bytes: &[u8] = if e.chunk as usize == self.sealed.len() {
            &self.open
        } else {
            cache.get(e.chunk, &self.sealed[e.chunk as usize])
        };
        let (text, _): (Text, _) = postcard::take_from_bytes(&bytes[e.offset as usize..])
            .expect("a finding reads back as it was written");
        Finding {
            rule: self.rules.get(e.rule.into()),
            severity: e.severity,
            file: self.files[e.file as usize].clone(),
            span: e.span.clone(),
            message: text.message,
            help: Cow::Owned(text.help),
            fix: text.fix.map(Box::new),
            suggestion: text.suggestion.map(Box::new),
        }
    }
}

impl std::fmt::Debug for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
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
    type Item = Finding;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Decoded chunks, the least recently used replaced first.
#[derive(Default)]
struct Cache {
    slots: Vec<(u32, Vec<u8>)>,
}

impl Cache {
    fn get(&mut self, chunk: u32, packed: &[u8]) -> &[u8] {
        match self.slots.iter().position(|(c, _)| *c == chunk) {
            Some(i) => {
                let slot = self.slots.remove(i);
                self.slots.push(slot);
            }
            None => {
                let bytes = lz4_flex::decompress_size_prepended(packed)
                    .expect("a chunk decompresses as it was compressed");
                if self.slots.len() == CACHED_CHUNKS {
                    self.slots.remove(0);
                }
                self.slots.push((chunk, bytes));
            }
        }
        &self.slots.last().expect("just pushed").1
    }
}

/// The findings of a [`Findings`], decoded one by one.
pub struct Iter<'a> {
    findings: &'a Findings,
    next: usize,
    cache: Cache,
}

impl Iterator for Iter<'_> {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        let e = self.findings.entries.get(self.next)?;
        self.next += 1;
        Some(self.findings.decode(e, &mut self.cache))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.findings.entries.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;

    fn file(name: &str) -> Arc<SourceFile> {
        SourceFile::new(name.into(), name.into(), "select 1;\n".repeat(10))
    }

    fn finding(file: &Arc<SourceFile>, i: usize) -> Finding {
        Finding {
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
    fn an_entry_takes_32_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 32);
    }

    #[test]
    fn findings_read_back_whole_across_compressed_chunks() {
        let a = file("a.sql");
        let all: Vec<Finding> = (0..20_000).map(|i| finding(&a, i)).collect();
        let store: Findings = all.iter().cloned().collect();
        assert!(store.sealed.len() > 3, "{} chunks", store.sealed.len());
        assert_eq!(store.len(), all.len());
        assert!(store.iter().zip(&all).all(|(x, y)| same(&x, y)));
        assert!(same(&store.get(12_345).unwrap(), &all[12_345]));
        let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
        assert_eq!(store.count(Severity::Error), errors);
        // Compressed, the text takes a fraction of its size.
        let packed: usize = store.sealed.iter().map(|c| c.len()).sum();
        let text: usize = all.iter().map(|f| f.message.len() + f.help.len()).sum();
        assert!(packed * 3 < text, "{packed} bytes for {text} of text");
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
        assert!(first.iter().zip(&want).all(|(x, y)| same(&x, y)));
        first.retain_meta(|m| m.rule == "drop-table");
        first.retain(|f| f.fix.is_some());
        want.retain(|f| f.rule == "drop-table" && f.fix.is_some());
        assert_eq!(first.len(), want.len());
        assert!(first.iter().zip(&want).all(|(x, y)| same(&x, y)));
    }
}
