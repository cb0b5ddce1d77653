//! `migcheck.toml`: found by walking up from each linted file; the nearest one governs.
//!
//! ```toml
//! exposed_schemas = ["public", "api"]       # schemas the Data API serves (default: see crate::platform)
//! allow_without_rls = ["public._prisma_migrations"]
//! include = ["db/legacy"]                  # folders or globs linted though the default scope skips them
//! exclude = ["supabase/seed.sql", "**/fixtures/**"]   # never linted
//! pg_version = 15
//! lock_timeout = "5s"                       # what the lock-timeout-missing fix sets
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
    exposed_schemas: Option<Vec<String>>,
    allow_without_rls: Option<Vec<String>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    pg_version: Option<Spanned<u32>>,
    rules: Option<BTreeMap<Spanned<String>, Severity>>,
    deploy: Option<RawDeploy>,
    baseline: Option<String>,
    lock_timeout: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    allow_scripts: Option<Vec<String>>,
}

/// An invalid configuration file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub message: String,
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
    pub allowed_scripts: Vec<String>,
    /// `baseline = "FILE"`, relative to the config file's directory.
    pub baseline: Option<PathBuf>,
    /// The `lock_timeout` the `lock-timeout-missing` fix sets (`5s` unless configured).
    pub lock_timeout: String,
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
            allowed_scripts: Vec::new(),
            baseline: None,
            lock_timeout: "5s".into(),
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
            err(line, e.message().trim().to_string())
        })?;
        let mut cfg = Config {
            path: Some(path.to_path_buf()),
            base: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            ..Config::default()
        };
        if let Some(s) = raw.exposed_schemas {
            cfg.exposed_schemas = s;
            cfg.exposed_schemas_configured = true;
        }
        for entry in raw.allow_without_rls.unwrap_or_default() {
            let (schema, table) = entry.split_once('.').unwrap_or(("public", entry.as_str()));
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
        if let Some(t) = raw.lock_timeout {
            let line = line_of(t.span().start);
            let t = t.into_inner();
            if !is_duration(&t) {
                return Err(err(
                    line,
                    format!("lock_timeout `{t}` is not a positive PostgreSQL duration such as `5s`, `500ms` or `1min`"),
                ));
            }
            cfg.lock_timeout = t;
        }
        cfg.baseline = raw.baseline.map(|b| cfg.base.join(b));
        cfg.allowed_scripts = raw.deploy.and_then(|d| d.allow_scripts).unwrap_or_default();
        Ok(cfg)
    }

    /// The severity of `rule` under this config.
    pub fn severity(&self, rule: &str, default: Severity) -> Severity {
        self.severities.get(rule).copied().unwrap_or(default)
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
    fn values_are_read() {
        let c = parse("allow_without_rls = [\"public._prisma_migrations\"]\nexclude = [\"seed.sql\"]\n[rules]\ndrop-table = \"warning\"\n").unwrap();
        assert!(c.allowed_without_rls("public", "_prisma_migrations"));
        assert_eq!(c.severity("drop-table", Severity::Error), Severity::Warning);
        assert!(c.is_excluded(Path::new("x/seed.sql")));
    }
}
