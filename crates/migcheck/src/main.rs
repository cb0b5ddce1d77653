//! The `migcheck` binary: parse arguments, call the libraries, map results to exit codes.
//!
//! Exit codes: 0 clean, 1 findings of error severity (or warnings with `--deny-warnings`, or a
//! failed verify check), 2 usage errors and inputs that could not be checked.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use migcheck_core::render;
use migcheck_core::rules;

/// mimalloc instead of the system allocator: measured in docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check;
mod cli;
mod cmd_replay;
mod cmd_verify;
mod fix;
mod generate;
mod git;
mod init;
mod lsp;

use cli::{Cli, Command, RulesFormat};

/// Exit code for "no findings".
const CLEAN: u8 = 0;
/// Exit code for findings.
const FINDINGS: u8 = 1;
/// Exit code for usage errors and unreadable input.
const TROUBLE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { TROUBLE } else { CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(run(cli))
}

/// Writes to stdout; a closed pipe (`migcheck ... | head`) ends quietly.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => list_rules(args.format),
        Command::Verify(args) => cmd_verify::run(args),
        Command::Replay(args) => cmd_replay::run(args),
        Command::Explain { rule } => match rules::by_id(&rule) {
            Some(r) => {
                emit(r.meta().doc);
                CLEAN
            }
            None => {
                eprintln!("error: unknown rule `{rule}`; `migcheck rules` lists them");
                TROUBLE
            }
        },
        Command::Init(args) => init::run(&args.dir),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man => generate::man(),
        Command::Lsp => lsp::run(),
    }
}

fn list_rules(format: RulesFormat) -> u8 {
    match format {
        RulesFormat::Json => {
            let rows: Vec<_> = rules::ALL
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "id": m.id,
                        "severity": m.severity,
                        "category": m.category,
                        "summary": m.summary,
                        "url": render::rule_url(m.id),
                    })
                })
                .collect();
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&rows).expect("rules serialize")
            ));
        }
        RulesFormat::Human => {
            let mut s = format!(
                "{:<30} {:<8} {:<13} SUMMARY\n",
                "ID", "SEVERITY", "CATEGORY"
            );
            for r in rules::ALL {
                let m = r.meta();
                s.push_str(&format!(
                    "{:<30} {:<8} {:<13} {}\n",
                    m.id,
                    m.severity.as_str(),
                    m.category.as_str(),
                    m.summary
                ));
            }
            emit(&s);
        }
    }
    CLEAN
}
