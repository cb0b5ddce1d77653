//! `migcheck verify`: derive what the migrations promise, check it against a live database
//! read-only, and report for people (human, markdown) and machines (json).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use migcheck_core::expect;
use migcheck_pg::{render_human, render_json, render_markdown, ConnectionConfig, VerifyOptions};

use crate::{emit, CLEAN, FINDINGS, TROUBLE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Migration sets to derive expectations from (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Where to connect (postgres:// or postgresql://). Default: DATABASE_URL, else the libpq
    /// variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Also check this table (schema.name); repeatable.
    #[arg(long = "table", value_name = "SCHEMA.NAME")]
    pub tables: Vec<String>,
    /// Also audit every table in the exposed schemas of the live database, and policies on
    /// tables whose RLS is off.
    #[arg(long)]
    pub all: bool,
    /// Also report drift: tables, views, columns, policies and functions in the exposed
    /// schemas that no migration creates (made by hand), and functions or views the
    /// migrations create that the database lacks.
    #[arg(long)]
    pub drift: bool,
    /// Also show the live size of each table checked (rows estimate, heap, index and TOAST
    /// bytes, write rate), largest first: where the big tables are before a migration locks
    /// one. Read-only, one more round trip.
    #[arg(long)]
    pub sizes: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Seconds each connection phase may take (TCP, TLS, authentication); 0 waits forever.
    /// Default: `connect_timeout` in the URL, else PGCONNECT_TIMEOUT, else 10.
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<u64>,
    /// Use this configuration file instead of the nearest migcheck.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Splits `schema.name` (quotes keep case and dots: `public."TileSetting"`).
fn parse_table(s: &str) -> Option<(String, String)> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                parts.push(fold(std::mem::take(&mut cur), was_quoted));
                was_quoted = false;
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    parts.push(fold(cur, was_quoted));
    match parts.as_slice() {
        [n] if !n.is_empty() => Some(("public".into(), n.clone())),
        [s, n] if !s.is_empty() && !n.is_empty() => Some((s.clone(), n.clone())),
        _ => None,
    }
}

fn fold(s: String, quoted: bool) -> String {
    if quoted {
        s
    } else {
        s.to_lowercase()
    }
}

/// Reports an error that stops `verify` (exit 2): on stderr, and with `--format json` also
/// as a JSON document on stdout (`ok: null`, an `error` object), so a pipeline reading stdout
/// always gets JSON.
fn trouble(format: VerifyFormat, kind: &str, message: &str) -> u8 {
    eprintln!("error: {message}");
    if format == VerifyFormat::Json {
        let doc = serde_json::json!({
            "version": 1,
            "ok": null,
            "error": { "kind": kind, "message": message },
        });
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("JSON")
        ));
    }
    TROUBLE
}

/// Why `verify` connects where it does, in the order `ConnectionConfig::resolve` takes them
/// (issue 30: with nothing set it silently tried localhost).
pub(crate) fn connection_source(url: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> String {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    if url.is_some() {
        return "from --database-url".into();
    }
    if set("DATABASE_URL").is_some() {
        return "from DATABASE_URL".into();
    }
    let libpq: Vec<&str> = ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE"]
        .into_iter()
        .filter(|k| set(k).is_some())
        .collect();
    if libpq.is_empty() {
        "no --database-url, DATABASE_URL or PGHOST was set, so libpq's defaults: localhost, port 5432, your user name; pass --database-url or set DATABASE_URL to check another database".into()
    } else {
        format!(
            "no --database-url or DATABASE_URL: from the libpq variables {}, libpq's defaults for the rest",
            libpq.join(", ")
        )
    }
}

pub fn run(args: VerifyArgs) -> u8 {
    let format = args.format;
    let mut extra = Vec::new();
    for t in &args.tables {
        match parse_table(t) {
            Some(p) => extra.push(p),
            None => {
                return trouble(
                    format,
                    "input",
                    &format!("--table `{t}` is not a table name (expected schema.name)"),
                );
            }
        }
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let (expectations, errors) = expect::from_paths(&paths, args.config);
    if !errors.is_empty() {
        let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        for e in &all[..all.len() - 1] {
            eprintln!("error: {e}");
        }
        return trouble(format, "input", &all.join("\n"));
    }
    let mut conn = match ConnectionConfig::from_env(args.database_url.as_deref()) {
        Ok(c) => c,
        Err(e) => return trouble(format, "connection-settings", &e.to_string()),
    };
    if let Some(secs) = args.connect_timeout {
        conn.set_connect_timeout(Duration::from_secs(secs));
    }
    let source = connection_source(args.database_url.as_deref(), &|k| std::env::var(k).ok());
    eprintln!("note: connecting to {} ({source})", conn.display());
    for w in &conn.warnings {
        eprintln!("WARNING: {w}");
    }
    for p in &conn.ignored_params {
        eprintln!("note: ignoring connection parameter `{p}` (not a PostgreSQL setting)");
    }
    let opts = VerifyOptions {
        all: args.all,
        drift: args.drift,
        extra_tables: extra,
        sizes: args.sizes,
        ..VerifyOptions::default()
    };
    let report = match migcheck_pg::verify_blocking(&conn, &expectations, &opts) {
        Ok(r) => r,
        Err(e) => {
            return trouble(
                format,
                "connection",
                &format!("cannot verify {} ({source}): {e}", conn.display()),
            )
        }
    };
    emit(&match args.format {
        VerifyFormat::Human => render_human(&report),
        VerifyFormat::Json => render_json(&report),
        VerifyFormat::Markdown => render_markdown(&report),
    });
    if report.ok() {
        CLEAN
    } else {
        FINDINGS
    }
}

#[cfg(test)]
mod tests {
    use super::parse_table;

    #[test]
    fn the_connection_source_is_named() {
        let none = |_: &str| None;
        assert_eq!(
            super::connection_source(Some("postgres://x"), &none),
            "from --database-url"
        );
        let url = |k: &str| (k == "DATABASE_URL").then(|| "postgres://x".to_string());
        assert_eq!(super::connection_source(None, &url), "from DATABASE_URL");
        let host = |k: &str| (k == "PGHOST").then(|| "db".to_string());
        assert!(super::connection_source(None, &host).contains("libpq variables PGHOST"));
        assert!(super::connection_source(None, &none).starts_with(
            "no --database-url, DATABASE_URL or PGHOST was set, so libpq's defaults: localhost"
        ));
    }

    #[test]
    fn table_names_fold_like_postgres() {
        let p = |s| parse_table(s).map(|(a, b)| format!("{a}|{b}"));
        assert_eq!(p("Orders").as_deref(), Some("public|orders"));
        assert_eq!(p("app.\"TileSetting\"").as_deref(), Some("app|TileSetting"));
        assert_eq!(p("\"a.b\".\"x\"\"y\"").as_deref(), Some("a.b|x\"y"));
        assert_eq!(p("a.b.c"), None);
        assert_eq!(p("\"open"), None);
    }
}
