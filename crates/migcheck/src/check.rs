//! `migcheck check`: lint, render in the chosen format, map the result to an exit code.

use std::io::IsTerminal;
use std::path::PathBuf;

use migcheck_core::lint::{self, CheckOptions};
use migcheck_core::render::{self, statistics, Format, RenderOptions};
use migcheck_core::Severity;

use crate::cli::{CheckArgs, CheckFormat};
use crate::{emit, git, CLEAN, FINDINGS, TROUBLE};

pub(crate) fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn format(f: CheckFormat) -> Format {
    match f {
        CheckFormat::Human => Format::Human,
        CheckFormat::Json => Format::Json,
        CheckFormat::Sarif => Format::Sarif,
        CheckFormat::Github => Format::Github,
        CheckFormat::Markdown => Format::Markdown,
        CheckFormat::Gitlab => Format::Gitlab,
        CheckFormat::Junit => Format::Junit,
    }
}

pub fn run(args: CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let (only, added) = match &args.changed_since {
        None => (None, None),
        Some(reference) => match git::changed_files(reference) {
            Ok(c) => (Some(c.changed), Some(c.added)),
            Err(e) => {
                eprintln!("error: --changed-since {reference}: {e}");
                return TROUBLE;
            }
        },
    };
    let opts = CheckOptions {
        only,
        added,
        config: args.config,
    };
    let report = lint::check(&paths, &opts);
    let format = format(args.format);
    emit(&render::render(
        format,
        &report,
        RenderOptions {
            color: color_wanted(),
        },
    ));
    if format != Format::Human {
        for e in &report.errors {
            eprintln!("error: {e}");
        }
    }
    if args.statistics {
        let table = statistics::render(&report);
        if format == Format::Human {
            if !table.is_empty() {
                emit(&format!("\n{table}"));
            }
        } else {
            eprint!("{table}");
        }
    }
    if !report.errors.is_empty() {
        TROUBLE
    } else if report.count(Severity::Error) > 0
        || (args.deny_warnings && report.count(Severity::Warning) > 0)
    {
        FINDINGS
    } else {
        CLEAN
    }
}
