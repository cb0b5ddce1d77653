//! `migcheck check`: lint, render in the chosen format, map the result to an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use migcheck_core::baseline::Baseline;
use std::sync::Arc;

use migcheck_core::config::{find_config_file, Config};
use migcheck_core::source::display_path;

use migcheck_core::lint::{self, CheckOptions};
use migcheck_core::render::{self, statistics, Format, RenderOptions};
use migcheck_core::scope::Scope;
use migcheck_core::Severity;

use crate::cli::{CheckArgs, CheckFormat};
use crate::{emit, fix, git, CLEAN, FINDINGS, TROUBLE};

pub(crate) fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn format(f: CheckFormat) -> Format {
    match f {
        CheckFormat::Human => Format::Human,
        CheckFormat::Concise => Format::Concise,
        CheckFormat::Json => Format::Json,
        CheckFormat::Sarif => Format::Sarif,
        CheckFormat::Github => Format::Github,
        CheckFormat::Markdown => Format::Markdown,
        CheckFormat::Gitlab => Format::Gitlab,
        CheckFormat::Junit => Format::Junit,
    }
}

/// Output written to stdout as it is rendered, one finding at a time; a closed pipe ends the
/// run like `emit`.
fn emit_streamed(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if write(&mut out).and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// What `--write-baseline` may replace: nothing (`Ok(None)`), or an existing migcheck baseline
/// (`Ok(Some(its bytes))`, compared again just before the rename). Refused: a symbolic link,
/// anything not a regular file, a `.sql` file, a file this run checked or a deployment file
/// migcheck reads, and any existing file that is not a migcheck baseline.
fn baseline_target(report: &lint::Report, file: &Path) -> Result<Option<Vec<u8>>, String> {
    use migcheck_core::fsio;
    let exists = fsio::check_replaceable(file)
        .map_err(|e| e.to_string())?
        .is_some();
    if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
    {
        return Err("it is a .sql file, which migcheck checks as a migration".into());
    }
    if migcheck_core::deploy_files::is_deploy_file(file) {
        return Err("it is a deployment file migcheck checks".into());
    }
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(target) = canonical(file) {
        let checked = report
            .scope
            .sets
            .iter()
            .flat_map(|s| s.files.iter())
            .chain(report.scope.deploy_files.iter())
            .chain(report.checked.iter());
        for shown in checked {
            if canonical(Path::new(shown)).as_ref() == Some(&target) {
                return Err(format!("it is {shown}, a file this run checked"));
            }
        }
    }
    if !exists {
        return Ok(None);
    }
    let bytes = fsio::read(file).map_err(|e| format!("cannot read it: {e}"))?;
    let is_baseline = std::str::from_utf8(&bytes).is_ok_and(Baseline::is_baseline);
    if !is_baseline {
        return Err(
            "it exists and is not a migcheck baseline (JSON with `version` and `findings`)".into(),
        );
    }
    Ok(Some(bytes))
}

/// `--write-baseline`: every finding of the run, accepted. Exit 0, or 2 when some input could
/// not be checked (a baseline of a partial run would hide nothing of the rest and pass).
fn write_baseline(report: &lint::Report, file: &Path) -> u8 {
    let old = match baseline_target(report, file) {
        Ok(old) => old,
        Err(why) => {
            eprintln!(
                "error: --write-baseline {}: not written: {why}; the file is untouched. Name a \
                 new file (e.g. `migcheck-baseline.json`) or an existing migcheck baseline.",
                file.display()
            );
            return TROUBLE;
        }
    };
    let baseline = Baseline::from_report(report, file);
    if let Err(e) =
        migcheck_core::fsio::replace(file, old.as_deref(), baseline.to_json().as_bytes())
    {
        eprintln!(
            "error: --write-baseline {}: not written: {e}",
            file.display()
        );
        return TROUBLE;
    }
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    let shown = file.display();
    let how = if init_left_the_key_commented(file) {
        // The file `migcheck init` wrote has the line, commented out, where it belongs.
        format!(
            "uncomment `baseline = \"{shown}\"` in migcheck.toml (or check with `--baseline {shown}`)"
        )
    } else {
        format!(
            "check with `--baseline {shown}` (or `baseline = \"{shown}\"` in migcheck.toml, \
             as a top-level key: above any `[table]` header, or it belongs to that table)"
        )
    };
    eprintln!(
        "Wrote {} to {shown}; {how} and only new findings fail.",
        render::plural(report.findings.len(), "finding"),
    );
    if report.errors.is_empty() {
        CLEAN
    } else {
        TROUBLE
    }
}

/// True when `./migcheck.toml` holds the line `# baseline = "FILE"` as `migcheck init` writes
/// it (a top-level key, commented out) for the FILE just written.
fn init_left_the_key_commented(file: &Path) -> bool {
    let line = format!("# baseline = \"{}\"", file.display());
    std::fs::read_to_string(migcheck_core::config::FILE_NAME)
        .is_ok_and(|text| text.lines().any(|l| l.trim_end() == line))
}

/// `--baseline FILE`, else `baseline = "FILE"` of the configuration governing the first path
/// (`--config`, or the nearest migcheck.toml).
fn baseline_file(
    args: &CheckArgs,
    first: &Result<Arc<Config>, lint::InputError>,
) -> Result<Option<PathBuf>, lint::InputError> {
    if let Some(b) = &args.baseline {
        return Ok(Some(b.clone()));
    }
    Ok(first.as_ref().map_err(Clone::clone)?.baseline.clone())
}

/// The configuration governing the first path: `--config`, or the nearest migcheck.toml.
fn first_config(paths: &[PathBuf], opts: &CheckOptions) -> Result<Arc<Config>, lint::InputError> {
    let first = &paths[0];
    let dir = if first.is_dir() {
        first.as_path()
    } else {
        first.parent().unwrap_or(Path::new("."))
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let file = opts.config.clone().or_else(|| find_config_file(dir));
    lint::load_config(file.as_deref())
}

/// `--show-files`: what `check` would read, set by set, then what it skips and why.
pub(crate) fn show_files(scope: &Scope) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for set in &scope.sets {
        let tool = migcheck_core::tool::by_id(set.tool).map_or(set.tool, |t| t.name());
        for f in &set.files {
            let _ = writeln!(
                out,
                "{f}  [{} set {}: {}]",
                set.tool,
                set.dir,
                set.why.describe(tool)
            );
        }
    }
    for f in &scope.deploy_files {
        let _ = writeln!(out, "{f}  [deployment file]");
    }
    if !scope.skipped.is_empty() {
        out.push_str("\nSkipped:\n");
        for k in &scope.skipped {
            let what = if k.dir {
                format!("{}/ ({})", k.path, render::plural(k.files.len(), "file"))
            } else {
                k.path.clone()
            };
            let reason = match k.dialect {
                Some(d) => format!("{}({})", k.reason.as_str(), d.as_str()),
                None => k.reason.as_str().to_string(),
            };
            let _ = writeln!(out, "{what}  [{reason}: {}]", k.detail);
        }
    }
    if scope.sets.is_empty() && scope.deploy_files.is_empty() {
        out.insert_str(0, "No migration or deployment file in scope.\n");
    }
    out
}

/// True when `e` is about a configuration file (`migcheck.toml`, or the `--config` file):
/// migrations and deployment files never have that name.
fn is_config_error(e: &lint::InputError, forced: Option<&Path>) -> bool {
    Path::new(&e.path).file_name() == Some(std::ffi::OsStr::new(migcheck_core::config::FILE_NAME))
        || forced.is_some_and(|f| display_path(f) == e.path)
}

/// Configuration errors stop the run before any finding is shown: findings made with the
/// default configuration instead of the one the team wrote would mislead. On stderr, first.
fn config_errors_stop(errors: &[&lint::InputError]) -> u8 {
    for e in errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "migcheck stopped: {} must be fixed before checking (no finding is reported with a \
         configuration it could not read; see docs/configuration.md).",
        if errors.len() == 1 {
            "this configuration error".to_string()
        } else {
            format!("these {} configuration errors", errors.len())
        }
    );
    TROUBLE
}

/// One migration read from standard input (`migcheck check -`).
struct StdinInput {
    /// `--stdin-filename`: where the migration lives (or will).
    name: Option<PathBuf>,
    text: String,
}

impl StdinInput {
    /// Reads standard input when the arguments ask for it (`-`, or `--stdin-filename` with no
    /// path); `Ok(None)` otherwise. Combinations that cannot work are usage errors.
    fn read(args: &CheckArgs) -> Result<Option<Self>, String> {
        let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
        if dash && args.paths.len() > 1 {
            return Err(
                "`-` (a migration on standard input) cannot be combined with other paths; \
                 check them in a run of their own"
                    .into(),
            );
        }
        let implied = args.paths.is_empty() && args.stdin_filename.is_some();
        if !dash && !implied {
            if args.stdin_filename.is_some() {
                return Err(
                    "--stdin-filename names the migration read from standard input: \
                 pass `-` as the only path"
                        .into(),
                );
            }
            return Ok(None);
        }
        let refused = [
            (args.fix, "--fix"),
            (args.diff, "--diff"),
            (args.write_baseline.is_some(), "--write-baseline"),
            (args.changed_since.is_some(), "--changed-since"),
            (args.show_files, "--show-files"),
        ];
        if let Some((_, flag)) = refused.iter().find(|(on, _)| *on) {
            return Err(format!(
                "{flag} works on files, not on a migration read from standard input"
            ));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "standard input is not UTF-8 (byte {}); check the file itself, whose \
                 `encoding` migcheck.toml may set",
                e.utf8_error().valid_up_to()
            )
        })?;
        Ok(Some(Self {
            name: args.stdin_filename.clone(),
            text,
        }))
    }

    /// The path configuration and baseline are looked up from.
    fn path(&self) -> PathBuf {
        self.name.clone().unwrap_or_else(|| PathBuf::from("."))
    }

    /// Checks the input: in place of the file `--stdin-filename` names when it exists (its set
    /// read from disk around it), else on its own, with `--config` or the migcheck.toml
    /// nearest to where it would be.
    fn check(&self, opts: &CheckOptions) -> lint::Report {
        if let Some(name) = self.name.as_ref().filter(|n| n.is_file()) {
            let canonical = std::fs::canonicalize(name).unwrap_or_else(|_| name.clone());
            let overlay = std::collections::HashMap::from([(canonical, self.text.clone())]);
            return lint::check_overlay(std::slice::from_ref(name), opts, &overlay);
        }
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| PathBuf::from(migcheck_core::source::STDIN_NAME));
        let mut opts = opts.clone();
        if opts.config.is_none() {
            let dir = match &self.name {
                Some(n) => n.parent().filter(|p| !p.as_os_str().is_empty()),
                None => None,
            };
            opts.config = find_config_file(dir.unwrap_or(Path::new(".")));
        }
        lint::check_sources(&[(name, self.text.clone())], &opts)
    }
}

/// The paths to check: the current directory when none is given, globs expanded. A glob that
/// matches nothing, or is not one, is a usage error.
fn expand_paths(args: &CheckArgs) -> Result<Vec<PathBuf>, String> {
    if args.paths.is_empty() {
        return Ok(vec![PathBuf::from(".")]);
    }
    let mut out = Vec::new();
    for p in &args.paths {
        let text = p.to_string_lossy();
        // A file whose name really holds `*` or `[` is taken as named. (The name is looked at
        // first: a `stat` per named file is work for nothing when none is a glob.)
        if !migcheck_core::path_glob::is_glob(&text) || p.exists() {
            out.push(p.clone());
            continue;
        }
        let found = migcheck_core::path_glob::expand(&text, args.no_ignore)?;
        if found.is_empty() {
            return Err(format!(
                "no file or folder matches `{text}` (migcheck expands quoted globs itself; \
                 what git ignores is not matched unless --no-ignore)"
            ));
        }
        out.extend(found);
    }
    Ok(out)
}

pub fn run(args: CheckArgs) -> u8 {
    let stdin = match StdinInput::read(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return TROUBLE;
        }
    };
    let paths = match &stdin {
        Some(input) => vec![input.path()],
        None => match expand_paths(&args) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return TROUBLE;
            }
        },
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
        config: args.config.clone(),
        force_exclude: args.force_exclude,
        no_ignore: args.no_ignore,
        overrides: migcheck_core::config::Overrides {
            select: (!args.select.is_empty()).then(|| args.select.clone()),
            ignore: args.ignore.clone(),
            pg_version: args.pg_version,
        },
        cache: args.cache.open(),
    };
    // The configuration governing the first path, read once, before walking: an invalid one
    // stops the run at once (issue 30: it used to come last, after every finding).
    let first = first_config(&paths, &opts);
    if let Err(e) = baseline_file(&args, &first) {
        if is_config_error(&e, opts.config.as_deref()) {
            return config_errors_stop(&[&e]);
        }
    }
    if args.show_files {
        emit(&show_files(&lint::scope(&paths, &opts)));
        return CLEAN;
    }
    let mut report = if let Some(input) = &stdin {
        input.check(&opts)
    } else if args.fix || args.diff {
        let eligible = fix::Eligible::new(&paths, &opts, args.fix_applied);
        let outcome = fix::fix(&paths, &opts, &eligible);
        for note in &outcome.left {
            eprintln!("note: {note}");
        }
        let files = render::plural(outcome.changed.len(), "file");
        if args.diff {
            emit(&fix::diff(&outcome.changed));
            for e in &outcome.report.errors {
                eprintln!("error: {e}");
            }
            if outcome.changed.is_empty() {
                eprintln!("No fix to apply; nothing was written.");
            } else {
                eprintln!(
                    "--fix would fix {} in {files}; nothing was written.",
                    render::plural(outcome.applied, "finding"),
                );
            }
            return if !outcome.report.errors.is_empty() {
                TROUBLE
            } else if outcome.changed.is_empty() {
                CLEAN
            } else {
                FINDINGS
            };
        }
        if let Err(errors) = fix::write(&outcome.changed) {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!(
                "--fix left {} unchanged; run again once the cause is gone.",
                render::plural(errors.len(), "file")
            );
            return TROUBLE;
        }
        eprintln!(
            "Fixed {} in {files}.",
            render::plural(outcome.applied, "finding")
        );
        outcome.report
    } else {
        lint::check(&paths, &opts)
    };
    // Configurations of other sets (a nested migcheck.toml) are only found while walking.
    let bad_config: Vec<&lint::InputError> = report
        .errors
        .iter()
        .filter(|e| is_config_error(e, opts.config.as_deref()))
        .collect();
    if !bad_config.is_empty() {
        return config_errors_stop(&bad_config);
    }
    if let Some(file) = &args.write_baseline {
        return write_baseline(&report, file);
    }
    if report.files == 0 && report.errors.is_empty() && opts.only.is_none() && !args.allow_empty {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let skipped: usize = report.scope.skipped.iter().map(|k| k.files.len()).sum();
        let why = if skipped > 0 {
            format!(
                "; {} not taken for migrations (`--show-files` says why; `include` in \
                 migcheck.toml or naming a path checks them)",
                render::plural(skipped, "SQL file")
            )
        } else {
            String::new()
        };
        eprintln!(
            "error: nothing to check: {} holds no migration or deployment file migcheck knows \
             (pass --allow-empty to accept that){why}",
            shown.join(", ")
        );
        return TROUBLE;
    }
    // A baseline or config that cannot be read is an input error: reported in every format,
    // exit 2, never a silent pass.
    match baseline_file(&args, &first) {
        Ok(None) => {}
        Ok(Some(file)) => {
            let display = display_path(&file);
            match Baseline::read(&file, &display) {
                Ok(b) => {
                    let mut outcome = b.apply(&mut report, &file, &display);
                    // Entries of rules `--select`/`--ignore` did not run matched nothing
                    // because they were not looked for, not because they were fixed.
                    let o = &opts.overrides;
                    outcome.stale.retain(|e| {
                        !o.ignore.contains(&e.rule)
                            && o.select.as_ref().is_none_or(|s| s.contains(&e.rule))
                    });
                    report.baseline = Some(outcome);
                }
                Err(e) => report.errors.push(lint::InputError {
                    path: e.path,
                    line: None,
                    message: e.message,
                }),
            }
        }
        Err(e) => {
            if !report.errors.contains(&e) {
                report.errors.push(e);
            }
        }
    }
    // Live figures (issue 32): `--database-url`, `--stats`, else `[impact] stats`.
    let mut impact_failed = false;
    if let Ok(config) = &first {
        let source = match (&args.database_url, &args.stats) {
            (Some(url), _) => Some(crate::impact::Source::Database {
                url: url.clone(),
                connect_timeout: args.connect_timeout,
            }),
            (None, Some(file)) => Some(crate::impact::Source::Snapshot(file.clone())),
            (None, None) => config
                .impact
                .stats
                .clone()
                .map(crate::impact::Source::Snapshot),
        };
        if let Some(source) = source {
            impact_failed = crate::impact::weigh(&mut report, &source, &config.impact).is_err();
        }
    }
    let format = format(args.format);
    // Streamed: the output of a file with many findings is many times its size.
    let opts = RenderOptions {
        color: color_wanted(),
    };
    emit_streamed(|out| render::write(format, &report, opts, out));
    if format != Format::Human {
        for e in &report.errors {
            eprintln!("error: {e}");
        }
        for w in report.impact.iter().flat_map(|r| &r.warnings) {
            eprintln!("warning: {w}");
        }
    }
    // Concise output is findings only; the outcome goes where people still see it.
    if format == Format::Concise {
        eprintln!("{}", render::outcome(&report));
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
    let code = if !report.errors.is_empty() || impact_failed {
        TROUBLE
    } else if report.count(Severity::Error) > 0
        || (args.deny_warnings && report.count(Severity::Warning) > 0)
    {
        FINDINGS
    } else {
        CLEAN
    };
    // The process exits next and the system takes its memory back at once: freeing every
    // finding and file one by one first was 8% of the main thread's time after the check, on
    // the corpus (docs/performance.md, session 18).
    std::mem::forget(report);
    code
}
