//! Live figures for `check` (`--database-url`, `--stats`, `[impact] stats`) and the `stats`
//! command that writes a snapshot of them (issue 32). The weighing itself is
//! `migcheck_core::impact`; reading a database is `migcheck_pg::stats`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use migcheck_core::impact::{self, Run, Snapshot, Thresholds};
use migcheck_core::lint::{InputError, Report};
use migcheck_pg::stats::{self as live, StatsOptions, Tables};
use migcheck_pg::ConnectionConfig;

use crate::cli::StatsArgs;
use crate::{emit, CLEAN, TROUBLE};

/// Where `check` takes its figures from.
pub(crate) enum Source {
    /// `--database-url URL`, with `--connect-timeout`.
    Database {
        url: String,
        connect_timeout: Option<u64>,
    },
    /// `--stats FILE` or `stats = "FILE"` in `[impact]`.
    Snapshot(PathBuf),
}

/// Deadlines of the one round trip `check --database-url` and `stats` make: the server
/// cancels the statement after 10 s, the client gives up 5 s later (a frozen network).
fn options() -> StatsOptions {
    StatsOptions {
        statement_timeout_ms: 10_000,
        round_trip_timeout: Duration::from_secs(15),
    }
}

fn connection(url: Option<&str>, connect_timeout: Option<u64>) -> Result<ConnectionConfig, String> {
    let mut cfg = ConnectionConfig::from_env(url).map_err(|e| e.to_string())?;
    if let Some(secs) = connect_timeout {
        cfg.set_connect_timeout(Duration::from_secs(secs));
    }
    for w in &cfg.warnings {
        eprintln!("WARNING: {w}");
    }
    Ok(cfg)
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Reads the snapshot at `file`; the error names it (and the line).
fn read_snapshot(file: &Path) -> Result<Snapshot, InputError> {
    let path = migcheck_core::source::display_path(file);
    let text = std::fs::read_to_string(file).map_err(|e| InputError {
        path: path.clone(),
        line: None,
        message: format!("cannot read it: {e}"),
    })?;
    Snapshot::parse(&text, &path).map_err(|(line, message)| InputError {
        path,
        line: Some(line),
        message,
    })
}

/// Gives each lock or rewrite finding of `report` its impact, and sets `report.impact`.
/// `Err` (exit 2) when the figures could not be read: the findings stay as they were, and
/// `report.impact` carries the reason as a warning (the editor shows the error itself).
pub(crate) fn weigh(
    report: &mut Report,
    source: &Source,
    limits: &Thresholds,
) -> Result<(), InputError> {
    let targets = impact::targets(&report.findings);
    let tables = impact::tables(&targets);
    let (snapshot, mut run) = match source {
        Source::Snapshot(file) => {
            let display = migcheck_core::source::display_path(file);
            let mut run = Run {
                source: format!("the snapshot {display}"),
                ..Run::default()
            };
            match read_snapshot(file) {
                Ok(s) => {
                    let age = s.age_seconds(now_unix());
                    run.taken_at = Some(s.taken_at.clone());
                    run.age_seconds = Some(age);
                    if age > limits.stale_after_days * 86_400 {
                        run.warnings.push(format!(
                            "the snapshot {display} is {} old (over `stale_after_days` = {}): its \
                             sizes may no longer be true; write a new one with `migcheck stats \
                             --output {display}`",
                            impact::age_text(age),
                            limits.stale_after_days
                        ));
                    }
                    (s, run)
                }
                Err(e) => {
                    run.warnings
                        .push(format!("{e}; findings are shown without impact"));
                    report.impact = Some(run);
                    return Err(e);
                }
            }
        }
        Source::Database {
            url,
            connect_timeout,
        } => {
            let url = Some(url.as_str()).filter(|u| !u.is_empty());
            let cfg = match connection(url, *connect_timeout) {
                Ok(c) => c,
                Err(e) => {
                    // Settings that cannot be used (a malformed URL): said, not a silent exit 2.
                    let why =
                        format!("cannot read table sizes: {e}; findings are shown without impact");
                    report.impact = Some(Run {
                        source: "--database-url".into(),
                        warnings: vec![why.clone()],
                        ..Run::default()
                    });
                    return Err(InputError {
                        path: "--database-url".into(),
                        line: None,
                        message: why,
                    });
                }
            };
            let mut run = Run {
                source: format!("the database {}", cfg.display()),
                ..Run::default()
            };
            if tables.is_empty() {
                // Nothing to weigh: no connection at all.
                run.round_trips = Some(0);
                report.impact = Some(run);
                return Ok(());
            }
            match live::read_blocking(&cfg, &Tables::Named(tables), &options()) {
                Ok(s) => {
                    run.taken_at = Some(s.taken_at.clone());
                    run.round_trips = Some(1);
                    (s, run)
                }
                Err(e) => {
                    let why = format!(
                        "cannot read table sizes from {}: {e}; findings are shown without impact",
                        cfg.display()
                    );
                    run.warnings.push(why.clone());
                    report.impact = Some(run);
                    return Err(InputError {
                        path: cfg.display(),
                        line: None,
                        message: why,
                    });
                }
            }
        }
    };
    run.weighed = impact::apply(&mut report.findings, &targets, &snapshot, limits);
    report.impact = Some(run);
    Ok(())
}

/// `migcheck stats`: every table of the database's own schemas, as JSON.
pub(crate) fn stats(args: StatsArgs) -> u8 {
    let cfg = match connection(args.database_url.as_deref(), args.connect_timeout) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return TROUBLE;
        }
    };
    let source = crate::cmd_verify::connection_source(args.database_url.as_deref(), &|k| {
        std::env::var(k).ok()
    });
    eprintln!(
        "note: reading table sizes from {} ({source})",
        cfg.display()
    );
    let snapshot = match live::read_blocking(&cfg, &Tables::All, &options()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read table sizes from {}: {e}", cfg.display());
            return TROUBLE;
        }
    };
    let json = snapshot.to_json();
    match &args.output {
        None => emit(&json),
        Some(file) => {
            if let Err(e) = write_snapshot(file, json.as_bytes()) {
                eprintln!("error: --output {}: not written: {e}", file.display());
                return TROUBLE;
            }
            eprintln!(
                "Wrote the sizes of {} to {}; check with `migcheck check --stats {}`.",
                migcheck_core::render::plural(snapshot.tables.len(), "table"),
                file.display(),
                file.display()
            );
        }
    }
    CLEAN
}

/// Writes a snapshot to `file`, atomically: a new file, or in place of an earlier snapshot.
/// Anything else that exists there (a migration, a config, a symbolic link) is left untouched.
fn write_snapshot(file: &Path, json: &[u8]) -> Result<(), String> {
    use migcheck_core::fsio;
    let exists = fsio::check_replaceable(file)
        .map_err(|e| e.to_string())?
        .is_some();
    let old = if exists {
        let bytes = fsio::read(file).map_err(|e| format!("cannot read it: {e}"))?;
        let is_snapshot = std::str::from_utf8(&bytes)
            .ok()
            .is_some_and(|t| Snapshot::parse(t, "").is_ok());
        if !is_snapshot {
            return Err(
                "it exists and is not a migcheck statistics snapshot; the file is untouched".into(),
            );
        }
        Some(bytes)
    } else {
        None
    };
    fsio::replace(file, old.as_deref(), json).map_err(|e| e.to_string())
}
