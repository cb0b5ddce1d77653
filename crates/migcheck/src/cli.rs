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
    /// Write a snapshot of the live database's table sizes (names, row estimates, bytes,
    /// write rates; no data, no secrets) for `check --stats` in CI. Read-only.
    Stats(StatsArgs),
    /// Apply the migrations to a throwaway PostgreSQL, trace locks and rewrites, then verify.
    Replay(crate::cmd_replay::ReplayArgs),
    /// Print the documentation of one rule.
    Explain {
        /// The rule id, e.g. `drop-column`.
        rule: String,
    },
    /// Write a commented migcheck.toml for the migrations found here, and print the pre-commit
    /// and GitHub Action snippets that run migcheck.
    Init(InitArgs),
    /// Print a shell completion script, e.g. `migcheck completions bash > ~/.local/share/bash-completion/completions/migcheck`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `migcheck man > migcheck.1`.
    Man,
    /// Run a language server on stdin/stdout for editors: findings as diagnostics while you
    /// type, rule pages on hover, fixes and allow directives as code actions (docs/editors.md).
    Lsp(CacheArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Code frames for a terminal.
    Human,
    /// One line per finding, `path:line:column: severity rule: message`, nothing else on
    /// stdout (the outcome and unreadable inputs go to stderr).
    Concise,
    /// migcheck's versioned JSON document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// A Markdown summary (step summary, PR comment).
    Markdown,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML test report.
    Junit,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to check (default: the current directory). Named files are
    /// reported; the rest of their migration set is loaded as context. A quoted glob
    /// (`'supabase/migrations/2024*.sql'`, `**` crosses folders) is expanded by migcheck; one
    /// that matches nothing is exit 2. `-` reads one migration from standard input (see
    /// `--stdin-filename`).
    pub paths: Vec<PathBuf>,
    /// With `-` (or no path): the path of the migration read from standard input, as editors
    /// and hooks know it. Its migration set, tool and migcheck.toml are found from that path and its
    /// other files read from disk, the input taking the file's place. Without it, the input
    /// is a plain SQL file of its own, shown as `<stdin>`.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Use this configuration file instead of the nearest migcheck.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only migration and deployment files added, changed or untracked since the merge
    /// base of REF and HEAD (e.g. `origin/main`); the rest of each migration set is still read
    /// as context.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Also print how many findings each rule produced (after human output; on stderr for the
    /// other formats, so stdout stays parseable).
    #[arg(long)]
    pub statistics: bool,
    /// Report only findings that the baseline FILE (written by `--write-baseline`) does not
    /// accept; also `baseline = "FILE"` in migcheck.toml.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this run in FILE and exit 0: adopt migcheck on an existing
    /// repository, then check with `--baseline FILE` so that only new findings fail. FILE is
    /// new or a migcheck baseline; a symbolic link, a `.sql` or checked file, or any other
    /// existing file is refused (exit 2, untouched).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["changed_since", "select", "ignore"])]
    pub write_baseline: Option<PathBuf>,
    /// Exit 0 when the paths hold no migration or deployment file (by default that is exit 2:
    /// a mistyped path must not pass).
    #[arg(long)]
    pub allow_empty: bool,
    /// Apply the fixes findings carry, then report what remains. Only files not applied
    /// anywhere yet are changed: files new since `--changed-since`, or files named on the
    /// command line (see `--fix-applied`). Each file is replaced atomically, and only if it
    /// still holds what was read; a file that cannot be (full disk, changed meanwhile, a
    /// symbolic link) is left untouched and named, exit 2.
    #[arg(long, conflicts_with_all = ["write_baseline", "diff"])]
    pub fix: bool,
    /// Print the changes `--fix` would make as a unified diff, without writing; exit 1 when
    /// there is one.
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    /// With `--fix` or `--diff`: also change migrations that may be applied already (their
    /// checksums, which Prisma, sqlx and Flyway verify, change too).
    #[arg(long)]
    pub fix_applied: bool,
    /// List every file that would be checked, with its migration set, tool and why, and every
    /// folder or file skipped with its reason; check nothing and exit 0.
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline"])]
    pub show_files: bool,
    /// Apply the default scope and `exclude` to files and folders named on the command line
    /// too (hooks that pass every staged `.sql` file: pgTAP tests, seeds and dumps are skipped).
    #[arg(long)]
    pub force_exclude: bool,
    /// Also check files and folders that `.gitignore`, `.ignore` or git's exclude files
    /// ignore (by default they are not walked, as ripgrep and ruff do).
    #[arg(long)]
    pub no_ignore: bool,
    /// Report only these rules (comma-separated or repeated, e.g. `--select
    /// drop-table,drop-column`): every other rule is off. Wins over `[rules]` in
    /// migcheck.toml: a rule selected here is on even where the file turns it off. Baseline
    /// entries of rules not run are not called stale.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = rule_id)]
    pub select: Vec<String>,
    /// Never report these rules (comma-separated or repeated); wins over `--select` and
    /// migcheck.toml.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = rule_id)]
    pub ignore: Vec<String>,
    /// The PostgreSQL major version the migrations run on (e.g. 15); wins over `pg_version`
    /// in migcheck.toml (default 15). Rules whose advice depends on the version read it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(9..=30))]
    pub pg_version: Option<u32>,
    /// Weigh each lock or rewrite finding by the live table it hits: read its size, rows and
    /// write rate from this database (read-only, one round trip; the same URL forms, `PG*`
    /// variables, `.pgpass` and TLS as `verify`). Small or absent tables become notes, large
    /// or busy ones errors (`[impact]` in migcheck.toml). Exit 2 when the database cannot be
    /// read; the findings are still printed, without impact. `--database-url` without a
    /// value takes DATABASE_URL, else the `PG*` variables (a URL on the command line is
    /// visible to other users of the machine in the process list).
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "",
          conflicts_with_all = ["write_baseline", "fix", "diff"])]
    pub database_url: Option<String>,
    /// Weigh findings with a snapshot written by `migcheck stats` instead of a live database
    /// (no credentials in CI); also `stats = "FILE"` under `[impact]` in migcheck.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "database_url")]
    pub stats: Option<PathBuf>,
    /// With `--database-url`: seconds each connection phase may take (default 10).
    #[arg(long, value_name = "SECONDS", requires = "database_url")]
    pub connect_timeout: Option<u64>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// `migcheck stats`: a snapshot of live table sizes for `check --stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Where to connect (postgres:// or postgresql://). Default: DATABASE_URL, else the libpq
    /// variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Write the snapshot here (JSON; default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Seconds each connection phase may take (default 10).
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<u64>,
}

/// Where parses are kept between runs (`migcheck_core::cache`): `check` and `lsp`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Keep each migration file's parse in DIR between runs, so that checking one file of a
    /// large set does not parse the whole set again (default: `.migcheck_cache` in the current
    /// directory; safe to delete at any time). A directory that cannot be written means no
    /// cache, never a failed run.
    #[arg(long, value_name = "DIR", env = "MIGCHECK_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file; read and write no cache.
    #[arg(long, env = "MIGCHECK_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
}

impl CacheArgs {
    /// The cache these options ask for, open; `None` when off or not writable.
    pub fn open(&self) -> Option<std::sync::Arc<migcheck_core::cache::ParseCache>> {
        if self.no_cache {
            return None;
        }
        let dir = self
            .cache_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(migcheck_core::cache::DEFAULT_DIR));
        migcheck_core::cache::ParseCache::open(&dir).map(std::sync::Arc::new)
    }
}

/// A rule id `migcheck rules` lists; anything else is a usage error (exit 2) naming it.
fn rule_id(s: &str) -> Result<String, String> {
    let id = s.trim();
    if migcheck_core::rules::by_id(id).is_some() {
        Ok(id.to_string())
    } else {
        Err(format!("unknown rule `{id}` (`migcheck rules` lists them)"))
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to configure (default: the current directory).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
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
