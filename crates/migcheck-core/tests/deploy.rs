//! migration-in-deploy-config: the command table, every file kind, positions, allow comments,
//! malformed and weird input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use migcheck_core::deploy::{
    self, check_file, find_migration_commands, is_deploy_file, DeployOptions, Position, COMMANDS,
};
use migcheck_core::{Finding, SourceFile};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/deploy")
}

fn source(path: &Path) -> Arc<SourceFile> {
    let text = std::fs::read_to_string(path).unwrap();
    let display = path
        .strip_prefix(testdata())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    SourceFile::new(path.to_path_buf(), display, text)
}

/// A file that exists only in memory, at `name` inside a scratch folder (no sibling files).
fn inline(name: &str, text: &str) -> Arc<SourceFile> {
    let path = Path::new("/nonexistent-migcheck-test").join(name);
    SourceFile::new(path, name.to_string(), text.to_string())
}

fn check(file: &Arc<SourceFile>) -> Vec<Finding> {
    check_file(file, &DeployOptions::default()).unwrap()
}

/// `path:line:col severity rule message` and the help, one finding after the other.
fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let s = f.start();
        out.push_str(&format!(
            "{}:{}:{} {} {} {}\n    = `{}`\n    help: {}\n",
            f.file.display,
            s.line,
            s.column,
            f.severity,
            f.rule,
            f.message,
            f.file.slice(&f.span).replace('\n', "⏎"),
            f.help
        ));
    }
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn check_dir(dir: &str) -> String {
    let mut out = String::new();
    for p in files_under(&testdata().join(dir)) {
        assert!(is_deploy_file(&p), "{} is not a deploy file", p.display());
        out.push_str(&render(&check(&source(&p))));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The command table

/// Every combination of alternatives of every entry, with every program name.
#[test]
fn every_table_entry_is_flagged() {
    for entry in COMMANDS {
        let mut lines: Vec<String> = Vec::new();
        if entry.position == Position::PsqlMigrationFile {
            lines.push("psql \"$DATABASE_URL\" -f supabase/migrations/001_init.sql".into());
        } else if entry.position == Position::MigrationScript {
            for runtime in ["node", "tsx", "ts-node", "bun", "deno run", "python3"] {
                lines.push(format!("{runtime} scripts/migrate.ts"));
            }
        } else {
            let mut combos: Vec<Vec<&str>> = vec![vec![]];
            for alts in entry.words {
                combos = combos
                    .into_iter()
                    .flat_map(|c| {
                        alts.iter().map(move |a| {
                            let mut c = c.clone();
                            c.push(a);
                            c
                        })
                    })
                    .collect();
            }
            for program in entry.programs {
                for c in &combos {
                    lines.push(format!("{program} {}", c.join(" ")));
                }
            }
        }
        for line in lines {
            let found = find_migration_commands(&line);
            assert_eq!(found.len(), 1, "`{line}` should be flagged once: {found:?}");
            assert!(
                std::ptr::eq(found[0].0, entry),
                "`{line}` matched {:?}, expected {:?}",
                found[0].0,
                entry
            );
        }
    }
}

/// Realistic command lines: wrappers, options, chains, quoting.
#[test]
fn realistic_commands_are_flagged() {
    let cases: &[(&str, &str)] = &[
        ("npx prisma migrate deploy", "prisma migrate deploy"),
        (
            "prisma migrate dev --name init",
            "prisma migrate dev --name init",
        ),
        (
            "npx --yes prisma@6.16.0 migrate reset --force",
            "prisma migrate reset --force",
        ),
        (
            "./node_modules/.bin/prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "node node_modules/.bin/prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "prisma --schema prisma/schema.prisma migrate deploy",
            "prisma --schema prisma/schema.prisma migrate deploy",
        ),
        (
            "npx prisma db push --accept-data-loss",
            "prisma db push --accept-data-loss",
        ),
        (
            "npx prisma db execute --file fix.sql",
            "prisma db execute --file fix.sql",
        ),
        (
            "npx prisma migrate resolve --applied 20240101_init",
            "prisma migrate resolve --applied 20240101_init",
        ),
        ("bunx prisma migrate deploy", "prisma migrate deploy"),
        ("pnpm exec prisma migrate deploy", "prisma migrate deploy"),
        ("pnpm dlx prisma migrate deploy", "prisma migrate deploy"),
        (
            "pnpm --filter api exec prisma migrate deploy",
            "prisma migrate deploy",
        ),
        ("yarn dlx prisma migrate deploy", "prisma migrate deploy"),
        ("yarn prisma migrate deploy", "prisma migrate deploy"),
        ("npm exec -- prisma migrate deploy", "prisma migrate deploy"),
        (
            "npm exec --package=prisma -- prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "dotenv -e .env -- npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "dotenv -e .env.production prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "cross-env NODE_ENV=production prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "env DATABASE_URL=$DIRECT_URL npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "DATABASE_URL=$DIRECT_URL npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        ("time npx prisma migrate deploy", "prisma migrate deploy"),
        (
            "sh -c \"npx prisma migrate deploy\"",
            "prisma migrate deploy",
        ),
        (
            "bash -ec 'echo hi; npx prisma migrate deploy'",
            "prisma migrate deploy",
        ),
        (
            "/bin/sh -c 'sh -c \"prisma migrate deploy\"'",
            "prisma migrate deploy",
        ),
        (
            "npx prisma generate && npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "npx prisma generate; npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "test -n \"$SKIP\" || npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        (
            "npx prisma migrate deploy | tee log.txt",
            "prisma migrate deploy",
        ),
        (
            "npx prisma migrate deploy 2>&1",
            "prisma migrate deploy 2>&1",
        ),
        (
            "(cd api && npx prisma migrate deploy)",
            "prisma migrate deploy",
        ),
        (
            "if true; then npx prisma migrate deploy; fi",
            "prisma migrate deploy",
        ),
        ("npx supabase db push --linked", "supabase db push --linked"),
        ("supabase@latest db reset", "supabase db reset"),
        (
            "supabase migration up --linked",
            "supabase migration up --linked",
        ),
        ("npx drizzle-kit push --force", "drizzle-kit push --force"),
        ("drizzle-kit migrate", "drizzle-kit migrate"),
        (
            "npx knex migrate:latest --env production",
            "knex migrate:latest --env production",
        ),
        ("npx sequelize-cli db:migrate", "sequelize-cli db:migrate"),
        (
            "npx typeorm-ts-node-commonjs migration:run -d src/data-source.ts",
            "typeorm-ts-node-commonjs migration:run -d src/data-source.ts",
        ),
        ("cargo sqlx migrate run", "sqlx migrate run"),
        (
            "sqlx migrate run --database-url $DATABASE_URL",
            "sqlx migrate run --database-url $DATABASE_URL",
        ),
        ("diesel migration run", "diesel migration run"),
        (
            "goose -dir db/migrations postgres \"$DATABASE_URL\" up",
            "goose -dir db/migrations postgres $DATABASE_URL up",
        ),
        ("GOOSE_DRIVER=postgres goose up-by-one", "goose up-by-one"),
        (
            "migrate -path db/migrations -database \"$DATABASE_URL\" up",
            "migrate -path db/migrations -database $DATABASE_URL up",
        ),
        (
            "migrate -source file://migrations -database $URL force 3",
            "migrate -source file://migrations -database $URL force 3",
        ),
        ("dbmate --wait up", "dbmate --wait up"),
        (
            "flyway -url=jdbc:postgresql://db/app migrate",
            "flyway -url=jdbc:postgresql://db/app migrate",
        ),
        ("bundle exec rails db:migrate", "rails db:migrate"),
        (
            "bin/rails assets:precompile db:prepare",
            "rails assets:precompile db:prepare",
        ),
        ("bundle exec rake db:schema:load", "rake db:schema:load"),
        (
            "python manage.py migrate --noinput",
            "manage.py migrate --noinput",
        ),
        ("python3 ./manage.py migrate", "manage.py migrate"),
        ("python -m alembic upgrade head", "alembic upgrade head"),
        ("uv run alembic upgrade head", "alembic upgrade head"),
        ("poetry run python manage.py migrate", "manage.py migrate"),
        ("MIX_ENV=prod mix ecto.migrate", "mix ecto.migrate"),
        (
            "atlas migrate apply --env prod",
            "atlas migrate apply --env prod",
        ),
        (
            "atlas schema apply -u $URL --to file://schema.hcl",
            "atlas schema apply -u $URL --to file://schema.hcl",
        ),
        ("npx node-pg-migrate up", "node-pg-migrate up"),
        (
            "psql $DATABASE_URL -f db/migrations/001.sql",
            "psql $DATABASE_URL -f db/migrations/001.sql",
        ),
        (
            "psql \"$DATABASE_URL\" --file=supabase/migrations/2024_init.sql",
            "psql $DATABASE_URL --file=supabase/migrations/2024_init.sql",
        ),
        (
            "psql $DATABASE_URL < migrations/001.sql",
            "psql $DATABASE_URL < migrations/001.sql",
        ),
        ("php artisan migrate --force", "artisan migrate --force"),
        ("dotnet ef database update", "dotnet ef database update"),
        (
            "concurrently \"npx prisma migrate deploy\" \"node server.js\"",
            "prisma migrate deploy",
        ),
        (
            "flyctl ssh console -C \"npx prisma migrate deploy\"",
            "prisma migrate deploy",
        ),
        (
            "heroku run -a shop -- npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
        // A custom runner (Dokploy's Dockerfile CMD runs its drizzle `migrate()` this way).
        ("node -r dotenv/config dist/migration.mjs", "migration.mjs"),
        ("npx tsx src/db/run-migrations.ts", "run-migrations.ts"),
        ("python3 scripts/db_migrate.py", "db_migrate.py"),
    ];
    for (line, shown) in cases {
        let found = find_migration_commands(line);
        assert_eq!(found.len(), 1, "`{line}` should be flagged once: {found:?}");
        assert_eq!(found[0].1, *shown, "display of `{line}`");
    }
}

#[test]
fn safe_commands_are_not_flagged() {
    let safe = [
        // Scripts that check or create migrations do not run them.
        "node scripts/check-migrations.js",
        "tsx scripts/create-migration.ts",
        "node dist/server.mjs",
        "prisma generate",
        "npx prisma generate --no-engine",
        "npx prisma migrate status",
        "npx prisma migrate diff --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma",
        "npx prisma validate",
        "npx prisma format",
        "npx prisma db pull",
        "npx prisma db seed",
        "npx prisma studio",
        "supabase gen types typescript --linked",
        "supabase migration new add_users",
        "supabase migration list",
        "supabase migration new up",
        "supabase db diff -f change",
        "supabase db lint",
        "supabase start",
        "drizzle-kit generate",
        "drizzle-kit check",
        "drizzle-kit generate --name push",
        "drizzle-kit studio",
        "knex migrate:make add_users",
        "knex migrate:status",
        "sequelize migration:generate --name x",
        "typeorm migration:generate src/migrations/x",
        "typeorm migration:show",
        "sqlx migrate info",
        "sqlx migrate add init",
        "diesel migration generate add_users",
        "diesel migration list",
        "goose status",
        "goose -dir db/migrations create add_users sql",
        "migrate create -ext sql -dir db/migrations add_users",
        "migrate -path db/migrations -database $URL version",
        "dbmate new add_users",
        "dbmate status",
        "flyway info",
        "flyway validate",
        "rails db:migrate:status",
        "bin/rails db:version",
        "python manage.py makemigrations --check",
        "python manage.py showmigrations",
        "alembic revision --autogenerate -m x",
        "alembic current",
        "alembic history",
        "mix ecto.gen.migration add_users",
        "atlas migrate diff --env dev",
        "atlas migrate lint",
        "atlas schema inspect -u $URL",
        "node-pg-migrate create add_users",
        "psql $DATABASE_URL -f seed.sql",
        "psql $DATABASE_URL -c 'select 1'",
        "psql -f migrations.sql",
        "echo prisma migrate deploy",
        "echo 'npx prisma migrate deploy && done'",
        "grep -r \"prisma migrate deploy\" docs",
        "# npx prisma migrate deploy",
        "node build/server.js # then npx prisma migrate deploy",
        "npm run build",
        "yarn build",
        "remix-serve ./build/server/index.js",
        "migcheck check",
        "fly deploy --remote-only",
        "",
        "   ",
        "&& || ; |",
    ];
    for line in safe {
        let found = find_migration_commands(line);
        assert!(
            found.is_empty(),
            "`{line}` should not be flagged: {found:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// File kinds: fixtures and snapshots

#[test]
fn deploy_files_are_recognised() {
    for yes in [
        "fly.toml",
        "fly.staging.toml",
        "apps/web/fly.production.toml",
        "package.json",
        "Procfile",
        "Dockerfile",
        "Dockerfile.prod",
        "web.Dockerfile",
        "Containerfile",
        ".github/workflows/deploy.yml",
        "repo/.github/workflows/ci.yaml",
        "render.yaml",
        "vercel.json",
        "apps/web/vercel.json",
        "railway.json",
        "railway.toml",
        "netlify.toml",
        "heroku.yml",
    ] {
        assert!(is_deploy_file(Path::new(yes)), "{yes}");
    }
    for no in [
        "fly.tom",
        "fly..toml",
        "flyio.toml",
        "package-lock.json",
        "node_modules/prisma/package.json",
        "Procfile.dev",
        ".Dockerfile",
        "workflows/deploy.yml",
        ".github/deploy.yml",
        ".github/workflows/notes.md",
        "docker-compose.yml",
        "migrations/001.sql",
        "render.yml",
        "app.json",
        "now.json",
        "node_modules/x/vercel.json",
    ] {
        assert!(!is_deploy_file(Path::new(no)), "{no}");
    }
}

#[test]
fn fly_bad() {
    insta::assert_snapshot!("fly_bad", check_dir("fly/bad"));
}

#[test]
fn package_json_bad() {
    insta::assert_snapshot!("package_json_bad", check_dir("package-json/bad"));
}

#[test]
fn procfile_bad() {
    insta::assert_snapshot!("procfile_bad", check_dir("procfile/bad"));
}

#[test]
fn dockerfile_bad() {
    insta::assert_snapshot!("dockerfile_bad", check_dir("dockerfile/bad"));
}

#[test]
fn workflow_bad() {
    insta::assert_snapshot!("workflow_bad", check_dir("workflow/bad"));
}

#[test]
fn allow_comments() {
    insta::assert_snapshot!("allow_comments", check_dir("allow"));
}

#[test]
fn good_files_have_no_findings() {
    for kind in [
        "fly",
        "package-json",
        "procfile",
        "dockerfile",
        "workflow",
        "render",
        "vercel",
        "railway",
        "netlify",
        "heroku",
    ] {
        let out = check_dir(&format!("{kind}/good"));
        assert_eq!(out, "", "{kind}/good");
    }
}

// ---------------------------------------------------------------------------------------------
// Positions

fn positions(findings: &[Finding]) -> Vec<(usize, usize, String)> {
    findings
        .iter()
        .map(|f| {
            let s = f.start();
            (s.line, s.column, f.file.slice(&f.span).to_string())
        })
        .collect()
}

#[test]
fn hotdash_fly_toml_and_package_json() {
    let fly = check(&source(&testdata().join("fly/bad/hotdash/fly.toml")));
    assert_eq!(
        positions(&fly),
        [(7, 22, "npx prisma migrate deploy".to_string())]
    );
    assert_eq!(
        fly[0].message,
        "fly.toml release_command → `prisma migrate deploy`: every deploy would apply migrations to the production database without review"
    );
    assert_eq!(
        fly[0].help,
        "Apply migrations by hand after review (e.g. `prisma migrate deploy` from a trusted machine), and keep only `prisma generate` in the release command."
    );
    let pkg = check(&source(
        &testdata().join("package-json/bad/hotdash/package.json"),
    ));
    // `setup` alone is run by hand; `start` runs it on every app start.
    assert_eq!(positions(&pkg), [(9, 15, "npm run setup".to_string())]);
    assert_eq!(
        pkg[0].message,
        "package.json script `start` → `npm run setup` → `prisma migrate deploy`: every app start would apply migrations to the production database without review"
    );
}

#[test]
fn toml_multiline_string_positions() {
    let f = check(&inline(
        "fly.toml",
        "[deploy]\nrelease_command = \"\"\"\n  npx prisma generate && \\\n  npx prisma migrate deploy\"\"\"\n",
    ));
    assert_eq!(positions(&f), [(4, 3, "npx prisma migrate deploy".into())]);
    let f = check(&inline(
        "fly.toml",
        "[deploy]\nrelease_command = '''\nnpx prisma generate\nnpx  supabase db push'''\n",
    ));
    assert_eq!(positions(&f), [(4, 1, "npx  supabase db push".into())]);
    let f = check(&inline(
        "fly.toml",
        "[deploy]\nrelease_command = \"echo \\\"é\\\" \\u0041; npx prisma db push\"\n",
    ));
    assert_eq!(positions(&f), [(2, 39, "npx prisma db push".into())]);
}

#[test]
fn json_escape_positions() {
    let f = check(&source(
        &testdata().join("package-json/bad/escapes/package.json"),
    ));
    assert_eq!(
        positions(&f),
        [
            (4, 50, "npx prisma migrate deploy".into()),
            (5, 38, "npx  supabase  db push".into()),
            (6, 42, "yarn knex migrate:latest".into()),
        ]
    );
}

#[test]
fn yaml_block_scalar_positions() {
    let f = check(&source(
        &testdata().join("workflow/bad/.github/workflows/deploy.yml"),
    ));
    let p = positions(&f);
    assert_eq!(p[0], (18, 11, "npx prisma migrate deploy".into()));
    assert_eq!(
        p[1],
        (
            20,
            15,
            "supabase db push --db-url \\\"$DATABASE_URL\\\"".into()
        )
    );
    assert_eq!(p[2].0, 22, "folded scalar starts on its first content line");
    assert_eq!(p[2].1, 11);
    let text = "jobs:\n  d:\n    steps:\n      - run: |-\n          echo ok\n\n          \n          npx prisma migrate deploy  # trailing\non: push\nenv:\n  DATABASE_URL: ${{ secrets.DATABASE_URL }}\n";
    let f = check(&inline(".github/workflows/w.yml", text));
    assert_eq!(positions(&f), [(8, 11, "npx prisma migrate deploy".into())]);
}

// ---------------------------------------------------------------------------------------------
// Allowing

#[test]
fn package_json_allow_list() {
    let file = source(&testdata().join("package-json/bad/hotdash/package.json"));
    let opts = DeployOptions {
        allowed_scripts: vec!["package.json:setup".into()],
    };
    // Allowing any script of the chain allows the finding.
    assert!(check_file(&file, &opts).unwrap().is_empty());
    let opts = DeployOptions {
        allowed_scripts: vec![
            "package-json/bad/hotdash/package.json:setup".into(),
            "hotdash/package.json:start".into(),
        ],
    };
    assert!(check_file(&file, &opts).unwrap().is_empty());
    let opts = DeployOptions {
        allowed_scripts: vec!["other/package.json:setup".into(), "setup".into()],
    };
    assert_eq!(check_file(&file, &opts).unwrap().len(), 1);
}

#[test]
fn script_names_with_colons_in_the_allow_list() {
    let file = inline(
        "package.json",
        r#"{"scripts": {"db:deploy": "prisma migrate deploy", "start": "npm run db:deploy"}}"#,
    );
    let opts = DeployOptions {
        allowed_scripts: vec!["package.json:db:deploy".into()],
    };
    assert!(check_file(&file, &opts).unwrap().is_empty());
    assert_eq!(check(&file).len(), 1);
}

#[test]
fn allow_comment_forms() {
    let cases = [
        // Directly above, also above a multi-line instruction.
        ("Procfile", "# migcheck:allow migration-in-deploy-config reason: x\nrelease: npx prisma migrate deploy\n", 0),
        ("Procfile", "release: npx prisma migrate deploy # migcheck:allow migration-in-deploy-config reason: x\n", 0),
        ("Procfile", "# migcheck:allow migration-in-deploy-config reason: x\n\nrelease: npx prisma migrate deploy\n", 2),
        ("Dockerfile", "FROM x\n# migcheck:allow migration-in-deploy-config reason: x\nCMD npx prisma generate && \\\n  npx prisma migrate deploy\n", 0),
        ("Dockerfile", "# migcheck:allow-file migration-in-deploy-config reason: throwaway image\nFROM x\nCMD npx prisma migrate deploy\n", 0),
        ("Dockerfile", "FROM x\n# migcheck:allow drop-table reason: wrong rule\nCMD npx prisma migrate deploy\n", 2),
    ];
    for (name, text, expected) in cases {
        let f = check(&inline(name, text));
        assert_eq!(f.len(), expected, "{text}\n{}", render(&f));
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed and weird input

#[test]
fn malformed_files_name_the_line() {
    let cases = [
        ("fly.toml", 4),
        ("package.json", 4),
        ("Procfile", 2),
        ("Dockerfile", 3),
        (".github/workflows/bad.yml", 5),
        ("render.yaml", 4),
        ("vercel.json", 4),
        ("railway.json", 4),
        ("railway.toml", 4),
        ("netlify.toml", 3),
        // yaml-rust2 reports the unclosed flow sequence at the end of the file.
        ("heroku.yml", 5),
    ];
    for (name, line) in cases {
        let file = source(&testdata().join("malformed").join(name));
        let err = check_file(&file, &DeployOptions::default()).unwrap_err();
        assert_eq!(err.line, line, "{name}: {err}");
        assert_eq!(err.path, format!("malformed/{name}"));
        assert!(
            err.to_string()
                .starts_with(&format!("malformed/{name}:{line}: ")),
            "{err}"
        );
    }
}

#[test]
fn weird_input_does_not_panic() {
    let deep_json = format!("{{\"a\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_yaml = format!("jobs: {}1{}", "[".repeat(50_000), "]".repeat(50_000));
    let deep_toml = format!("a = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge = format!(
        "{{\"scripts\": {{\"start\": \"{}npx prisma migrate deploy\"}}}}",
        "echo hi && ".repeat(100_000)
    );
    let chain: String = (0..2000)
        .map(|i| format!("\"s{i}\": \"npm run s{}\",", i + 1))
        .collect();
    let long_chain = format!("{{\"scripts\": {{{chain} \"s2000\": \"prisma db push\"}}}}");
    let junk: String = (0..4096u32)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('x'))
        .collect();
    let inputs: Vec<String> = vec![
        String::new(),
        "\u{feff}".into(),
        "\0\0\0\u{1}\u{2}".into(),
        junk,
        "\"".into(),
        "'''".into(),
        "\\".into(),
        "[[[".into(),
        "RUN \\".into(),
        "RUN <<EOF\nnpx prisma migrate deploy".into(),
        "release:".into(),
        ":".into(),
        "{\"scripts\": 5}".into(),
        "{\"scripts\": {\"a\": 1, \"b\": null, \"c\": [\"x\"]}}".into(),
        "[1, 2]".into(),
        "jobs: [1, 2]\n".into(),
        "jobs:\n  a:\n    steps: 5\n".into(),
        "jobs:\n  a: &x\n    steps:\n      - run: prisma db push\n  b: *x\n".into(),
        "[deploy]\nrelease_command = [1, 2]\n".into(),
        "services: [1, {startCommand: [1, {a: b}]}, {buildCommand: *nope}]\n".into(),
        "services:\n  - &s {name: a, startCommand: prisma db push}\n  - *s\n".into(),
        "{\"deploy\": {\"preDeployCommand\": [[\"a\"], 1, null, \"\"]}, \"environments\": 3}"
            .into(),
        "[context]\nproduction = 1\n[build]\ncommand = []\n".into(),
        "run:\n  web: {command: {a: 1}}\nrelease: {command: [[]]}\n".into(),
        "[deploy]\nrelease_command = \"sh -c 'sh -c \\\"sh -c prisma\\\"'\"\n".into(),
        format!(
            "[deploy]\nrelease_command = \"{}\"\n",
            "sh -c '".repeat(200)
        ),
        deep_json,
        deep_yaml,
        deep_toml,
        huge,
        long_chain,
    ];
    let names = [
        "fly.toml",
        "package.json",
        "Procfile",
        "Dockerfile",
        ".github/workflows/x.yml",
        "render.yaml",
        "vercel.json",
        "railway.json",
        "railway.toml",
        "netlify.toml",
        "heroku.yml",
    ];
    for text in &inputs {
        for name in names {
            let _ = check_file(&inline(name, text), &DeployOptions::default());
        }
    }
    // The huge script is still checked.
    let huge = inputs[inputs.len() - 2].clone();
    let f = check(&inline("package.json", &huge));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].start().line, 1);
}

#[test]
fn errors_display_path_and_line() {
    let e = deploy::DeployError {
        path: "fly.toml".into(),
        line: 3,
        message: "invalid TOML".into(),
    };
    assert_eq!(e.to_string(), "fly.toml:3: invalid TOML");
}

#[test]
fn crlf_files_report_the_same_positions() {
    for kind in [
        "fly",
        "package-json",
        "procfile",
        "dockerfile",
        "workflow",
        "render",
        "vercel",
        "railway",
        "netlify",
        "heroku",
    ] {
        for p in files_under(&testdata().join(kind).join("bad")) {
            let lf = source(&p);
            let crlf =
                SourceFile::new(p.clone(), lf.display.clone(), lf.text.replace('\n', "\r\n"));
            let key = |f: &Finding| {
                let s = f.start();
                (s.line, s.column, f.message.clone())
            };
            let a: Vec<_> = check(&lf).iter().map(key).collect();
            let b: Vec<_> = check(&crlf).iter().map(key).collect();
            assert_eq!(a, b, "{}", p.display());
        }
    }
}

/// fly.toml, Procfile, Dockerfile and workflows that start the app through package.json scripts
/// are followed into the project's package.json.
#[test]
fn script_calls_are_followed_into_the_project_package_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(
        testdata().join("package-json/bad/hotdash/package.json"),
        root.join("package.json"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    let files = [
        ("Dockerfile", "FROM node:20\nCMD [\"npm\", \"start\"]\n"),
        ("Procfile", "web: yarn start\nworker: yarn build\n"),
        (
            "fly.toml",
            "[deploy]\nrelease_command = \"npm run setup\"\n",
        ),
        (
            ".github/workflows/deploy.yml",
            "on: {push: {branches: [main]}}\njobs:\n  d:\n    env: {DATABASE_URL: \"${{ secrets.DATABASE_URL }}\"}\n    steps:\n      - run: pnpm run start\n",
        ),
    ];
    let mut out = String::new();
    for (name, text) in files {
        let path = root.join(name);
        std::fs::write(&path, text).unwrap();
        let file = SourceFile::new(path, name.to_string(), text.to_string());
        out.push_str(&render(&check(&file)));
    }
    insta::assert_snapshot!("script_calls_followed", out);
}

// ---------------------------------------------------------------------------------------------
// Reachability: only what runs unreviewed against a real database (issue 27, item 6)

/// Every deploy file under `testdata/deploy/<dir>`, checked, rendered.
fn check_tree(dir: &str) -> String {
    let mut out = String::new();
    for p in files_under(&testdata().join(dir)) {
        if is_deploy_file(&p) {
            out.push_str(&render(&check(&source(&p))));
        }
    }
    out
}

/// The team's two real revisions, as fixtures of our own: fly.toml's `release_command` runs the
/// `setup` script and `start` runs `setup`, which runs `prisma migrate deploy` (both flagged);
/// the fixed revision removes the release command and `setup` from `start` (clean, though
/// `setup` still migrates: a person runs it).
#[test]
fn hotdash_revisions_keep_their_verdicts() {
    let bad = check_tree("reach/hotdash");
    insta::assert_snapshot!("reach_hotdash", bad);
    assert!(bad.contains(
        "fly.toml release_command → `npm run setup` → `prisma migrate deploy`: every deploy"
    ));
    assert!(bad.contains(
        "package.json script `start` → `npm run setup` → `prisma migrate deploy`: every app start"
    ));
    assert_eq!(check_tree("reach/hotdash-fixed"), "");
}

/// Procfile release, Dockerfile CMD → script file → script file, ENTRYPOINT → script file →
/// `npm start` → `prestart`, npm lifecycle scripts.
#[test]
fn deploy_entry_points_are_followed() {
    let mut out = String::new();
    for dir in ["procfile", "docker-start", "docker-entry", "npm-lifecycle"] {
        out.push_str(&check_tree(&format!("reach/{dir}")));
    }
    insta::assert_snapshot!("reach_entry_points", out);
    for chain in [
        "Procfile process `release` → `prisma migrate deploy`: every release",
        // COPY ./docker/boot.sh /srv/app/boot.sh, WORKDIR /srv/app, CMD ["sh", "boot.sh"]; then
        // /srv/bin/wait-for-db, from `COPY . .` into /srv.
        "Dockerfile CMD instruction → `sh boot.sh` → `/srv/bin/wait-for-db` → `prisma migrate deploy`",
        "Dockerfile ENTRYPOINT instruction → `./start.sh` → `npm start` → script `prestart` → `drizzle-kit migrate`",
        "package.json script `postinstall` → `prisma migrate deploy`",
        "package.json script `prebuild` → `npm run db:deploy` → `prisma migrate deploy`",
    ] {
        assert!(out.contains(chain), "missing `{chain}` in\n{out}");
    }
    // Not flagged: `RUN` at image build, a Dockerfile for local development, scripts a person
    // runs (`db:deploy`, `db:migrate`, `db:push`, `db:reset`), `migrate dev` in `dev`,
    // `reset` in `test`, `--create-only` even in `build`.
    for absent in [
        "RUN",
        "Dockerfile.dev",
        "script `db:",
        "script `dev`",
        "script `test`",
        "script `build`",
        "--create-only",
    ] {
        assert!(!out.contains(absent), "`{absent}` flagged in\n{out}");
    }
}

/// Workflows: a scheduled job and a push-to-main production job reading secrets are flagged; a
/// service container, a localhost URL, a pull request job and a job only a person starts are
/// not.
#[test]
fn workflows_that_deploy_against_a_real_database() {
    let out = check_tree("reach/wf-schedule") + &check_tree("reach/wf-main");
    insta::assert_snapshot!("reach_workflows", out);
    assert!(out.contains("workflow nightly.yml job `migrate` step `Apply` → `prisma migrate deploy`: every scheduled run"));
    assert!(out.contains("workflow deploy.yml job `release` step `Push schema` → `supabase db push`: every push to `main`"));
    assert_eq!(check_tree("reach/wf-safe"), "");
}

#[test]
fn create_only_never_applies() {
    assert!(find_migration_commands("npx prisma migrate dev --create-only --name x").is_empty());
    assert_eq!(
        find_migration_commands("npx prisma migrate dev --name x").len(),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// Scope: exit 2 only for what migcheck was asked to judge (issue 27, item 5)

fn run(paths: &[PathBuf]) -> migcheck_core::lint::Report {
    migcheck_core::lint::check(paths, &migcheck_core::lint::CheckOptions::default())
}

#[test]
fn invalid_workflow_found_by_walking_is_a_warning() {
    let root = testdata().join("scope");
    let report = run(std::slice::from_ref(&root));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let found: Vec<Finding> = report.findings.to_vec();
    assert_eq!(found.len(), 1, "{}", render(&found));
    let f = &found[0];
    assert_eq!(f.severity, migcheck_core::Severity::Warning);
    assert_eq!(f.rule, "migration-in-deploy-config");
    assert!(f.file.path.ends_with(".github/workflows/broken.yml"));
    assert_eq!(f.start().line, 6);
    assert!(
        f.message.contains("cannot be read (invalid YAML"),
        "{}",
        f.message
    );
    // The archived copy under docs/ is no workflow: neither its migration nor its syntax error
    // is reported.
    assert!(
        !report.checked.iter().any(|c| c.contains("archive")),
        "{:?}",
        report.checked
    );
}

#[test]
fn invalid_workflow_named_on_the_command_line_is_an_error() {
    let file = testdata().join("scope/.github/workflows/broken.yml");
    let report = run(&[file]);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, Some(6));
    assert_eq!(report.findings.len(), 0);
}

// ---------------------------------------------------------------------------------------------
// Hosting platforms' build, start and pre-deploy commands (issue 27, item 6)

/// Render Blueprint (https://render.com/docs/blueprint-spec; deploy steps:
/// https://render.com/docs/deploys): `buildCommand`, `preDeployCommand`, `startCommand` and
/// `dockerCommand` of each service all run on every deploy with the service's database URL.
#[test]
fn render_blueprint_commands() {
    let out = check_dir("render/bad");
    insta::assert_snapshot!("render_bad", out);
    let file = source(&testdata().join("render/bad/render.yaml"));
    let found = check(&file);
    assert_eq!(
        positions(&found),
        [
            (
                7,
                19,
                "npx prisma migrate deploy --schema db/schema.prisma".to_string()
            ),
            (16, 55, "alembic upgrade head".to_string()),
            (17, 23, "python manage.py migrate --noinput".to_string()),
            (25, 7, "npx knex migrate:latest".to_string()),
        ]
    );
    assert_eq!(
        found[0].message,
        "render.yaml service `shop-web` startCommand → `prisma migrate deploy --schema db/schema.prisma`: every start of the `shop-web` service would apply migrations to the production database without review"
    );
    assert!(found[1]
        .message
        .contains("every build of the `shop-jobs` service"));
    assert!(found[2]
        .message
        .contains("every deploy of the `shop-jobs` service"));
    assert!(found[3]
        .message
        .contains("every scheduled run of the `nightly-cleanup` cron job"));
}

/// vercel.json (https://vercel.com/docs/project-configuration): `buildCommand` and
/// `installCommand` run on every deployment; `devCommand` only under `vercel dev`. Without a
/// `buildCommand`, Vercel runs package.json's `vercel-build` or `build`, which package.json's
/// own entry points already cover.
#[test]
fn vercel_json_commands() {
    let out = check_dir("vercel/bad");
    insta::assert_snapshot!("vercel_bad", out);
    let found = check(&source(&testdata().join("vercel/bad/vercel.json")));
    assert_eq!(
        positions(&found),
        [
            (4, 32, "npx drizzle-kit push".to_string()),
            (5, 39, "prisma migrate deploy".to_string()),
        ]
    );
    assert!(found[0].message.starts_with(
        "vercel.json installCommand → `drizzle-kit push`: every Vercel deployment (install step)"
    ));
    assert!(!out.contains("devCommand"), "{out}");
    // No buildCommand: Vercel runs `vercel-build`, or else `build`; both are package.json
    // entry points already.
    let pkg = check(&inline(
        "package.json",
        r#"{"scripts": {"vercel-build": "prisma migrate deploy && next build", "build": "npm run db && next build", "db": "drizzle-kit push"}}"#,
    ));
    let messages: Vec<&str> = pkg.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with(
        "package.json script `vercel-build` → `prisma migrate deploy`: every Vercel build"
    ));
    assert!(messages[1].starts_with(
        "package.json script `build` → `npm run db` → `drizzle-kit push`: every build"
    ));
}

/// railway.json / railway.toml (https://docs.railway.com/config-as-code/reference):
/// `build.buildCommand`, `deploy.preDeployCommand` (a list), `deploy.startCommand`, also under
/// `environments.<name>`.
#[test]
fn railway_config_commands() {
    let out = check_dir("railway/bad");
    insta::assert_snapshot!("railway_bad", out);
    let json = check(&source(&testdata().join("railway/bad/railway.json")));
    assert_eq!(
        positions(&json),
        [
            (8, 27, "npx prisma migrate deploy".to_string()),
            (14, 26, "npx prisma db push --accept-data-loss".to_string()),
        ]
    );
    assert!(json[0].message.starts_with(
        "railway.json deploy.preDeployCommand → `prisma migrate deploy`: every Railway deploy"
    ));
    assert!(json[1].message.starts_with(
        "railway.json environments.staging.deploy.startCommand → `prisma db push --accept-data-loss`: every start of the service"
    ));
    let toml = check(&source(&testdata().join("railway/bad/railway.toml")));
    // The multi-line build command at its own line; the exec-form list as a whole.
    assert_eq!(
        positions(&toml),
        [
            (5, 1, "alembic upgrade head".to_string()),
            (9, 21, "\"alembic\", \"upgrade\", \"head\"".to_string()),
        ]
    );
}

/// netlify.toml (https://docs.netlify.com/configure-builds/file-based-configuration/):
/// `[build] command` and `[context.<name>] command`; `[dev] command` runs only under
/// `netlify dev`.
#[test]
fn netlify_toml_commands() {
    let out = check_dir("netlify/bad");
    insta::assert_snapshot!("netlify_bad", out);
    let found = check(&source(&testdata().join("netlify/bad/netlify.toml")));
    assert_eq!(
        positions(&found),
        [
            (4, 14, "npx prisma migrate deploy".to_string()),
            (7, 14, "npx prisma db push".to_string()),
        ]
    );
    assert!(found[1]
        .message
        .starts_with("netlify.toml context.deploy-preview.command → `prisma db push`: every Netlify `deploy-preview` build"));
    assert!(!out.contains("migrate dev"), "{out}");
}

/// heroku.yml (https://devcenter.heroku.com/articles/build-docker-images-heroku-yml):
/// `release.command` on every release, `run` processes on every start.
#[test]
fn heroku_yml_commands() {
    let out = check_dir("heroku/bad");
    insta::assert_snapshot!("heroku_bad", out);
    let found = check(&source(&testdata().join("heroku/bad/heroku.yml")));
    assert_eq!(
        positions(&found),
        [
            (7, 7, "bundle exec rails db:migrate".to_string()),
            (12, 9, "python manage.py migrate".to_string()),
        ]
    );
    assert!(found[0]
        .message
        .starts_with("heroku.yml release.command → `rails db:migrate`: every release"));
    assert!(found[1].message.starts_with(
        "heroku.yml process `worker` → `manage.py migrate`: every start of the `worker` process"
    ));
}

/// The platforms' commands are followed like fly.toml's release command: `npm run x` into the
/// project's package.json (in Render's `rootDir`, Netlify's `[build] base`), script files read
/// from the repository.
#[test]
fn platform_commands_are_followed() {
    let mut out = String::new();
    for dir in ["render", "vercel", "railway", "netlify"] {
        out.push_str(&check_tree(&format!("reach/{dir}")));
    }
    insta::assert_snapshot!("reach_platforms", out);
    for chain in [
        "render.yaml service `api` preDeployCommand → `npm run db:deploy` → `prisma migrate deploy`: every deploy of the `api` service",
        "render.yaml service `api` startCommand → `./scripts/start.sh` → `knex migrate:latest --knexfile db/knexfile.js`: every start of the `api` service",
        "vercel.json buildCommand → `npm run vercel:build` → `npm run db:migrate` → `drizzle-kit migrate`: every Vercel deployment (build step)",
        "railway.toml deploy.preDeployCommand → `npm run migrate:prod` → `node-pg-migrate up`: every Railway deploy",
        // Render's `rootDir` and Netlify's `[build] base`: the package.json there.
        "render.yaml service `jobs` preDeployCommand → `npm run release` → `sequelize db:migrate`: every deploy of the `jobs` service",
        "netlify.toml build.command → `npm run netlify:build` → `npm run db` → `supabase db push`: every Netlify build",
    ] {
        assert!(out.contains(chain), "missing `{chain}` in\n{out}");
    }
    // `npm run build` reaches no migration; scripts only a person runs are not entry points.
    for absent in [
        "buildCommand → `npm run build`",
        "db:studio",
        "migrate:make",
        "script `dev`",
    ] {
        assert!(!out.contains(absent), "`{absent}` flagged in\n{out}");
    }
}

/// YAML and TOML platform files take allow comments like fly.toml; the JSON ones cannot.
#[test]
fn platform_allow_comments() {
    let render = "services:\n  - name: preview\n    # migcheck:allow migration-in-deploy-config reason: preview database, recreated on each deploy\n    preDeployCommand: npx prisma migrate reset --force\n    startCommand: npx prisma db push\n";
    let found = check(&inline("render.yaml", render));
    assert_eq!(
        positions(&found),
        [(5, 19, "npx prisma db push".to_string())]
    );
    let railway = "[deploy]\npreDeployCommand = [\"npx prisma migrate deploy\"] # migcheck:allow migration-in-deploy-config reason: staging only\n";
    assert_eq!(check(&inline("railway.toml", railway)).len(), 0);
    // Without a reason the comment allows nothing and is reported.
    let netlify = "[build]\n# migcheck:allow migration-in-deploy-config\ncommand = \"npx prisma migrate deploy\"\n";
    let rules: Vec<&str> = check(&inline("netlify.toml", netlify))
        .iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(rules, ["invalid-allow", "migration-in-deploy-config"]);
}

/// A platform file found by walking that cannot be parsed is a warning, never exit 2.
#[test]
fn invalid_platform_file_found_by_walking_is_a_warning() {
    let root = testdata().join("platform-scope");
    let report = run(std::slice::from_ref(&root));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let found: Vec<Finding> = report.findings.to_vec();
    assert_eq!(found.len(), 1, "{}", render(&found));
    assert_eq!(found[0].severity, migcheck_core::Severity::Warning);
    assert!(found[0].file.path.ends_with("render.yaml"));
    assert!(
        found[0].message.contains("cannot be read (invalid YAML"),
        "{}",
        found[0].message
    );
}
