//! The parse cache: what each migration file contributes to its set, kept between runs.
//!
//! A check of one file reads its whole set: every earlier file shapes the schema the file is
//! judged against. Splitting and parsing those files was most of a one-file run (a pre-commit
//! hook, an editor's re-check). The cache keeps each file's parse (its statements with their
//! effects and syntax trees, and its comments) in a directory, as ruff keeps its own: a run
//! reads an entry instead of parsing the file again, and parses and stores the files it has no
//! entry for.
//!
//! - **Key**: a SHA-256 of the file's text (as decoded), the tool that applies it, its role
//!   (up, down, ...), this version of migcheck and the build of the program running it (the
//!   size and time of its executable): any change to any of them is a new key, so an entry is
//!   never used for anything but the parse it was made from. Entries are never updated in place.
//! - **Where**: `.migcheck_cache/` in the current directory unless `--cache-dir` or
//!   `MIGCHECK_CACHE_DIR` say otherwise (`--no-cache` turns it off). It holds a `CACHEDIR.TAG`
//!   and a `.gitignore` of `*`, so backups and git leave it alone.
//! - **Safe to delete**, whole or in part, at any time: a missing, truncated, corrupt or
//!   unreadable entry is parsed again (and rewritten); a directory that cannot be created or
//!   written leaves the run uncached, never failed. Entries are written under a temporary name
//!   and renamed, so concurrent runs (pre-commit runs hooks in parallel) never read half an entry.
//! - **What it does not hold**: text an editor has not saved or a fix has not written, and
//!   anything of configuration, findings or the schema: rules always run, on the current
//!   configuration.
//!
//! See docs/performance.md ("The parse cache") for what it saves.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use sha2::{Digest, Sha256};

use crate::discover::Role;
use crate::parse::ParsedFile;

/// The cache directory's name when none is given.
pub const DEFAULT_DIR: &str = ".migcheck_cache";

/// The folder of the entries inside the cache directory: a new layout is a new folder, and an
/// old one is simply never read again.
const ENTRIES: &str = "parse-v1";

/// Files larger than this are parsed on every run, never stored: they keep no trees
/// ([`crate::parse::KEEP_TREES_UP_TO`]), so an entry would not spare the parses their rules ask
/// for (the largest of ../shared/corpus's 1,805 files is 310 KB).
pub const STORE_UP_TO: usize = crate::parse::KEEP_TREES_UP_TO;

/// An open cache directory.
#[derive(Debug)]
pub struct ParseCache {
    entries: PathBuf,
    /// What the key holds of the program: version and executable.
    build: Vec<u8>,
}

impl ParseCache {
    /// Opens (creating it if needed) the cache in `dir`. `None` when the directory cannot be
    /// created or is not writable: the run goes on without a cache.
    pub fn open(dir: &Path) -> Option<ParseCache> {
        let entries = dir.join(ENTRIES);
        if !entries.is_dir() {
            std::fs::create_dir_all(&entries).ok()?;
            // Markers first written by whichever run creates the directory; failures to write
            // them change nothing.
            let _ = std::fs::write(
                dir.join("CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n\
                 # This directory is migcheck's parse cache (safe to delete).\n",
            );
            let _ = std::fs::write(dir.join(".gitignore"), "# Made by migcheck.\n*\n");
        }
        let probe = entries.join(format!(".probe-{}", std::process::id()));
        std::fs::write(&probe, b"").ok()?;
        let _ = std::fs::remove_file(&probe);
        Some(ParseCache {
            entries,
            build: build_id(),
        })
    }

    /// The parse of `text`, applied by `tool` in `role`: from the cache when it holds one, else
    /// made by `parse` and, when `store` is true, kept.
    pub fn parse(
        &self,
        tool: &str,
        role: Role,
        text: &str,
        store: bool,
        parse: impl FnOnce() -> ParsedFile,
    ) -> ParsedFile {
        let key = self.key(tool, role, text);
        let path = self.entries.join(&key);
        if let Ok(bytes) = std::fs::read(&path) {
            // Damaged or of another text: parsed again and rewritten below.
            if let Some(parsed) = decode(&bytes, text) {
                return parsed;
            }
        }
        let parsed = parse();
        if store && text.len() <= STORE_UP_TO {
            // The statements hold their trees as bytes (`Statement::stored_tree`): the entry is
            // the parse as it is. A failed write leaves the run as it is: the next run parses
            // the file again.
            if let Ok(bytes) = postcard::to_stdvec(&(text.len() as u64, &parsed)) {
                let _ = write_entry(&path, &bytes);
            }
        }
        parsed
    }

    fn key(&self, tool: &str, role: Role, text: &str) -> String {
        let mut h = Sha256::new();
        for part in [
            &self.build[..],
            tool.as_bytes(),
            format!("{role:?}").as_bytes(),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.update(text.as_bytes());
        h.finalize()
            .iter()
            .fold(String::with_capacity(64), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            })
    }
}

/// The program's part of every key: the format, the version, and the running executable's
/// size and modification time (a rebuilt binary of the same version parses with new code).
fn build_id() -> Vec<u8> {
    let mut id = format!("{ENTRIES} {}", env!("CARGO_PKG_VERSION")).into_bytes();
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    {
        id.extend(meta.len().to_le_bytes());
        if let Ok(t) = meta.modified() {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                id.extend(d.as_nanos().to_le_bytes());
            }
        }
    }
    id
}

/// An entry read back, when it is whole and fits `text`: its length recorded, and every span on
/// a character boundary of the text (an entry damaged into other values must not slice the text
/// out of bounds). Its trees stay bytes, read back when asked for, as after a parse.
fn decode(bytes: &[u8], text: &str) -> Option<ParsedFile> {
    let (len, parsed): (u64, ParsedFile) = postcard::from_bytes(bytes).ok()?;
    let fits = |r: &std::ops::Range<usize>| {
        r.start <= r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    let whole = len == text.len() as u64
        && parsed.statements.iter().all(|s| fits(&s.span))
        && parsed
            .comments
            .iter()
            .all(|c| fits(&c.span) && fits(&c.body));
    whole.then_some(parsed)
}

/// Writes an entry under a temporary name beside it, then renames it into place.
fn write_entry(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let temp = path.with_extension(format!(
        "tmp-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Relaxed)
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| f.write_all(bytes));
    match written.and_then(|()| std::fs::rename(&temp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// Serde for [`crate::parse::Statement::stored_tree`]: the bytes as one block, not a sequence of
/// numbers.
pub(crate) mod bytes {
    use crate::parse::StoredTree;

    pub fn serialize<S: serde::Serializer>(
        b: &Option<StoredTree>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match b {
            Some(b) => s.serialize_some(&BytesRef(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<StoredTree>, D::Error> {
        let b: Option<Bytes> = serde::Deserialize::deserialize(d)?;
        Ok(b.map(|b| Box::new(b.0.into_boxed_slice())))
    }

    struct BytesRef<'a>(&'a [u8]);

    impl serde::Serialize for BytesRef<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    struct Bytes(Vec<u8>);

    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
                fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                    Ok(Bytes(v))
                }
            }
            d.deserialize_byte_buf(Visit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedFile {
        crate::parse::parse_file(text)
    }

    const SHOWN: bool = true;
    const UNSAVED: bool = false;

    /// What a parse holds, trees included, as text to compare.
    fn shown(p: &ParsedFile, text: &str) -> String {
        p.statements
            .iter()
            .map(|s| {
                format!(
                    "{:?} {:?} {:?} {:?} {} {} {:?}\n",
                    s.span,
                    s.tree(text),
                    s.unparsed,
                    s.effects,
                    s.in_do_block,
                    s.rollback,
                    s.head
                )
            })
            .collect::<String>()
            + &format!("{:?}", p.comments)
    }

    #[test]
    fn an_entry_is_read_back_as_the_parse_it_was_made_from() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::open(dir.path()).unwrap();
        let text = "create table t (id int primary key);\n-- note\nalter table t drop column id;\n";
        let made = cache.parse("supabase", Role::Up, text, SHOWN, || parse(text));
        let mut parsed_again = false;
        let read = cache.parse("supabase", Role::Up, text, SHOWN, || {
            parsed_again = true;
            parse(text)
        });
        assert!(!parsed_again, "the second parse came from the cache");
        assert_eq!(format!("{made:?}"), format!("{read:?}"));
        // Trees stay bytes, read back as the same trees when asked for.
        assert!(read.statements.iter().all(|s| s.ast.is_none()));
        assert_eq!(shown(&read, text), shown(&made, text));
        assert!(dir.path().join("CACHEDIR.TAG").is_file());
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "# Made by migcheck.\n*\n"
        );
    }

    #[test]
    fn another_tool_role_or_text_is_another_entry() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::open(dir.path()).unwrap();
        let text = "drop table t;";
        let keys = [
            cache.key("supabase", Role::Up, text),
            cache.key("goose", Role::Up, text),
            cache.key("supabase", Role::Down, text),
            cache.key("supabase", Role::Up, "drop table u;"),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_parsed_again_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::open(dir.path()).unwrap();
        let text = "alter table t add column a int;";
        cache.parse("supabase", Role::Up, text, SHOWN, || parse(text));
        let entry = cache.entries.join(cache.key("supabase", Role::Up, text));
        let whole = std::fs::read(&entry).unwrap();
        // Truncated, emptied, garbage, and an entry of a longer text (spans out of bounds).
        let other = "alter table t add column a int; alter table t add column b int;";
        let foreign = postcard::to_stdvec(&(other.len() as u64, parse(other))).unwrap();
        let mut mislabelled = foreign.clone();
        mislabelled[0] = text.len() as u8;
        for damaged in [
            whole[..whole.len() / 2].to_vec(),
            Vec::new(),
            vec![0xff; 64],
            foreign,
            mislabelled,
        ] {
            std::fs::write(&entry, &damaged).unwrap();
            let mut parsed_again = false;
            let p = cache.parse("supabase", Role::Up, text, SHOWN, || {
                parsed_again = true;
                parse(text)
            });
            assert!(parsed_again, "{damaged:?}");
            assert_eq!(p.statements.len(), 1);
            assert_eq!(std::fs::read(&entry).unwrap(), whole, "rewritten whole");
        }
    }

    #[test]
    fn nothing_is_stored_when_asked_not_to() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::open(dir.path()).unwrap();
        let text = "select 1;";
        cache.parse("supabase", Role::Up, text, UNSAVED, || parse(text));
        assert!(!cache
            .entries
            .join(cache.key("supabase", Role::Up, text))
            .exists());
    }

    #[test]
    fn a_directory_that_cannot_be_made_means_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("taken");
        std::fs::write(&file, b"a file where the cache would go").unwrap();
        assert!(ParseCache::open(&file).is_none());
        assert!(ParseCache::open(&file.join("below")).is_none());
    }

    #[test]
    fn a_file_over_the_limit_is_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::open(dir.path()).unwrap();
        let text = "select 1;\n".repeat(STORE_UP_TO / 10 + 1);
        cache.parse("supabase", Role::Up, &text, SHOWN, || parse(&text));
        let at = |t: &str| cache.entries.join(cache.key("supabase", Role::Up, t));
        assert!(!at(&text).exists());
        let under = &text[..STORE_UP_TO];
        cache.parse("supabase", Role::Up, under, SHOWN, || parse(under));
        assert!(at(under).exists());
    }

    #[test]
    fn trees_are_read_back_from_the_entry_not_the_parser() {
        let text: String = (0..2_000)
            .map(|i| format!("create index i{i} on t (c{i});\nselect {i};\n"))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::open(dir.path()).unwrap();
        let made = cache.parse("supabase", Role::Up, &text, SHOWN, || parse(&text));
        let read = cache.parse("supabase", Role::Up, &text, SHOWN, || {
            unreachable!("cached")
        });
        // As parsed: no tree attached, the same trees given when asked for, and each index
        // statement has its bytes (the SELECTs, which no rule inspects, have none).
        assert!(read.statements.iter().all(|s| s.ast.is_none()));
        assert_eq!(shown(&read, &text), shown(&made, &text));
        let stored = read.statements.iter().filter(|s| s.stored_tree.is_some());
        assert_eq!(stored.count(), 2_000);
    }
}
