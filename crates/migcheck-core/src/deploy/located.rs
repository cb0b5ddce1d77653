//! String values with the position in their file of every byte, so that a command found in a
//! decoded value (a JSON string with escapes, a TOML multi-line string, a YAML block scalar, a
//! Dockerfile instruction continued over several lines) is reported at its real line and column.
//!
//! The parsers (`serde_json`, `toml`, `yaml-rust2`) decide what a value is. The small decoders
//! here only re-read the value's source text to learn where each byte came from, and their result
//! is compared with the parser's value: when they disagree, the whole value is mapped to its
//! first line instead of guessing.

use std::ops::Range;

/// A run of the value and where it comes from.
#[derive(Debug, Clone)]
struct Piece {
    /// Start of the run in the value.
    val: usize,
    len: usize,
    /// Where the run is in the file.
    src: Range<usize>,
    /// Byte `val + k` comes from `src.start + k`; otherwise the whole run comes from `src` (an
    /// escape sequence, a folded line break).
    verbatim: bool,
}

/// A decoded string and the file position of each of its bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Located {
    pub text: String,
    pieces: Vec<Piece>,
    /// Where the value is in the file, used for bytes no piece covers.
    whole: Range<usize>,
}

impl Located {
    /// A value that appears verbatim in the file at `start`.
    pub fn verbatim(text: &str, start: usize) -> Self {
        let mut b = Builder::default();
        b.verbatim(start, text);
        b.finish(start..start + text.len())
    }

    /// A value whose bytes are all attributed to `whole`.
    pub fn opaque(text: &str, whole: Range<usize>) -> Self {
        Self {
            text: text.to_string(),
            pieces: Vec::new(),
            whole,
        }
    }

    /// The file range of the value range `r`.
    pub fn span(&self, r: Range<usize>) -> Range<usize> {
        let start = self.start_of(r.start);
        let end = if r.end > r.start {
            self.end_of(r.end - 1)
        } else {
            start
        };
        start..end.max(start)
    }

    fn piece(&self, v: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.val + p.len <= v);
        self.pieces.get(i).filter(|p| p.val <= v)
    }

    fn start_of(&self, v: usize) -> usize {
        match self.piece(v) {
            Some(p) if p.verbatim => p.src.start + (v - p.val),
            Some(p) => p.src.start,
            None => match self.pieces.last() {
                Some(last) if v >= last.val + last.len => last.src.end,
                _ => self.whole.start,
            },
        }
    }

    fn end_of(&self, v: usize) -> usize {
        match self.piece(v) {
            Some(p) if p.verbatim => p.src.start + (v - p.val) + 1,
            Some(p) => p.src.end,
            None => match self.pieces.last() {
                Some(last) if v >= last.val + last.len => last.src.end,
                _ => self.whole.end,
            },
        }
    }
}

/// Builds a [`Located`] piece by piece.
#[derive(Default)]
pub(crate) struct Builder {
    text: String,
    pieces: Vec<Piece>,
}

impl Builder {
    /// Appends `s`, found verbatim at `src` in the file.
    pub fn verbatim(&mut self, src: usize, s: &str) {
        if s.is_empty() {
            return;
        }
        let val = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.pieces.last_mut() {
            if last.verbatim && last.val + last.len == val && last.src.end == src {
                last.len += s.len();
                last.src.end += s.len();
                return;
            }
        }
        self.pieces.push(Piece {
            val,
            len: s.len(),
            src: src..src + s.len(),
            verbatim: true,
        });
    }

    /// Appends `s`, which the file spells as the range `src`.
    pub fn mapped(&mut self, src: Range<usize>, s: &str) {
        if s.is_empty() {
            return;
        }
        let val = self.text.len();
        self.text.push_str(s);
        self.pieces.push(Piece {
            val,
            len: s.len(),
            src,
            verbatim: false,
        });
    }

    pub fn finish(self, whole: Range<usize>) -> Located {
        Located {
            text: self.text,
            pieces: self.pieces,
            whole,
        }
    }

    /// The result when it decodes to `expected` (ignoring trailing line breaks, which block
    /// scalars chomp), else an opaque value on the first line of `whole`.
    fn check(self, expected: &str, whole: Range<usize>, file: &str) -> Located {
        if self.text.trim_end_matches(['\n', '\r']) == expected.trim_end_matches(['\n', '\r']) {
            let mut l = self.finish(whole);
            l.text = expected.to_string();
            l
        } else {
            opaque_first_line(expected, whole, file)
        }
    }
}

/// An opaque value attributed to the first line of `whole`.
fn opaque_first_line(expected: &str, whole: Range<usize>, file: &str) -> Located {
    let start = whole.start.min(file.len());
    let line_end = file[start..].find('\n').map_or(file.len(), |e| start + e);
    let end = whole.end.min(line_end).max(start);
    Located::opaque(expected, start..end)
}

/// `\xHH`, `\uHHHH` or `\UHHHHHHHH` at `i` (the backslash) with `digits` hex digits: the
/// decoded character (empty when invalid) and the length of the escape.
fn hex_escape(text: &str, i: usize, digits: usize) -> (String, usize) {
    let decoded = text
        .get(i + 2..i + 2 + digits)
        .and_then(hex_char)
        .map(String::from)
        .unwrap_or_default();
    (decoded, 2 + digits)
}

fn hex_char(s: &str) -> Option<char> {
    u32::from_str_radix(s, 16).ok().and_then(char::from_u32)
}

/// A JSON string token at `raw` (with its quotes) in `file`, decoded by serde_json as `value`.
pub(crate) fn json_string(file: &str, raw: Range<usize>, value: &str) -> Located {
    let mut b = Builder::default();
    let inner = raw.start + 1..raw.end.saturating_sub(1).max(raw.start + 1);
    let s = &file[inner.clone()];
    let mut i = 0;
    let mut run = 0;
    while i < s.len() {
        if s.as_bytes()[i] != b'\\' {
            i += 1;
            continue;
        }
        b.verbatim(inner.start + run, &s[run..i]);
        let esc = s.as_bytes().get(i + 1).copied().unwrap_or(b'\\');
        let (decoded, len) = match esc {
            b'n' => ("\n".to_string(), 2),
            b't' => ("\t".to_string(), 2),
            b'r' => ("\r".to_string(), 2),
            b'b' => ("\u{8}".to_string(), 2),
            b'f' => ("\u{c}".to_string(), 2),
            b'u' => {
                let hi = s
                    .get(i + 2..i + 6)
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                let lo = (s.get(i + 6..i + 8) == Some("\\u"))
                    .then(|| s.get(i + 8..i + 12))
                    .flatten()
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                match (hi, lo) {
                    (Some(h @ 0xD800..=0xDBFF), Some(l @ 0xDC00..=0xDFFF)) => {
                        let c = 0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00);
                        (char::from_u32(c).map(String::from).unwrap_or_default(), 12)
                    }
                    (Some(h), _) => (char::from_u32(h).map(String::from).unwrap_or_default(), 6),
                    _ => (String::new(), 2),
                }
            }
            other => ((other as char).to_string(), 2),
        };
        let len = len.min(s.len() - i);
        b.mapped(inner.start + i..inner.start + i + len, &decoded);
        i += len;
        run = i;
    }
    b.verbatim(inner.start + run, &s[run..]);
    b.check(value, raw, file)
}

/// A TOML string at `raw` (with its quotes) in `file`, decoded by the toml parser as `value`.
pub(crate) fn toml_string(file: &str, raw: Range<usize>, value: &str) -> Located {
    let Some(token) = file.get(raw.clone()) else {
        return Located::opaque(value, raw);
    };
    let (quote, multi) = if token.starts_with("\"\"\"") {
        ('"', true)
    } else if token.starts_with("'''") {
        ('\'', true)
    } else if token.starts_with('"') {
        ('"', false)
    } else if token.starts_with('\'') {
        ('\'', false)
    } else {
        return Located::verbatim(value, raw.start);
    };
    let q = if multi { 3 } else { 1 };
    if token.len() < 2 * q {
        return opaque_first_line(value, raw, file);
    }
    let mut start = raw.start + q;
    let end = raw.end - q;
    if multi {
        if file[start..end].starts_with("\r\n") {
            start += 2;
        } else if file[start..end].starts_with('\n') {
            start += 1;
        }
    }
    let s = &file[start..end];
    let mut b = Builder::default();
    if quote == '\'' {
        b.verbatim(start, s);
        return b.check(value, raw, file);
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        b.verbatim(start + run, &s[run..i]);
        let esc = bytes.get(i + 1).copied().unwrap_or(b'\\');
        let (decoded, len): (String, usize) = match esc {
            b'n' => ("\n".into(), 2),
            b't' => ("\t".into(), 2),
            b'r' => ("\r".into(), 2),
            b'b' => ("\u{8}".into(), 2),
            b'f' => ("\u{c}".into(), 2),
            b'e' => ("\u{1b}".into(), 2),
            b'x' => hex_escape(s, i, 2),
            b'u' => hex_escape(s, i, 4),
            b'U' => hex_escape(s, i, 8),
            b' ' | b'\t' | b'\r' | b'\n' if multi => {
                // Line-ending backslash: the break and the whitespace after it vanish.
                let mut j = i + 1;
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                    j += 1;
                }
                (String::new(), j - i)
            }
            other => ((other as char).to_string(), 2),
        };
        let len = len.min(bytes.len() - i);
        b.mapped(start + i..start + i + len, &decoded);
        i += len;
        run = i;
    }
    b.verbatim(start + run, &s[run..]);
    b.check(value, raw, file)
}

/// The YAML scalar styles this module can locate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YamlStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A YAML scalar whose content starts at byte `at` of `file` (for block scalars, the first
/// content character after the indentation, as yaml-rust2 reports it), decoded as `value`.
pub(crate) fn yaml_scalar(file: &str, at: usize, style: YamlStyle, value: &str) -> Located {
    let at = at.min(file.len());
    let whole = at..file.len();
    match style {
        YamlStyle::Plain => {
            if file[at..].starts_with(value) {
                Located::verbatim(value, at)
            } else {
                opaque_first_line(value, whole, file)
            }
        }
        YamlStyle::SingleQuoted | YamlStyle::DoubleQuoted => yaml_quoted(file, at, style, value),
        YamlStyle::Literal | YamlStyle::Folded => yaml_block(file, at, style, value),
    }
}

fn yaml_quoted(file: &str, at: usize, style: YamlStyle, value: &str) -> Located {
    let whole = at..file.len();
    let quote = if style == YamlStyle::SingleQuoted {
        b'\''
    } else {
        b'"'
    };
    let bytes = file.as_bytes();
    if bytes.get(at) != Some(&quote) {
        return opaque_first_line(value, whole, file);
    }
    let start = at + 1;
    let mut b = Builder::default();
    let mut i = start;
    let mut run = start;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            // Folded multi-line quoted scalars are not mapped byte by byte.
            return opaque_first_line(value, whole, file);
        }
        if c == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                b.verbatim(run, &file[run..i]);
                b.mapped(i..i + 2, "'");
                i += 2;
                run = i;
                continue;
            }
            break;
        }
        if quote == b'"' && c == b'\\' {
            b.verbatim(run, &file[run..i]);
            let esc = bytes.get(i + 1).copied().unwrap_or(b'\\');
            let (decoded, len): (String, usize) = match esc {
                b'0' => ("\0".into(), 2),
                b'a' => ("\u{7}".into(), 2),
                b'b' => ("\u{8}".into(), 2),
                b't' | b'\t' => ("\t".into(), 2),
                b'n' => ("\n".into(), 2),
                b'v' => ("\u{b}".into(), 2),
                b'f' => ("\u{c}".into(), 2),
                b'r' => ("\r".into(), 2),
                b'e' => ("\u{1b}".into(), 2),
                b'N' => ("\u{85}".into(), 2),
                b'_' => ("\u{a0}".into(), 2),
                b'L' => ("\u{2028}".into(), 2),
                b'P' => ("\u{2029}".into(), 2),
                b'x' => hex_escape(file, i, 2),
                b'u' => hex_escape(file, i, 4),
                b'U' => hex_escape(file, i, 8),
                b'\n' => return opaque_first_line(value, whole, file),
                other => ((other as char).to_string(), 2),
            };
            let len = len.min(bytes.len() - i);
            b.mapped(i..i + len, &decoded);
            i += len;
            run = i;
            continue;
        }
        i += 1;
    }
    let end = i.min(file.len());
    if !file.is_char_boundary(run) || !file.is_char_boundary(end) {
        return opaque_first_line(value, whole, file);
    }
    b.verbatim(run, &file[run..end]);
    b.check(value, at..end + 1, file)
}

fn yaml_block(file: &str, at: usize, style: YamlStyle, value: &str) -> Located {
    let whole = at..file.len();
    let line_start = file[..at].rfind('\n').map_or(0, |p| p + 1);
    let indent = at - line_start;
    if !file[line_start..at].bytes().all(|c| c == b' ') {
        return opaque_first_line(value, whole, file);
    }
    let mut b = Builder::default();
    let mut pos = line_start;
    // Folded scalars: what separates the previous content line from the next one.
    let mut pending_fold: Option<Range<usize>> = None;
    let mut empty_lines: Vec<Range<usize>> = Vec::new();
    let mut prev_more_indented = false;
    let mut first = true;
    while pos < file.len() {
        let nl = file[pos..].find('\n').map(|e| pos + e);
        let line_end = nl.unwrap_or(file.len());
        let line = file[pos..line_end].trim_end_matches('\r');
        let next = nl.map_or(file.len(), |n| n + 1);
        let break_range = line_end..next.max(line_end);
        if line.trim().is_empty() {
            if style == YamlStyle::Literal {
                b.mapped(pos..next, "\n");
            } else {
                empty_lines.push(pos..next);
            }
            pos = next;
            continue;
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if spaces < indent {
            break;
        }
        let content = &line[indent..];
        let content_at = pos + indent;
        match style {
            YamlStyle::Literal => {
                b.verbatim(content_at, content);
                b.mapped(break_range.clone(), "\n");
            }
            _ => {
                let more = content.starts_with([' ', '\t']);
                if !first {
                    let fold = pending_fold.take().unwrap_or(pos..pos);
                    if empty_lines.is_empty() {
                        let sep = if more || prev_more_indented {
                            "\n"
                        } else {
                            " "
                        };
                        b.mapped(fold, sep);
                    } else {
                        if more || prev_more_indented {
                            b.mapped(fold, "\n");
                        }
                        for e in empty_lines.drain(..) {
                            b.mapped(e, "\n");
                        }
                    }
                }
                empty_lines.clear();
                b.verbatim(content_at, content);
                pending_fold = Some(break_range.clone());
                prev_more_indented = more;
            }
        }
        first = false;
        pos = next;
    }
    let end = pos.min(file.len());
    b.check(value, at..end, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(file: &'a str, l: &Located, needle: &str) -> &'a str {
        let v = l.text.find(needle).unwrap();
        &file[l.span(v..v + needle.len())]
    }

    #[test]
    fn json_escapes_map_back() {
        let file = r#"{"a": "x \"q\" \u00e9 && prisma migrate deploy"}"#;
        let raw = file.find("\"x").unwrap()..file.len() - 1;
        let value: String = serde_json::from_str(&file[raw.clone()]).unwrap();
        let l = json_string(file, raw, &value);
        assert_eq!(
            at(file, &l, "prisma migrate deploy"),
            "prisma migrate deploy"
        );
        assert_eq!(at(file, &l, "\"q\""), "\\\"q\\\"");
    }

    #[test]
    fn toml_multiline_maps_back() {
        let file = "k = \"\"\"\n  a && \\\n  b\\tc\"\"\"\n";
        let raw = 4..file.len() - 1;
        let l = toml_string(file, raw, "  a && b\tc");
        assert_eq!(at(file, &l, "b"), "b");
        assert_eq!(at(file, &l, "\tc"), "\\tc");
    }

    #[test]
    fn yaml_literal_and_folded() {
        let file = "run: |\n  echo a\n\n  prisma db push\nx: 1\n";
        let start = file.find("echo").unwrap();
        let l = yaml_scalar(
            file,
            start,
            YamlStyle::Literal,
            "echo a\n\nprisma db push\n",
        );
        let v = l.text.find("prisma").unwrap();
        assert_eq!(l.span(v..v + 6).start, file.find("prisma").unwrap());
        let file = "run: >\n  a\n  b\n\n  c\n";
        let start = file.find('a').unwrap();
        let l = yaml_scalar(file, start, YamlStyle::Folded, "a b\nc\n");
        assert_eq!(l.span(4..5).start, file.find('c').unwrap());
    }

    #[test]
    fn mismatch_falls_back_to_the_first_line() {
        let file = "k = \"abc\"\n";
        let l = toml_string(file, 4..9, "zzz");
        assert_eq!(l.span(0..3), 4..9);
    }
}
