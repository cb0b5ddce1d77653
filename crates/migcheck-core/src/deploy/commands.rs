//! The one list of commands that apply migrations or change a database schema, and the matcher
//! that recognises them in an already split and normalised command (see [`super::shell`]).
//!
//! Everything not in [`COMMANDS`] is safe as far as this rule is concerned: `prisma generate`,
//! `prisma migrate status`, `supabase gen types`, `drizzle-kit generate` and friends only read the
//! schema or write files.

/// Where a command's subcommand words must appear among its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The words are the first positional arguments. A positional that directly follows an
    /// option without `=` (for example `-path db/migrations`) may be that option's value and is
    /// skipped: `migrate -path db -database $URL up` matches `migrate up`.
    Leading,
    /// The words appear together anywhere among the positional arguments (`goose postgres "$DSN"
    /// up`, `rails assets:precompile db:migrate`).
    Anywhere,
    /// `psql` reading a file under a migrations folder: `-f <file>`, `--file=<file>`,
    /// `< <file>`. The words are unused.
    PsqlMigrationFile,
    /// A script of the project's own whose file name says it migrates (`dist/migration.mjs`,
    /// `scripts/migrate.ts`, `run_migrations.py`), run by a runtime (`node`, `tsx`, `python`,
    /// ...; [`super::shell`] takes the script as the program): a custom runner, usually calling
    /// the ORM's `migrate()`. The programs and words are unused.
    MigrationScript,
}

/// One tool command that changes the database.
#[derive(Debug)]
pub struct MigrationCommand {
    /// The tool as users know it.
    pub tool: &'static str,
    /// Program names that run the tool (base names, without a version suffix such as `@5`).
    pub programs: &'static [&'static str],
    /// Subcommand words; each position lists the accepted alternatives.
    pub words: &'static [&'static [&'static str]],
    pub position: Position,
    /// What running it during a deploy does, completing "a deploy would …"; a human
    /// description of the command.
    pub effect: &'static str,
    /// The command a person runs instead, by hand, after review.
    pub by_hand: &'static str,
}

const APPLY: &str = "apply migrations to the production database without review";
const PUSH: &str = "change the production schema without a reviewed migration";
const RESET: &str = "drop and recreate the production database";
const ROLLBACK: &str = "roll back migrations in the production database without review";
const EXECUTE: &str = "run SQL against the production database without review";
const HISTORY: &str = "rewrite the migration history of the production database without review";

macro_rules! cmd {
    ($tool:expr, [$($p:expr),+], [$([$($w:expr),+]),*], $pos:ident, $effect:expr, $by_hand:expr) => {
        MigrationCommand {
            tool: $tool,
            programs: &[$($p),+],
            words: &[$(&[$($w),+]),*],
            position: Position::$pos,
            effect: $effect,
            by_hand: $by_hand,
        }
    };
}

/// Every command this rule flags. Keep it the only such list: the tests generate one command per
/// alternative from it.
#[rustfmt::skip]
pub static COMMANDS: &[MigrationCommand] = &[
    cmd!("Prisma", ["prisma"], [["migrate"], ["deploy", "dev"]], Leading, APPLY, "prisma migrate deploy"),
    cmd!("Prisma", ["prisma"], [["migrate"], ["reset"]], Leading, RESET, "prisma migrate deploy"),
    cmd!("Prisma", ["prisma"], [["migrate"], ["resolve"]], Leading, HISTORY, "prisma migrate resolve"),
    cmd!("Prisma", ["prisma"], [["db"], ["push"]], Leading, PUSH, "prisma migrate deploy"),
    cmd!("Prisma", ["prisma"], [["db"], ["execute"]], Leading, EXECUTE, "prisma migrate deploy"),
    cmd!("Supabase CLI", ["supabase"], [["db"], ["push"]], Leading, APPLY, "supabase db push"),
    cmd!("Supabase CLI", ["supabase"], [["db"], ["reset"]], Leading, RESET, "supabase db push"),
    cmd!("Supabase CLI", ["supabase"], [["migration"], ["up"]], Leading, APPLY, "supabase db push"),
    cmd!("Supabase CLI", ["supabase"], [["migration"], ["down"]], Leading, ROLLBACK, "supabase db push"),
    cmd!("Supabase CLI", ["supabase"], [["migration"], ["repair"]], Leading, HISTORY, "supabase migration repair"),
    cmd!("Drizzle Kit", ["drizzle-kit"], [["push", "push:pg", "push:mysql", "push:sqlite"]], Leading, PUSH, "drizzle-kit migrate"),
    cmd!("Drizzle Kit", ["drizzle-kit"], [["migrate"]], Leading, APPLY, "drizzle-kit migrate"),
    cmd!("Knex", ["knex"], [["migrate:latest", "migrate:up"]], Leading, APPLY, "knex migrate:latest"),
    cmd!("Knex", ["knex"], [["migrate:rollback", "migrate:down"]], Leading, ROLLBACK, "knex migrate:latest"),
    cmd!("Sequelize", ["sequelize", "sequelize-cli"], [["db:migrate"]], Leading, APPLY, "sequelize db:migrate"),
    cmd!("Sequelize", ["sequelize", "sequelize-cli"], [["db:migrate:undo", "db:migrate:undo:all"]], Leading, ROLLBACK, "sequelize db:migrate"),
    cmd!("TypeORM", ["typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm"], [["migration:run"]], Leading, APPLY, "typeorm migration:run"),
    cmd!("TypeORM", ["typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm"], [["migration:revert"]], Leading, ROLLBACK, "typeorm migration:run"),
    cmd!("TypeORM", ["typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm"], [["schema:sync", "schema:drop"]], Leading, PUSH, "typeorm migration:run"),
    cmd!("MikroORM", ["mikro-orm", "mikro-orm-esm"], [["migration:up", "migration:fresh"]], Leading, APPLY, "mikro-orm migration:up"),
    cmd!("MikroORM", ["mikro-orm", "mikro-orm-esm"], [["migration:down"]], Leading, ROLLBACK, "mikro-orm migration:up"),
    cmd!("Kysely", ["kysely"], [["migrate:latest", "migrate:up"]], Leading, APPLY, "kysely migrate:latest"),
    cmd!("Kysely", ["kysely"], [["migrate"], ["latest", "up"]], Leading, APPLY, "kysely migrate latest"),
    cmd!("node-pg-migrate", ["node-pg-migrate"], [["up"]], Leading, APPLY, "node-pg-migrate up"),
    cmd!("node-pg-migrate", ["node-pg-migrate"], [["down", "redo"]], Leading, ROLLBACK, "node-pg-migrate up"),
    cmd!("SQLx", ["sqlx", "cargo-sqlx"], [["migrate"], ["run"]], Leading, APPLY, "sqlx migrate run"),
    cmd!("SQLx", ["sqlx", "cargo-sqlx"], [["migrate"], ["revert"]], Leading, ROLLBACK, "sqlx migrate run"),
    cmd!("SQLx", ["sqlx", "cargo-sqlx"], [["database"], ["setup", "reset"]], Leading, RESET, "sqlx migrate run"),
    cmd!("Diesel", ["diesel"], [["migration"], ["run"]], Leading, APPLY, "diesel migration run"),
    cmd!("Diesel", ["diesel"], [["migration"], ["redo", "revert"]], Leading, ROLLBACK, "diesel migration run"),
    cmd!("Diesel", ["diesel"], [["database"], ["setup", "reset"]], Leading, RESET, "diesel migration run"),
    cmd!("goose", ["goose"], [["up", "up-by-one", "up-to"]], Anywhere, APPLY, "goose up"),
    cmd!("goose", ["goose"], [["down", "down-to", "redo", "reset"]], Anywhere, ROLLBACK, "goose up"),
    cmd!("golang-migrate", ["migrate"], [["up"]], Leading, APPLY, "migrate up"),
    cmd!("golang-migrate", ["migrate"], [["down", "goto"]], Leading, ROLLBACK, "migrate up"),
    cmd!("golang-migrate", ["migrate"], [["force"]], Leading, HISTORY, "migrate up"),
    cmd!("golang-migrate", ["migrate"], [["drop"]], Leading, RESET, "migrate up"),
    cmd!("dbmate", ["dbmate"], [["up", "migrate"]], Leading, APPLY, "dbmate migrate"),
    cmd!("dbmate", ["dbmate"], [["rollback", "down"]], Leading, ROLLBACK, "dbmate migrate"),
    cmd!("dbmate", ["dbmate"], [["drop"]], Leading, RESET, "dbmate migrate"),
    cmd!("Flyway", ["flyway"], [["migrate"]], Leading, APPLY, "flyway migrate"),
    cmd!("Flyway", ["flyway"], [["clean"]], Leading, RESET, "flyway migrate"),
    cmd!("Flyway", ["flyway"], [["repair", "baseline"]], Leading, HISTORY, "flyway migrate"),
    cmd!("Flyway", ["flyway"], [["undo"]], Leading, ROLLBACK, "flyway migrate"),
    cmd!("Liquibase", ["liquibase"], [["update", "update-count"]], Leading, APPLY, "liquibase update"),
    cmd!("Liquibase", ["liquibase"], [["rollback", "rollback-count"]], Leading, ROLLBACK, "liquibase update"),
    cmd!("Liquibase", ["liquibase"], [["drop-all", "dropAll"]], Leading, RESET, "liquibase update"),
    cmd!("Sqitch", ["sqitch"], [["deploy", "rebase"]], Leading, APPLY, "sqitch deploy"),
    cmd!("Sqitch", ["sqitch"], [["revert"]], Leading, ROLLBACK, "sqitch deploy"),
    cmd!("Atlas", ["atlas"], [["migrate"], ["apply"]], Leading, APPLY, "atlas migrate apply"),
    cmd!("Atlas", ["atlas"], [["migrate"], ["down"]], Leading, ROLLBACK, "atlas migrate apply"),
    cmd!("Atlas", ["atlas"], [["schema"], ["apply"]], Leading, PUSH, "atlas migrate apply"),
    cmd!("Atlas", ["atlas"], [["schema"], ["clean"]], Leading, RESET, "atlas migrate apply"),
    cmd!("pgroll", ["pgroll"], [["start", "complete", "migrate"]], Leading, APPLY, "pgroll start"),
    cmd!("pgroll", ["pgroll"], [["rollback"]], Leading, ROLLBACK, "pgroll start"),
    cmd!("Hasura CLI", ["hasura"], [["migrate"], ["apply"]], Leading, APPLY, "hasura migrate apply"),
    cmd!("graphile-migrate", ["graphile-migrate"], [["migrate", "commit", "watch"]], Leading, APPLY, "graphile-migrate migrate"),
    cmd!("graphile-migrate", ["graphile-migrate"], [["reset"]], Leading, RESET, "graphile-migrate migrate"),
    cmd!("Rails", ["rails", "rake"], [[ "db:migrate", "db:migrate:up", "db:prepare", "db:setup", "db:schema:load", "db:structure:load", "schema:load" ]], Anywhere, APPLY, "bin/rails db:migrate"),
    cmd!("Rails", ["rails", "rake"], [["db:rollback", "db:migrate:down", "db:migrate:redo"]], Anywhere, ROLLBACK, "bin/rails db:migrate"),
    cmd!("Rails", ["rails", "rake"], [["db:reset", "db:migrate:reset", "db:drop"]], Anywhere, RESET, "bin/rails db:migrate"),
    cmd!("Django", ["manage.py", "django-admin"], [["migrate"]], Leading, APPLY, "python manage.py migrate"),
    cmd!("Django", ["manage.py", "django-admin"], [["flush"]], Leading, RESET, "python manage.py migrate"),
    cmd!("Alembic", ["alembic"], [["upgrade"]], Leading, APPLY, "alembic upgrade head"),
    cmd!("Alembic", ["alembic"], [["downgrade"]], Leading, ROLLBACK, "alembic upgrade head"),
    cmd!("Alembic", ["alembic"], [["stamp"]], Leading, HISTORY, "alembic upgrade head"),
    cmd!("Laravel", ["artisan"], [["migrate", "migrate:fresh", "migrate:refresh"]], Leading, APPLY, "php artisan migrate"),
    cmd!("Laravel", ["artisan"], [["migrate:rollback", "migrate:reset"]], Leading, ROLLBACK, "php artisan migrate"),
    cmd!("Ecto", ["mix"], [["ecto.migrate", "ecto.setup"]], Leading, APPLY, "mix ecto.migrate"),
    cmd!("Ecto", ["mix"], [["ecto.rollback"]], Leading, ROLLBACK, "mix ecto.migrate"),
    cmd!("Ecto", ["mix"], [["ecto.reset", "ecto.drop"]], Leading, RESET, "mix ecto.migrate"),
    cmd!("Entity Framework", ["dotnet-ef"], [["database"], ["update"]], Leading, APPLY, "dotnet ef database update"),
    cmd!("Entity Framework", ["dotnet"], [["ef"], ["database"], ["update"]], Leading, APPLY, "dotnet ef database update"),
    cmd!("psql", ["psql"], [], PsqlMigrationFile, APPLY, "psql -f <migration>"),
    cmd!("a migration script", ["<script>"], [], MigrationScript, APPLY, "the same script"),
];

/// True when `program` (a base name) with `args` is the table entry `cmd`.
pub(crate) fn matches(cmd: &MigrationCommand, program: &str, args: &[String]) -> bool {
    if cmd.position == Position::MigrationScript {
        return is_migration_script(program);
    }
    if !cmd.programs.contains(&program) {
        return false;
    }
    match cmd.position {
        Position::PsqlMigrationFile => psql_reads_migration(args),
        Position::MigrationScript => unreachable!("matched above"),
        Position::Leading | Position::Anywhere => {
            let positionals = positionals(args);
            let starts: Vec<usize> = match cmd.position {
                Position::Leading => leading_starts(&positionals),
                _ => (0..positionals.len()).collect(),
            };
            starts
                .into_iter()
                .any(|s| words_at(cmd.words, &positionals, s))
        }
    }
}

/// Options that make a command only write files: `prisma migrate dev --create-only` creates the
/// migration file without applying it (Prisma CLI, `packages/migrate/src/commands/MigrateDev.ts`:
/// `--create-only` returns before `applyMigrations`).
const WRITES_ONLY: &[(&str, &str)] = &[("prisma", "--create-only")];

/// The first entry of [`COMMANDS`] that `program args` runs.
pub(crate) fn find(program: &str, args: &[String]) -> Option<&'static MigrationCommand> {
    if WRITES_ONLY
        .iter()
        .any(|(p, o)| *p == program && args.iter().any(|a| a == o))
    {
        return None;
    }
    COMMANDS.iter().find(|c| matches(c, program, args))
}

/// A positional argument and whether it directly follows an option that may take it as value.
struct Positional<'a> {
    word: &'a str,
    after_option: bool,
}

fn positionals(args: &[String]) -> Vec<Positional<'_>> {
    let mut out = Vec::new();
    let mut prev_option = false;
    let mut options_done = false;
    for a in args {
        if !options_done && a == "--" {
            options_done = true;
            prev_option = false;
            continue;
        }
        if !options_done && a.starts_with('-') && a.len() > 1 {
            prev_option = !a.contains('=');
            continue;
        }
        out.push(Positional {
            word: a,
            after_option: prev_option,
        });
        prev_option = false;
    }
    out
}

/// Where the leading words may start: at the first positional, or after positionals that can all
/// be values of preceding options.
fn leading_starts(p: &[Positional<'_>]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, pos) in p.iter().enumerate() {
        starts.push(i);
        if !pos.after_option {
            break;
        }
    }
    starts
}

fn words_at(words: &[&[&str]], p: &[Positional<'_>], start: usize) -> bool {
    !words.is_empty()
        && start + words.len() <= p.len()
        && words
            .iter()
            .zip(&p[start..])
            .all(|(alts, pos)| alts.contains(&pos.word))
}

fn psql_reads_migration(args: &[String]) -> bool {
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        let file = if a == "-f" || a == "--file" || a == "<" {
            it.peek().map(|s| s.as_str())
        } else if let Some(f) = a.strip_prefix("--file=") {
            Some(f)
        } else if let Some(f) = a.strip_prefix("-f") {
            Some(f)
        } else {
            a.strip_prefix('<')
        };
        if file.is_some_and(in_migrations_folder) {
            return true;
        }
    }
    false
}

/// True when `program`, a script file's base name, names a migration runner: a script
/// (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.py`) whose name without extension is
/// `migrate`, `migration` or `migrations`, optionally with `run`, `db`, `up`, `latest` or
/// `deploy` joined by `-`, `_` or `.` (`run-migrations`, `db_migrate`, `migrate.up`).
/// `check-migrations.js` and `create-migration.ts` are not: they do not run migrations.
fn is_migration_script(program: &str) -> bool {
    const EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts", "py"];
    let Some((stem, ext)) = program.rsplit_once('.') else {
        return false;
    };
    if !EXTENSIONS.contains(&ext) {
        return false;
    }
    let stem = stem.to_ascii_lowercase();
    let mut runs = false;
    for word in stem.split(['-', '_', '.']) {
        match word {
            "migrate" | "migration" | "migrations" => runs = true,
            "run" | "db" | "up" | "latest" | "deploy" => {}
            _ => return false,
        }
    }
    runs
}

/// True when a directory of `path` (not the file name) is a migrations folder.
fn in_migrations_folder(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.pop();
    parts.iter().any(|p| {
        let p = p.to_ascii_lowercase();
        p.ends_with("migrations") || p == "migrate"
    })
}
