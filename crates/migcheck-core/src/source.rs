//! Source files and the mapping from byte offsets to the 1-based lines and columns users see.
//!
//! Everything inside migcheck carries byte ranges; lines and columns are computed only when a
//! finding is rendered. Columns count characters, not bytes, so a finding after a multi-byte
//! identifier still points at the right place in an editor.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of the start of every line of a text, and how many characters come before
/// every [`BLOCK`] bytes (so the column of an offset deep in a long line is found without
/// counting the line from its start: a 1 MB line with 80,000 findings took N² steps).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `chars_before[k]`: the characters in the first `k * BLOCK` bytes.
    chars_before: Vec<usize>,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const BLOCK: usize = 4096;

/// The characters that start in `bytes` (bytes that are not UTF-8 continuation bytes).
fn chars_in(bytes: &[u8]) -> usize {
    crate::work::add(bytes.len());
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text));
        let mut chars_before = vec![0];
        for block in text.as_bytes().chunks(BLOCK) {
            chars_before.push(chars_before.last().unwrap_or(&0) + chars_in(block));
        }
        Self {
            starts,
            chars_before,
        }
    }

    /// The characters in `text[..offset]`.
    fn chars_upto(&self, text: &str, offset: usize) -> usize {
        let k = offset / BLOCK;
        match self.chars_before.get(k) {
            Some(&n) => n + chars_in(&text.as_bytes()[k * BLOCK..offset]),
            None => {
                crate::work::add(offset);
                text[..offset].chars().count()
            }
        }
    }

    /// The characters in `text[start..end]` (`start` and `end` on character boundaries).
    pub fn chars_between(&self, text: &str, start: usize, end: usize) -> usize {
        if end - start <= 2 * BLOCK {
            crate::work::add(end - start);
            text[start..end].chars().count()
        } else {
            self.chars_upto(text, end) - self.chars_upto(text, start)
        }
    }

    /// Line and column of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.chars_between(text, start, end) + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a 1-based line and character column; clamps to the text.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        crate::work::add(column);
        text[start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Starts of the lines after the first: after each LF, CRLF, and lone CR. PostgreSQL's
/// scanner takes a lone CR as a newline (scan.l `newline [\n\r]`, so a `--` comment ends
/// there and the statement after it is on the next line), as editors and the Language Server
/// Protocol do; a CRLF is one line end.
fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .map(|(i, _)| i + 1)
}

/// A file migcheck read, with the path as the user would type it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path used to open the file.
    pub path: PathBuf,
    /// The path shown to users: relative to the current directory where possible.
    pub display: String,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Arc<Self> {
        // A UTF-8 byte order mark is not part of the SQL; spans stay byte-exact because it is
        // replaced by nothing only in what the parser sees (see `split`), not here.
        let lines = LineIndex::new(&text);
        Arc::new(Self {
            path,
            display,
            text,
            lines,
        })
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    pub fn slice(&self, span: &Range<usize>) -> &str {
        &self.text[span.clone()]
    }
}

/// The path as the user would type it from the current directory.
pub fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "ab\nçé x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 4 });
        assert_eq!(idx.offset(text, 2, 4), x);
        assert_eq!(
            idx.line_col(text, text.len()),
            LineCol { line: 3, column: 1 }
        );
    }

    /// Issue 31 item 2: `-- note\rdrop table users;` runs the DROP (scan.l `newline [\n\r]`);
    /// it is reported on line 2, as an editor shows it.
    #[test]
    fn a_lone_cr_ends_a_line_and_crlf_is_one_line_end() {
        let text = "-- note\rdrop table users;\r\nselect 1;\n";
        let idx = LineIndex::new(text);
        let drop = text.find("drop").unwrap();
        assert_eq!(idx.line_col(text, drop), LineCol { line: 2, column: 1 });
        let select = text.find("select").unwrap();
        assert_eq!(idx.line_col(text, select), LineCol { line: 3, column: 1 });
        assert_eq!(idx.offset(text, 2, 1), drop);
        assert_eq!(idx.line_count(), 4);
    }

    #[test]
    fn columns_deep_in_a_long_line_count_characters() {
        // Checkpoints every 4 KB: offsets far into one line, with multi-byte characters
        // across the block boundaries, count as a walk from the line's start does.
        let text: String = "x\n".to_string() + &"ab çé € 𝄞 ".repeat(3000);
        let idx = LineIndex::new(&text);
        for offset in (2..text.len())
            .step_by(997)
            .filter(|&o| text.is_char_boundary(o))
        {
            let walked = text[2..offset].chars().count() + 1;
            assert_eq!(
                idx.line_col(&text, offset),
                LineCol {
                    line: 2,
                    column: walked
                },
                "offset {offset}"
            );
        }
    }
}
