//! Source files and the mapping from byte offsets to the 1-based lines and columns users see.
//!
//! Everything inside migcheck carries byte ranges; lines and columns are computed only when a
//! finding is rendered. Columns count characters, not bytes, so a finding after a multi-byte
//! identifier still points at the right place in an editor.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The name of a migration read from standard input without a file name (`migcheck check -`):
/// a plain SQL file on its own, shown as `<stdin>`.
pub const STDIN_NAME: &str = "<stdin>";

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
    memchr::memchr2_iter(b'\n', b'\r', b)
        .filter(|&i| b[i] == b'\n' || b.get(i + 1) != Some(&b'\n'))
        .map(|i| i + 1)
}

/// A file migcheck read, with the path as the user would type it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path used to open the file.
    pub path: PathBuf,
    /// The path shown to users: relative to the current directory where possible.
    pub display: String,
    pub text: String,
    /// Where its lines start, made on first use ([`SourceFile::lines`]): a file that only
    /// gives context to another (a one-file check reads its whole set) never needs it.
    lines: std::sync::OnceLock<LineIndex>,
    /// Set when the file's bytes are not valid in its encoding (UTF-8 unless `encoding` in
    /// migcheck.toml says otherwise): `text` is then read lossily, the bad bytes replaced by
    /// U+FFFD, and the `undecodable-file` rule reports it.
    pub undecodable: Option<Undecodable>,
}

/// Where a file stopped being valid in its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// Byte offset of the first bad byte in the file as stored.
    pub byte: usize,
    /// Offset of its replacement character in [`SourceFile::text`].
    pub at: usize,
    /// The encoding the file was read as (`UTF-8`, `windows-1252`, ...).
    pub encoding: &'static str,
}

/// The encoding migration files are read in: UTF-8 unless `encoding` in migcheck.toml names the
/// client encoding the tool applies them with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceEncoding {
    #[default]
    Utf8,
    /// ISO-8859-1, PostgreSQL's `LATIN1`: every byte is the code point of the same value
    /// (`encoding_rs::mem::decode_latin1`; WHATWG's `latin1` label means windows-1252 instead).
    Latin1,
    /// Any other encoding `encoding_rs` knows by its WHATWG label.
    Other(&'static encoding_rs::Encoding),
}

impl SourceEncoding {
    /// The encoding named `label` (`latin1`, `iso-8859-1`, `win1252`, `windows-1252`,
    /// `shift_jis`, `euc-kr`, ...), PostgreSQL's names included where they differ.
    pub fn for_label(label: &str) -> Option<Self> {
        let l = label.trim().to_ascii_lowercase().replace('_', "-");
        match l.as_str() {
            "utf8" | "utf-8" | "unicode" => Some(Self::Utf8),
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" | "iso88591" => Some(Self::Latin1),
            // PostgreSQL's WINnnnn names.
            w if w.starts_with("win") && w[3..].bytes().all(|b| b.is_ascii_digit()) => {
                encoding_rs::Encoding::for_label(format!("windows-{}", &w[3..]).as_bytes())
                    .map(Self::Other)
            }
            "sjis" => Some(Self::Other(encoding_rs::SHIFT_JIS)),
            "euc-jp" | "eucjp" => Some(Self::Other(encoding_rs::EUC_JP)),
            "euc-kr" | "euckr" => Some(Self::Other(encoding_rs::EUC_KR)),
            _ => encoding_rs::Encoding::for_label(l.as_bytes()).map(|e| {
                if e == encoding_rs::UTF_8 {
                    Self::Utf8
                } else {
                    Self::Other(e)
                }
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Latin1 => "ISO-8859-1 (latin1)",
            Self::Other(e) => e.name(),
        }
    }

    /// The text of `bytes`, and where it first was not valid in this encoding.
    fn decode(self, bytes: Vec<u8>) -> (String, Option<(usize, usize)>) {
        match self {
            Self::Utf8 => match String::from_utf8(bytes) {
                Ok(t) => (t, None),
                Err(e) => {
                    let bad = e.utf8_error().valid_up_to();
                    // The valid prefix is copied as is, so the first U+FFFD is at `bad` too.
                    (
                        String::from_utf8_lossy(e.as_bytes()).into_owned(),
                        Some((bad, bad)),
                    )
                }
            },
            Self::Latin1 => (encoding_rs::mem::decode_latin1(&bytes).into_owned(), None),
            Self::Other(enc) => {
                let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
                let text = text.into_owned();
                let first = had_errors.then(|| {
                    let at = text.find('\u{FFFD}').unwrap_or(0);
                    // The byte offset: the length of the longest prefix that decodes to the text
                    // before the replacement character.
                    let byte = first_bad_byte(enc, &bytes).unwrap_or(at);
                    (byte, at)
                });
                (text, first)
            }
        }
    }
}

/// The offset of the first byte that `enc` cannot decode.
fn first_bad_byte(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> Option<usize> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out =
        String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(bytes.len())?);
    match decoder.decode_to_string_without_replacement(bytes, &mut out, true) {
        (encoding_rs::DecoderResult::Malformed(len, extra), read) => {
            Some(read - len as usize - extra as usize)
        }
        _ => None,
    }
}

impl SourceFile {
    /// Where its lines start.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn new(path: PathBuf, display: String, text: String) -> Arc<Self> {
        // A UTF-8 byte order mark is not part of the SQL; spans stay byte-exact because it is
        // replaced by nothing only in what the parser sees (see `split`), not here.
        Arc::new(Self {
            path,
            display,
            text,
            lines: Default::default(),
            undecodable: None,
        })
    }

    /// A file read from its bytes in `encoding`: bytes that are not valid in it are replaced
    /// by U+FFFD and the first one is noted in [`SourceFile::undecodable`], so that the rest of
    /// the file and of its set is still checked.
    pub fn decode(
        path: PathBuf,
        display: String,
        bytes: Vec<u8>,
        encoding: SourceEncoding,
    ) -> Arc<Self> {
        let (text, bad) = encoding.decode(bytes);
        Arc::new(Self {
            path,
            display,
            text,
            lines: Default::default(),
            undecodable: bad.map(|(byte, at)| Undecodable {
                byte,
                at,
                encoding: encoding.name(),
            }),
        })
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    pub fn slice(&self, span: &Range<usize>) -> &str {
        &self.text[span.clone()]
    }
}

/// The path as the user would type it from the current directory.
pub fn display_path(path: &Path) -> String {
    // Only an absolute path can start with the current directory (asking for which is a
    // system call per file).
    let shown = path
        .is_absolute()
        .then(std::env::current_dir)
        .and_then(Result::ok)
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {

    #[test]
    fn undecodable_bytes_are_replaced_and_the_first_one_noted() {
        let f = SourceFile::decode(
            "a.sql".into(),
            "a.sql".into(),
            b"-- caf\xe9\nselect 1;\n".to_vec(),
            SourceEncoding::Utf8,
        );
        let u = f.undecodable.clone().unwrap();
        assert_eq!((u.byte, u.at, u.encoding), (6, 6, "UTF-8"));
        assert_eq!(f.text, "-- caf\u{FFFD}\nselect 1;\n");

        let latin1 = SourceEncoding::for_label("LATIN1").unwrap();
        assert_eq!(latin1, SourceEncoding::Latin1);
        let f = SourceFile::decode(
            "a.sql".into(),
            "a.sql".into(),
            b"-- caf\xe9\x80".to_vec(),
            latin1,
        );
        assert!(f.undecodable.is_none());
        assert_eq!(f.text, "-- caf\u{e9}\u{80}");

        // Shift_JIS: 0x82 0xA0 is `あ`; a lead byte followed by a newline is malformed.
        let sjis = SourceEncoding::for_label("SJIS").unwrap();
        let f = SourceFile::decode(
            "a.sql".into(),
            "a.sql".into(),
            b"-- \x82\xa0 \x82\n".to_vec(),
            sjis,
        );
        let u = f.undecodable.clone().unwrap();
        assert_eq!(u.byte, 6, "{u:?} {}", f.text);
        assert_eq!(&f.text[u.at..u.at + 3], "\u{FFFD}");
        assert_eq!(
            SourceEncoding::for_label("win1252"),
            Some(SourceEncoding::Other(encoding_rs::WINDOWS_1252))
        );
        assert_eq!(SourceEncoding::for_label("klingon"), None);
    }

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
