//! `migcheck.toml`: found by walking up from each linted file; the nearest one governs.
//!
//! ```toml
//! exposed_schemas = ["public", "api"]       # schemas the Data API serves (default: see crate::platform)
//! allow_without_rls = ["public._prisma_migrations"]
//! include = ["db/legacy"]                  # folders or globs linted though the default scope skips them
//! exclude = ["supabase/seed.sql", "**/fixtures/**"]   # never linted
//! pg_version = 15
//! lock_timeout = "5s"                       # what the lock-timeout-missing fix sets
//! statement_timeout = "30s"                 # lock-timeout-missing also requires it (off unless set)
//!
//! [rules]
//! rls-without-policy = "error"   # error | warning | off
//!
//! [deploy]
//! allow_scripts = ["package.json:db:migrate"]
//! ```
//!
//! Unknown keys and unknown rule ids are errors naming the file and line: a typo must never
//! silently turn a check off.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;

pub const FILE_NAME: &str = "migcheck.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    exposed_schemas: Option<Vec<Spanned<String>>>,
    allow_without_rls: Option<Vec<Spanned<String>>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    pg_version: Option<Spanned<u32>>,
    rules: Option<BTreeMap<Spanned<String>, Severity>>,
    deploy: Option<RawDeploy>,
    impact: Option<RawImpact>,
    baseline: Option<Spanned<String>>,
    lock_timeout: Option<Spanned<String>>,
    statement_timeout: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
}

/// `[impact]` as written: sizes as text (`"10MB"`), the rest as numbers.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImpact {
    small_rows: Option<u64>,
    small_size: Option<Spanned<String>>,
    large_rows: Option<u64>,
    large_size: Option<Spanned<String>>,
    large_writes_per_second: Option<f64>,
    large_seconds: Option<f64>,
    stale_after_days: Option<u64>,
    stats: Option<Spanned<String>>,
}

/// `1GB`, `10 MB`, `512kB`, `8192` (bytes; units of 1024 as PostgreSQL's).
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..digits].parse().ok()?;
    let unit = s[digits..].trim().to_ascii_lowercase();
    let mul: u64 = match unit.as_str() {
        "" | "b" => 1,
        "kb" => 1 << 10,
        "mb" => 1 << 20,
        "gb" => 1 << 30,
        "tb" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mul)
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    allow_scripts: Option<Vec<Spanned<String>>>,
}

/// The top-level keys: written after a `[table]` header they belong to that table, which is
/// the usual mistake when a key is appended to the end of the file.
const TOP_LEVEL_KEYS: &[&str] = &[
    "exposed_schemas",
    "allow_without_rls",
    "include",
    "exclude",
    "pg_version",
    "baseline",
    "lock_timeout",
    "statement_timeout",
    "encoding",
];

/// The key written on line `line` (1-based) of `text`, or the table header there.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?.trim();
    if l.starts_with('[') {
        return Some(l.trim_matches(['[', ']', ' ']).to_string());
    }
    let (k, _) = l.split_once('=')?;
    let k = k.trim().trim_matches('"');
    (!k.is_empty()).then(|| k.to_string())
}

/// The `[table]` whose body holds line `line`, if any.
fn table_at(text: &str, line: usize) -> Option<String> {
    text.lines()
        .take(line.saturating_sub(1))
        .filter_map(|l| {
            let l = l.trim();
            (l.starts_with('[') && !l.starts_with("[["))
                .then(|| l.trim_matches(['[', ']', ' ']).to_string())
        })
        .last()
}

/// The TOML parser's message made to name the key and, for a top-level key written under a
/// table, where it goes instead.
fn explain_toml_error(text: &str, line: usize, message: &str) -> String {
    let key = key_on_line(text, line);
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next());
    if let (Some(field), Some(table)) = (unknown, table_at(text, line)) {
        if TOP_LEVEL_KEYS.contains(&field) {
            return format!(
                "`{field}` is a top-level key but is written under `[{table}]`, where it is unknown: \
                 move the line above the first `[table]` header (keys after `[{table}]` belong to it)"
            );
        }
        return format!("key `{field}` in `[{table}]`: {message}");
    }
    match key {
        Some(k) if !message.contains(&format!("`{k}`")) => format!("key `{k}`: {message}"),
        _ => message.to_string(),
    }
}

/// An invalid configuration file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// What the command line says over every `migcheck.toml` (`--select`, `--ignore`,
/// `--pg-version`): the command line wins, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Report only these rules (`--select`): every other rule is off. A rule the file turns
    /// `off` is on again, at its default severity; a severity the file sets otherwise stays.
    pub select: Option<Vec<String>>,
    /// Never report these rules (`--ignore`), whatever the file or `--select` says.
    pub ignore: Vec<String>,
    /// The PostgreSQL major version the migrations run on (`--pg-version`), over `pg_version`.
    pub pg_version: Option<u32>,
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        *self == Overrides::default()
    }
}

/// `[impact]` in migcheck.toml: where a finding's severity follows its table.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// At or below this many rows and [`Thresholds::small_bytes`]: a note.
    pub small_rows: u64,
    pub small_bytes: u64,
    /// At or above this many rows, or bytes, or writes per second: an error.
    pub large_rows: u64,
    pub large_bytes: u64,
    pub large_writes_per_second: f64,
    /// An estimated duration at or above this many seconds: an error.
    pub large_seconds: f64,
    /// A snapshot older than this is warned about.
    pub stale_after_days: u64,
    /// `stats = "FILE"`: the snapshot `check` uses when neither `--database-url` nor
    /// `--stats` is given (the editor, pre-commit), relative to the config file.
    pub stats: Option<std::path::PathBuf>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            small_rows: 10_000,
            small_bytes: 10 << 20,
            large_rows: 1_000_000,
            large_bytes: 1 << 30,
            large_writes_per_second: 100.0,
            large_seconds: 5.0,
            stale_after_days: 7,
            stats: None,
        }
    }
}

/// The configuration that governs a migration set.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (None: defaults).
    pub path: Option<PathBuf>,
    /// Schemas clients reach through the Data API. Unless the file says `exposed_schemas`,
    /// the set's platform decides (see [`crate::platform`]; `lint::load` resolves it).
    pub exposed_schemas: Vec<String>,
    /// True when the config file says `exposed_schemas`.
    pub exposed_schemas_configured: bool,
    /// `(schema, table)` pairs allowed without RLS.
    pub allow_without_rls: Vec<(String, String)>,
    include: GlobSet,
    exclude: GlobSet,
    base: PathBuf,
    pub pg_version: u32,
    severities: HashMap<String, Severity>,
    /// `--select`: only these rules are on.
    select: Option<Vec<String>>,
    /// `--ignore`: these rules are off.
    ignore: Vec<String>,
    pub allowed_scripts: Vec<String>,
    /// `baseline = "FILE"`, relative to the config file's directory.
    pub baseline: Option<PathBuf>,
    /// The `lock_timeout` the `lock-timeout-missing` fix sets (`5s` unless configured).
    pub lock_timeout: String,
    /// `statement_timeout = "30s"`: `lock-timeout-missing` then also requires a
    /// `statement_timeout` before the first locking statement, and its fix sets this value.
    /// `None` (the default): not required.
    pub statement_timeout: Option<String>,
    /// The client encoding migrations are applied with (`encoding = "latin1"`; UTF-8 unless set).
    pub encoding: crate::source::SourceEncoding,
    /// `[impact]`: where a finding's severity follows its live table ([`crate::impact`]).
    pub impact: Thresholds,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            path: None,
            exposed_schemas: Vec::new(),
            exposed_schemas_configured: false,
            allow_without_rls: Vec::new(),
            include: GlobSet::empty(),
            exclude: GlobSet::empty(),
            base: PathBuf::from("."),
            pg_version: 15,
            severities: HashMap::new(),
            select: None,
            ignore: Vec::new(),
            allowed_scripts: Vec::new(),
            baseline: None,
            lock_timeout: "5s".into(),
            statement_timeout: None,
            encoding: Default::default(),
            impact: Thresholds::default(),
        }
    }
}

impl Config {
    /// Parses a config file's text; `known_rule` validates rule ids.
    pub fn parse(
        path: &Path,
        display: &str,
        text: &str,
        known_rule: &dyn Fn(&str) -> bool,
    ) -> Result<Self, ConfigError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let err = |line: usize, message: String| ConfigError {
            path: display.to_string(),
            line,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(s.start));
            err(line, explain_toml_error(text, line, e.message().trim()))
        })?;
        let mut cfg = Config {
            path: Some(path.to_path_buf()),
            base: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            ..Config::default()
        };
        // Every value is checked: an entry that can never match would silently do nothing.
        let blank = |key: &str, v: &Spanned<String>| {
            v.get_ref().trim().is_empty().then(|| {
                err(
                    line_of(v.span().start),
                    format!("key `{key}`: an empty entry names nothing"),
                )
            })
        };
        if let Some(s) = raw.exposed_schemas {
            for v in &s {
                if let Some(e) = blank("exposed_schemas", v) {
                    return Err(e);
                }
            }
            cfg.exposed_schemas = s.into_iter().map(Spanned::into_inner).collect();
            cfg.exposed_schemas_configured = true;
        }
        for entry in raw.allow_without_rls.unwrap_or_default() {
            if let Some(e) = blank("allow_without_rls", &entry) {
                return Err(e);
            }
            let line = line_of(entry.span().start);
            let entry = entry.into_inner();
            let (schema, table) = entry.split_once('.').unwrap_or(("public", entry.as_str()));
            if schema.is_empty() || table.is_empty() {
                return Err(err(
                    line,
                    format!("key `allow_without_rls`: `{entry}` is not `schema.table` or `table`"),
                ));
            }
            cfg.allow_without_rls.push((
                schema.trim_matches('"').into(),
                table.trim_matches('"').into(),
            ));
        }
        if let Some(globs) = raw.include {
            cfg.include = globs_of("include", &globs, &line_of, &err)?;
        }
        if let Some(globs) = raw.exclude {
            cfg.exclude = globs_of("exclude", &globs, &line_of, &err)?;
        }
        // Lines come from the TOML parser's spans: a comment that mentions a key never wins.
        if let Some(v) = raw.pg_version {
            let line = line_of(v.span().start);
            let v = v.into_inner();
            if !(9..=30).contains(&v) {
                return Err(err(
                    line,
                    format!("pg_version {v} is not a PostgreSQL major version"),
                ));
            }
            cfg.pg_version = v;
        }
        for (id, sev) in raw.rules.unwrap_or_default() {
            let line = line_of(id.span().start);
            let id = id.into_inner();
            if !known_rule(&id) {
                return Err(err(
                    line,
                    format!("unknown rule id `{id}` (see `migcheck rules`)"),
                ));
            }
            cfg.severities.insert(id, sev);
        }
        // The two timeouts the `lock-timeout-missing` fix writes into SQL.
        let duration = |key: &str, t: toml::Spanned<String>| {
            let line = line_of(t.span().start);
            let t = t.into_inner();
            if is_duration(&t) {
                Ok(t)
            } else {
                Err(err(
                    line,
                    format!("{key} `{t}` is not a positive PostgreSQL duration such as `5s`, `500ms` or `1min`"),
                ))
            }
        };
        if let Some(t) = raw.lock_timeout {
            cfg.lock_timeout = duration("lock_timeout", t)?;
        }
        if let Some(t) = raw.statement_timeout {
            cfg.statement_timeout = Some(duration("statement_timeout", t)?);
        }
        if let Some(e) = raw.encoding {
            let line = line_of(e.span().start);
            let label = e.into_inner();
            cfg.encoding = crate::source::SourceEncoding::for_label(&label).ok_or_else(|| {
                err(
                    line,
                    format!("key `encoding`: `{label}` is not an encoding migcheck knows (such as `utf8`, `latin1`, `win1252`, `sjis`, `euc_kr`)"),
                )
            })?;
        }
        if let Some(b) = raw.baseline {
            if let Some(e) = blank("baseline", &b) {
                return Err(e);
            }
            cfg.baseline = Some(cfg.base.join(b.into_inner()));
        }
        if let Some(i) = raw.impact {
            let t = &mut cfg.impact;
            let size = |key: &str, v: Spanned<String>| {
                let line = line_of(v.span().start);
                parse_size(v.get_ref()).ok_or_else(|| {
                    err(
                        line,
                        format!(
                            "key `{key}` in `[impact]`: `{}` is not a size such as `10MB` or `1GB`",
                            v.get_ref()
                        ),
                    )
                })
            };
            if let Some(v) = i.small_size {
                t.small_bytes = size("small_size", v)?;
            }
            if let Some(v) = i.large_size {
                t.large_bytes = size("large_size", v)?;
            }
            t.small_rows = i.small_rows.unwrap_or(t.small_rows);
            t.large_rows = i.large_rows.unwrap_or(t.large_rows);
            t.large_writes_per_second = i
                .large_writes_per_second
                .unwrap_or(t.large_writes_per_second);
            t.large_seconds = i.large_seconds.unwrap_or(t.large_seconds);
            t.stale_after_days = i.stale_after_days.unwrap_or(t.stale_after_days);
            if let Some(f) = i.stats {
                if let Some(e) = blank("stats", &f) {
                    return Err(e);
                }
                t.stats = Some(cfg.base.join(f.into_inner()));
            }
        }
        for entry in raw.deploy.and_then(|d| d.allow_scripts).unwrap_or_default() {
            let line = line_of(entry.span().start);
            let entry = entry.into_inner();
            if !is_script_entry(&entry) {
                return Err(err(
                    line,
                    format!(
                        "key `allow_scripts` in `[deploy]`: `{entry}` is not `FILE:SCRIPT` with FILE a package.json \
                         (such as `package.json:db:migrate` or `apps/api/package.json:migrate`), so it would allow nothing"
                    ),
                ));
            }
            cfg.allowed_scripts.push(entry);
        }
        Ok(cfg)
    }

    /// The severity of `rule` under this config (and the command line's [`Overrides`]).
    pub fn severity(&self, rule: &str, default: Severity) -> Severity {
        if self.ignore.iter().any(|r| r == rule) {
            return Severity::Off;
        }
        let configured = self.severities.get(rule).copied();
        match &self.select {
            Some(select) if !select.iter().any(|r| r == rule) => Severity::Off,
            // Selected by name: on, even where the file turns it off.
            Some(_) if configured == Some(Severity::Off) => default,
            _ => configured.unwrap_or(default),
        }
    }

    /// This config with the command line's choices over it.
    pub fn with_overrides(mut self, o: &Overrides) -> Self {
        if o.select.is_some() {
            self.select = o.select.clone();
        }
        self.ignore.extend(o.ignore.iter().cloned());
        if let Some(v) = o.pg_version {
            self.pg_version = v;
        }
        self
    }

    /// True when `path` matches an `exclude` pattern (relative to the config's directory).
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.matches(&self.exclude, path)
    }

    /// True when `path` (a set folder or a file) matches an `include` pattern.
    pub fn is_included(&self, path: &Path) -> bool {
        self.matches(&self.include, path)
    }

    fn matches(&self, globs: &GlobSet, path: &Path) -> bool {
        if globs.is_empty() {
            return false;
        }
        let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let rel = path
            .strip_prefix(&self.base)
            .map(Path::to_path_buf)
            .or_else(|_| {
                abs(path)
                    .strip_prefix(abs(&self.base))
                    .map(Path::to_path_buf)
            })
            .unwrap_or_else(|_| path.to_path_buf());
        let rel = rel.strip_prefix("./").unwrap_or(&rel);
        globs.is_match(rel) || globs.is_match(path)
    }

    pub fn is_exposed(&self, schema: &str) -> bool {
        self.exposed_schemas.iter().any(|s| s == schema)
    }

    pub fn allowed_without_rls(&self, schema: &str, table: &str) -> bool {
        self.allow_without_rls
            .iter()
            .any(|(s, t)| s == schema && t == table)
    }
}

/// The patterns of `include` or `exclude`: globs relative to the config's directory; a folder
/// (`db/legacy`) stands for itself and everything under it.
fn globs_of(
    key: &str,
    globs: &[Spanned<String>],
    line_of: &dyn Fn(usize) -> usize,
    err: &dyn Fn(usize, String) -> ConfigError,
) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let pattern = g.get_ref().trim_start_matches("./").trim_end_matches('/');
        for p in [pattern.to_string(), format!("{pattern}/**")] {
            let glob = Glob::new(&p).map_err(|e| {
                err(
                    line_of(g.span().start),
                    format!("invalid {key} pattern `{}`: {e}", g.get_ref()),
                )
            })?;
            b.add(glob);
        }
    }
    b.build()
        .map_err(|e| err(1, format!("invalid {key} patterns: {e}")))
}

/// `package.json:SCRIPT` or `DIR/package.json:SCRIPT`, SCRIPT not empty: the form
/// `deploy::allow::script_allowed` matches.
fn is_script_entry(entry: &str) -> bool {
    const MARK: &str = "package.json:";
    let Some(at) = entry.find(MARK) else {
        return false;
    };
    let (dir, script) = (&entry[..at], &entry[at + MARK.len()..]);
    (dir.is_empty() || dir.ends_with('/')) && !script.trim().is_empty() && script.trim() == script
}

/// A positive whole number with an optional time unit PostgreSQL accepts for `lock_timeout`
/// (`guc.c`'s memory and time units: us, ms, s, min, h, d); it goes into SQL between quotes.
fn is_duration(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let (n, unit) = t.split_at(digits);
    !n.is_empty()
        && n.bytes().any(|b| b != b'0')
        && n.len() <= 9
        && ["", "us", "ms", "s", "min", "h", "d"].contains(&unit)
}

/// The nearest `migcheck.toml` at or above `dir`: above the path as walked first (a folder
/// reached through a symbolic link pointing outside the repository is governed by the
/// repository's configuration), then above its target.
pub fn find_config_file(dir: &Path) -> Option<PathBuf> {
    let find = |abs: &Path| {
        abs.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    };
    std::path::absolute(dir)
        .ok()
        .and_then(|a| find(&a))
        .or_else(|| find(&std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_overrides_win_over_the_file() {
        let file = Config::parse(
            Path::new("x/migcheck.toml"),
            "migcheck.toml",
            "pg_version = 11\n[rules]\ndrop-table = \"off\"\ntruncate-table = \"warning\"\n",
            &|_| true,
        )
        .unwrap();
        let o = Overrides {
            select: Some(vec!["drop-table".into(), "truncate-table".into()]),
            ignore: vec!["truncate-table".into()],
            pg_version: Some(16),
        };
        let c = file.clone().with_overrides(&o);
        assert_eq!(c.pg_version, 16);
        // Selected: on again at its default, though the file turns it off.
        assert_eq!(c.severity("drop-table", Severity::Error), Severity::Error);
        // Ignored wins over selected.
        assert_eq!(c.severity("truncate-table", Severity::Error), Severity::Off);
        // Not selected: off.
        assert_eq!(c.severity("drop-column", Severity::Error), Severity::Off);
        // Without overrides the file rules.
        assert_eq!(file.pg_version, 11);
        assert_eq!(file.severity("drop-table", Severity::Error), Severity::Off);
        assert_eq!(
            file.severity("truncate-table", Severity::Error),
            Severity::Warning
        );
        // A selected rule keeps the severity the file gives it.
        let only = Overrides {
            select: Some(vec!["truncate-table".into()]),
            ..Overrides::default()
        };
        assert_eq!(
            file.with_overrides(&only)
                .severity("truncate-table", Severity::Error),
            Severity::Warning
        );
    }

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("x/migcheck.toml"), "migcheck.toml", text, &|id| {
            id == "drop-table"
        })
    }

    #[test]
    fn unknown_keys_and_rules_name_the_line() {
        let e = parse("exposed_schemas = [\"public\"]\nexposd = 1\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(
            e.to_string()
                .starts_with("migcheck.toml:2: unknown field `exposd`"),
            "{e}"
        );
        let e = parse("[rules]\ndrop-table = \"off\"\ndrop-tabel = \"off\"\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("[rules]\ndrop-table = \"loud\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    /// `note` (what `[impact]` lowers a finding on a small table to) is a severity a team may
    /// give a rule too: shown, never failing a run. Sizes of `[impact]` name their line.
    #[test]
    fn note_is_a_severity_and_impact_sizes_are_checked() {
        let c = parse("[rules]\ndrop-table = \"note\"\n").unwrap();
        assert_eq!(c.severity("drop-table", Severity::Error), Severity::Note);
        let c = parse("[impact]\nsmall_size = \"512kB\"\nlarge_rows = 5\n").unwrap();
        assert_eq!((c.impact.small_bytes, c.impact.large_rows), (512 << 10, 5));
        let e = parse("[impact]\n\nlarge_size = \"big\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("`big` is not a size"), "{e}");
    }

    #[test]
    fn a_comment_mentioning_the_key_does_not_take_the_line() {
        let e = parse(
            "# drop-tabel was renamed\n# pg_version = 99 is wrong\n[rules]\ndrop-tabel = \"off\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = parse("# pg_version: the major version\n\npg_version = 99\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse("# exclude [a\nexclude = [\"ok\",\n  \"[a\"]\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse("# baseline\nbaseline = 3\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn statement_timeout_is_off_unless_set_and_must_be_a_duration() {
        assert_eq!(parse("").unwrap().statement_timeout, None);
        let c = parse("statement_timeout = \"30s\"\n").unwrap();
        assert_eq!(c.statement_timeout.as_deref(), Some("30s"));
        let e = parse("lock_timeout = \"5s\"\nstatement_timeout = \"0\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.starts_with("statement_timeout `0` is not"), "{e}");
        let e = parse("[deploy]\nstatement_timeout = \"30s\"\n").unwrap_err();
        assert!(e.message.contains("top-level key"), "{e}");
    }

    #[test]
    fn values_are_read() {
        let c = parse("allow_without_rls = [\"public._prisma_migrations\"]\nexclude = [\"seed.sql\"]\n[rules]\ndrop-table = \"warning\"\n").unwrap();
        assert!(c.allowed_without_rls("public", "_prisma_migrations"));
        assert_eq!(c.severity("drop-table", Severity::Error), Severity::Warning);
        assert!(c.is_excluded(Path::new("x/seed.sql")));
    }

    /// Issue 30: `baseline = "…"` appended to a file that ends with `[deploy]` belongs to
    /// `[deploy]`; the error says so and where the key goes.
    #[test]
    fn a_top_level_key_under_a_table_says_where_it_goes() {
        let e = parse("pg_version = 15\n[deploy]\nallow_scripts = []\nbaseline = \"b.json\"\n")
            .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(
            e.message
                .contains("`baseline` is a top-level key but is written under `[deploy]`")
                && e.message.contains("above the first `[table]`"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let e = parse("pg_version = \"15\"\n").unwrap_err();
        assert!(e.message.starts_with("key `pg_version`: "), "{e}");
    }

    #[test]
    fn every_value_is_checked() {
        for (text, line, says) in [
            (
                "[deploy]\nallow_scripts = [\"db:migrate\"]\n",
                2,
                "`db:migrate` is not `FILE:SCRIPT`",
            ),
            (
                "[deploy]\nallow_scripts = [\"package.json\"]\n",
                2,
                "allow_scripts",
            ),
            (
                "[deploy]\nallow_scripts = [\n  \"package.json:ok\",\n  \"package.json:\",\n]\n",
                4,
                "allow_scripts",
            ),
            (
                "[deploy]\nallow_scripts = [\"xpackage.json:a\"]\n",
                2,
                "allow_scripts",
            ),
            ("exposed_schemas = [\"\"]\n", 1, "key `exposed_schemas`"),
            (
                "allow_without_rls = [\"public.\"]\n",
                1,
                "key `allow_without_rls`",
            ),
            ("baseline = \"\"\n", 1, "key `baseline`"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.message.contains(says), "{text}: {e}");
        }
        let c = parse("[deploy]\nallow_scripts = [\"package.json:db:migrate\", \"apps/api/package.json:migrate\"]\n").unwrap();
        assert_eq!(c.allowed_scripts.len(), 2);
    }
}
