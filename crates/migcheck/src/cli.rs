//! The command line: clap definitions only. `main.rs` turns them into calls of the libraries.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "migcheck",
    version,
    about = "Keeps PostgreSQL migrations safe: lint them before merge, verify the live database after",
    long_about = "migcheck lints PostgreSQL migrations (Supabase, Prisma, sqlx, golang-migrate, Flyway, dbmate, Drizzle, diesel) for changes that are not additive or not secure, checks deployment files for commands that would apply migrations, and verifies a live database against what the migrations promise.\n\nExit codes: 0 no error-severity finding, 1 findings (or failed checks), 2 usage error or input that could not be checked."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint migration files and deployment files.
    Check(CheckArgs),
    /// List every rule with its default severity, category and summary.
    Rules(RulesArgs),
    /// Check a live database against what the migrations promise (read-only).
    Verify(crate::cmd_verify::VerifyArgs),
    /// Apply the migrations to a throwaway PostgreSQL, trace locks and rewrites, then verify.
    Replay(crate::cmd_replay::ReplayArgs),
    /// Print the documentation of one rule.
    Explain {
        /// The rule id, e.g. `drop-column`.
        rule: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to check (default: the current directory). Named files are
    /// reported; the rest of their migration set is loaded as context.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Use this configuration file instead of the nearest migcheck.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}
