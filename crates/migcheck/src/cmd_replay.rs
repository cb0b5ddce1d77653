//! `migcheck replay`: apply the migrations to a throwaway PostgreSQL, trace locks and
//! rewrites, then verify the result. The engine is `migcheck_pg::replay`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use migcheck_core::render::markdown;
use migcheck_core::render::{self, RenderOptions};
use migcheck_core::Severity;
use migcheck_pg::replay::{self, ReplayError, ReplayOptions, ReplayOutcome, SetOutcome};
use migcheck_pg::{render_human, render_markdown_for};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplayFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Files and directories holding migration sets (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// The directory with the PostgreSQL server binaries (initdb, postgres, pg_ctl).
    #[arg(long, value_name = "DIR")]
    pub pg_bin: Option<PathBuf>,
    /// Prefer this PostgreSQL major version's binaries (e.g. /usr/lib/postgresql/16/bin). When
    /// they are not installed, replay runs on the installed major with a warning naming what
    /// may differ.
    #[arg(long, value_name = "N")]
    pub pg_version: Option<u32>,
    /// With --pg-version: stop (exit 2) when that major is not installed, instead of running
    /// on the installed one.
    #[arg(long, requires = "pg_version")]
    pub strict_pg_version: bool,
    /// Leave the server running at the end and print how to connect and how to stop it.
    #[arg(long)]
    pub keep: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReplayFormat::Human)]
    pub format: ReplayFormat,
    /// Use this configuration file instead of the nearest migcheck.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Replay into this disposable PostgreSQL instead of starting one (e.g. the Supabase CLI's
    /// local database or a supabase/postgres service container): one fresh database per set,
    /// dropped afterwards. Without a value: DATABASE_URL, else the libpq variables (PGHOST,
    /// PGPORT, PGUSER, PGDATABASE, ...). Keep the password out of the command line: PGPASSWORD
    /// or ~/.pgpass (PGPASSFILE).
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "",
          conflicts_with_all = ["pg_bin", "pg_version", "keep"])]
    pub server_url: Option<String>,
    /// With --server-url: accept a server that does not look disposable (user tables, roles
    /// replay does not know, replication).
    #[arg(long, requires = "server_url")]
    pub yes_this_is_disposable: bool,
    /// Seconds each migration statement may run (sent as statement_timeout; the client gives
    /// up 10 s later when the network stops answering). Default 300.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub statement_timeout: Option<u64>,
}

/// Exit code for an interrupted run (128 + SIGINT).
const INTERRUPTED: u8 = 130;

pub fn run(args: ReplayArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let opts = ReplayOptions {
        pg_bin: args.pg_bin,
        pg_version: args.pg_version,
        strict_pg_version: args.strict_pg_version,
        keep: args.keep,
        config: args.config,
        server_url: args.server_url.clone(),
        disposable: args.yes_this_is_disposable,
        statement_timeout: args.statement_timeout.map(std::time::Duration::from_secs),
    };
    if let Some(url) = args.server_url.as_deref().filter(|u| !u.is_empty()) {
        if migcheck_pg::ConnectionConfig::from_url(url).is_ok_and(|c| c.password().is_some()) {
            eprintln!(
                "warning: the --server-url URL holds a password, which every local user can read in /proc/{}/cmdline: use PGPASSWORD or ~/.pgpass (PGPASSFILE), or DATABASE_URL with a bare --server-url",
                std::process::id()
            );
        }
    }
    let outcome = match replay::run_blocking(&paths, &opts) {
        Ok(o) => o,
        Err(e) => {
            // Every format prints a report on stdout, whatever the exit code (issue 29 item 3).
            let interrupted = matches!(e, ReplayError::Interrupted(_));
            let outcome = ReplayOutcome {
                error: Some(if interrupted {
                    format!("migcheck replay: {e}")
                } else {
                    e.to_string()
                }),
                ..ReplayOutcome::default()
            };
            crate::emit(&render(&outcome, args.format));
            if interrupted {
                eprintln!("migcheck replay: {e}");
                return INTERRUPTED;
            }
            for line in e.to_string().lines() {
                eprintln!("error: {line}");
            }
            return crate::TROUBLE;
        }
    };
    crate::emit(&render(&outcome, args.format));
    for note in &outcome.notes {
        eprintln!("migcheck replay: {note}");
    }
    if outcome.sets.is_empty() {
        eprintln!("migcheck replay: no migrations to replay under the given paths");
    } else {
        let set_times: Vec<String> = outcome
            .sets
            .iter()
            .map(|s| format!("{} {:.2} s", s.database, s.elapsed.as_secs_f64()))
            .collect();
        let server = match &outcome.remote {
            Some(url) => format!(
                "replayed into PostgreSQL {} at {url} (nothing started)",
                outcome.server_version
            ),
            None => format!(
                "PostgreSQL {} started in {:.2} s",
                outcome.server_version,
                outcome.startup.as_secs_f64()
            ),
        };
        eprintln!(
            "migcheck replay: {server}; {} files, {} statements; total {:.2} s ({})",
            outcome.report.files,
            outcome.report.statements,
            outcome.total.as_secs_f64(),
            set_times.join(", ")
        );
    }
    if let Some(k) = &outcome.kept {
        eprintln!(
            "The server is still running.\n  connect: psql \"{}\"  (databases: {})\n  stop:    {}\n  then remove its directory: rm -rf {}",
            k.url,
            outcome
                .sets
                .iter()
                .map(|s| s.database.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            k.stop_command,
            k.dir.display()
        );
    }
    if let Some(e) = &outcome.error {
        // The report above holds the sets done so far; the error ended the run.
        for line in e.lines() {
            eprintln!("error: {line}");
        }
        crate::TROUBLE
    } else if outcome.failed() {
        crate::FINDINGS
    } else if outcome.incomplete() {
        // A set stopped at an extension the server lacks: the rest of it was not checked.
        crate::TROUBLE
    } else {
        crate::CLEAN
    }
}

fn render(o: &ReplayOutcome, format: ReplayFormat) -> String {
    match format {
        ReplayFormat::Human => human(o),
        ReplayFormat::Json => json_doc(o),
        ReplayFormat::Markdown => markdown(o),
    }
}

fn set_line(s: &SetOutcome) -> String {
    let mut line = format!(
        "{} set {} (database {}): applied {} of {} migrations",
        s.tool.id(),
        s.dir,
        s.database,
        s.applied,
        s.files
    );
    if let Some(f) = &s.stopped_at {
        match s.stop.as_ref().and_then(|t| t.line) {
            Some(at) => line.push_str(&format!("; stopped at {f}:{at}, verify skipped")),
            None => line.push_str(&format!("; stopped in {f}, verify skipped")),
        }
    }
    line
}

/// Why the set stopped, in one line (PostgreSQL's message, the missing extension, the fault).
fn stop_why(s: &SetOutcome) -> Option<String> {
    let t = s.stop.as_ref()?;
    Some(match &t.missing_extension {
        Some(_) => t.why.clone(),
        None => t.why.lines().next().unwrap_or_default().to_string(),
    })
}

fn human(o: &ReplayOutcome) -> String {
    if let (Some(e), true) = (&o.error, o.sets.is_empty()) {
        // Nothing was replayed: no findings summary to show.
        return format!(
            "replay did not finish: {}\n",
            e.lines().next().unwrap_or_default()
        );
    }
    let mut out = render::human::render(
        &o.report,
        RenderOptions {
            color: crate::check::color_wanted(),
        },
    );
    for s in &o.sets {
        out.push_str(&format!("\n── {}\n", set_line(s)));
        if let Some(why) = stop_why(s) {
            out.push_str(&format!("   why: {why}\n"));
        }
        if let Some(v) = &s.verify {
            out.push_str(&render_human(v));
        }
    }
    if let Some(e) = &o.error {
        out.push_str(&format!(
            "\nreplay did not finish: {}\n",
            e.lines().next().unwrap_or_default()
        ));
    } else if let Some(n) = incomplete_sets(o) {
        out.push_str(&format!("\n{n}\n"));
    }
    out
}

/// `1 of 2 sets stopped at an extension the server does not have: ...`, when any did.
fn incomplete_sets(o: &ReplayOutcome) -> Option<String> {
    let missing: Vec<&str> = o
        .sets
        .iter()
        .filter_map(|s| s.stop.as_ref()?.missing_extension.as_deref())
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(format!(
        "not replayed to the end: {} of {} sets stopped at an extension the server does not have ({}); install it or use --server-url (docs/replay.md#extensions)",
        missing.len(),
        o.sets.len(),
        missing.join(", ")
    ))
}

fn verify_json(s: &SetOutcome) -> serde_json::Value {
    json!({
        "set": s.dir,
        "kind": s.tool.id(),
        "database": s.database,
        "files": s.files,
        "applied": s.applied,
        "stopped_at": s.stopped_at,
        "stopped_line": s.stop.as_ref().and_then(|t| t.line),
        "stop_reason": s.stop.as_ref().map(|t| t.why.as_str()),
        "missing_extension": s.stop.as_ref().and_then(|t| t.missing_extension.as_deref()),
        "verify": s.verify.as_ref().map(|v| json!({
            "version": 1,
            "ok": v.ok(),
            "database": v.database,
            "checks": v.checks,
            "summary": v.summary(),
        })),
    })
}

/// `check`'s JSON document with a `verify` array inserted before `summary`.
fn json_doc(o: &ReplayOutcome) -> String {
    let base = render::json::render(&o.report);
    let verify: Vec<serde_json::Value> = o.sets.iter().map(verify_json).collect();
    let pretty = serde_json::to_string_pretty(&verify).expect("values serialize");
    let indented = pretty.replace('\n', "\n  ");
    let marker = "\n  \"summary\":";
    match base.rfind(marker) {
        Some(at) => format!(
            "{}\n  \"verify\": {indented},\n  \"error\": {},\n  \"notes\": {},{}",
            &base[..at],
            serde_json::to_string(&o.error).expect("a string serializes"),
            serde_json::to_string(&o.notes).expect("strings serialize"),
            &base[at..]
        ),
        None => {
            // Not the expected layout: rebuild (key order may differ).
            let mut v: serde_json::Value =
                serde_json::from_str(&base).expect("check's JSON parses");
            v["verify"] = serde_json::Value::Array(verify);
            v["error"] = json!(o.error);
            v["notes"] = json!(o.notes);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&v).expect("serializes")
            )
        }
    }
}

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn markdown(o: &ReplayOutcome) -> String {
    let r = &o.report;
    let (e, w) = (r.count(Severity::Error), r.count(Severity::Warning));
    let mut out = String::from("## migcheck replay\n\n");
    if let Some(e) = &o.error {
        out.push_str(&format!(
            "❌ **Did not finish**: {}\n\n",
            cell(e.lines().next().unwrap_or_default())
        ));
    }
    out.push_str(&format!(
        "{} {} errors, {} warnings in {} files ({} statements)\n\n",
        if o.error.is_some() || o.failed() {
            "❌ **Issues found**:"
        } else if o.incomplete() {
            "⚠️ **Not replayed to the end**:"
        } else if w > 0 {
            "⚠️ **Applied, with warnings**:"
        } else {
            "✅ **Applied cleanly**:"
        },
        e,
        w,
        r.files,
        r.statements
    ));
    // Warnings about the run itself (another PostgreSQL major than asked, leftovers removed).
    for n in &o.notes {
        out.push_str(&format!("> {}\n\n", cell(n)));
    }
    let full = "run `migcheck replay --format json`";
    if !r.findings.is_empty() {
        // Errors first (within a severity, the report's order); rows stop at the first of
        // MAX_ROWS and half the comment's budget (issue 29 item 4).
        let mut sorted: Vec<_> = r.findings.to_vec();
        sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out.push_str("| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n");
        let mut shown = 0;
        for f in sorted.iter().take(markdown::MAX_ROWS) {
            let at = f.start();
            let row = format!(
                "| {} | [`{}`]({}) | `{}:{}:{}` | {} |\n",
                f.severity,
                f.rule,
                render::rule_url(f.rule),
                cell(&f.file.display),
                at.line,
                at.column,
                cell(&f.message)
            );
            if out.len() + row.len() > markdown::COMMENT_BUDGET / 2 {
                break;
            }
            out.push_str(&row);
            shown += 1;
        }
        out.push('\n');
        if sorted.len() > shown {
            out.push_str(&format!(
                "…and {} more findings; {full} for all of them.\n\n",
                sorted.len() - shown
            ));
        }
    }
    // Sets that stopped or failed verify first, then the others, in the run's order.
    let mut sets: Vec<&SetOutcome> = o.sets.iter().collect();
    sets.sort_by_key(|s| s.stop.is_none() && s.verify.as_ref().is_none_or(|v| v.ok()));
    for s in sets {
        out.push_str(&format!("### {}\n\n", cell(&set_line(s))));
        if let Some(why) = stop_why(s) {
            out.push_str(&format!("Stopped: {}\n\n", cell(&why)));
        }
        if let Some(v) = &s.verify {
            let md = render_markdown_for(v, "migcheck replay");
            out.push_str(md.strip_prefix("## migcheck verify\n\n").unwrap_or(&md));
            out.push('\n');
        }
    }
    markdown::fit(out, full)
}
