//! A migration whose bytes are not valid in its encoding (UTF-8 unless `encoding` in
//! migcheck.toml says otherwise). `lint::read_source` reads the rest of the file lossily and
//! notes the first bad byte in `SourceFile::undecodable`; this rule reports it.

use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct UndecodableFile;

static META: RuleMeta = rule_meta!(
    "undecodable-file",
    Error,
    Input,
    "A migration file whose bytes are not valid in its encoding (UTF-8 unless configured)"
);

impl Rule for UndecodableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        let source = &cx.unit.source;
        let Some(u) = &source.undecodable else {
            return;
        };
        let end = source.text[u.at..]
            .chars()
            .next()
            .map_or(u.at, |c| u.at + c.len_utf8());
        let utf8 = u.encoding == "UTF-8";
        let message = if utf8 {
            format!(
                "{} is not valid UTF-8 at byte {}: a PostgreSQL server whose client encoding is UTF-8 rejects the whole file (`invalid byte sequence for encoding \"UTF8\"`); migcheck checked the rest with the bad bytes replaced",
                source.display, u.byte
            )
        } else {
            format!(
                "{} is not valid {} (`encoding` in migcheck.toml) at byte {}: the server rejects the whole file; migcheck checked the rest with the bad bytes replaced",
                source.display, u.encoding, u.byte
            )
        };
        let help = if utf8 {
            "Save the file as UTF-8 (`iconv -f latin1 -t utf-8 FILE`, or your editor's \"save with encoding\"). If your migration tool really applies it with another client encoding, say which with `encoding = \"latin1\"` (a top-level key) in migcheck.toml."
        } else {
            "Save the file in the encoding migcheck.toml names, or correct `encoding` there to the client encoding your migration tool uses."
        };
        out.push(Hit {
            file: source.clone(),
            span: u.at..end,
            message,
            help: help.into(),
            fix: None,
            suggestion: None,
        });
    }
}
