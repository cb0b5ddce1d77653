//! The first hour of a team adopting migcheck, as a newcomer runs it (issue 30, "Done when"):
//! on a Supabase project of 800 migrations generated here (our own fixture, built in code and
//! deterministic), `migcheck init`, `migcheck check` on the whole history, a baseline set the
//! way docs/getting-started.md says, a clean run, then one new bad migration that fails alone.
//! Each step's output is a snapshot: what a newcomer reads.

mod support;

use std::fmt::Write as _;
use support::{git, run, Run};

/// How many migration files the generated project holds.
const MIGRATIONS: usize = 800;

/// Table names a product grows over the years, in the order it creates them.
const NOUNS: &[&str] = &[
    "projects",
    "tasks",
    "comments",
    "customers",
    "invoices",
    "orders",
    "products",
    "teams",
    "members",
    "events",
    "attachments",
    "notifications",
    "labels",
    "payments",
    "subscriptions",
    "webhooks",
    "reports",
    "messages",
    "channels",
    "invites",
];

const AREAS: &[&str] = &[
    "",
    "billing_",
    "crm_",
    "support_",
    "ops_",
    "analytics_",
    "hr_",
    "sales_",
];

/// The days-since-1970 date as (year, month, day) (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The 14-digit version of migration `i`: about one every working day from January 2022.
fn version(i: usize) -> String {
    let i = i as i64;
    // 2022-01-03 is day 18_995.
    let (y, m, d) = civil(18_995 + i * 4 / 3);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        9 + i % 9,
        (i * 7) % 60,
        (i * 13) % 60
    )
}

/// The name of the `n`th table created (every name is new: the third round of areas keeps
/// its history in `_log` tables).
fn table(n: usize) -> String {
    let area = AREAS[(n / NOUNS.len()) % AREAS.len()];
    let noun = NOUNS[n % NOUNS.len()];
    let round = n / (NOUNS.len() * AREAS.len());
    let suffix = ["", "_log", "_log2"][round];
    format!("{area}{noun}{suffix}")
}

/// One migration of the project's history: its file name suffix and its SQL. Most are ordinary
/// and safe; a few are the unsafe changes every old project has applied.
/// `created` lists the tables that exist, `made` counts every table ever created.
fn migration(i: usize, created: &mut Vec<String>, made: &mut usize) -> (String, String) {
    let mut sql = String::new();
    // The historic unsafe changes, once each, at fixed points of the history.
    match i {
        97 => {
            let t = &created[3];
            writeln!(
                sql,
                "-- The old free-text address is now in customer_addresses."
            )
            .unwrap();
            writeln!(sql, "alter table public.{t} drop column legacy_note;").unwrap();
            return ("drop_legacy_note".into(), sql);
        }
        211 => {
            let t = &created[1];
            writeln!(
                sql,
                "alter table public.{t} rename column legacy_note to internal_note;"
            )
            .unwrap();
            return ("rename_task_legacy_note".into(), sql);
        }
        305 => {
            let t = &created[4];
            writeln!(
                sql,
                "alter table public.{t} alter column amount type numeric(12, 2);"
            )
            .unwrap();
            return ("invoice_amount_numeric".into(), sql);
        }
        402 => {
            let t = &created[5];
            writeln!(
                sql,
                "create index {t}_created_at_idx on public.{t} (created_at);"
            )
            .unwrap();
            return ("index_orders_created_at".into(), sql);
        }
        488 => {
            let t = created.remove(9);
            writeln!(sql, "-- Events moved to the analytics warehouse.").unwrap();
            writeln!(sql, "drop table public.{t} cascade;").unwrap();
            return ("drop_events".into(), sql);
        }
        590 => {
            let t = created[12].clone();
            let new = format!("{t}_v2");
            writeln!(sql, "alter table public.{t} rename to {new};").unwrap();
            created[12] = new;
            return ("rename_labels".into(), sql);
        }
        733 => {
            let t = &created[2];
            // Not `{t}_owner_id_idx`: PostgreSQL gave that name to the unnamed index on the
            // same column when the table was created, and this migration would fail.
            writeln!(sql, "create index idx_{t}_owner on public.{t} (owner_id);").unwrap();
            return ("index_comments_owner".into(), sql);
        }
        _ => {}
    }
    match i % 4 {
        // A new table, its row level security and its policies.
        0 => {
            let t = table(*made);
            *made += 1;
            let parent = created.last().cloned();
            writeln!(sql, "create table public.{t} (").unwrap();
            writeln!(sql, "  id bigint generated always as identity primary key,").unwrap();
            writeln!(
                sql,
                "  owner_id uuid not null default auth.uid() references auth.users (id),"
            )
            .unwrap();
            if let Some(p) = &parent {
                writeln!(sql, "  {p}_id bigint references public.{p} (id),").unwrap();
            }
            writeln!(sql, "  title text not null,").unwrap();
            writeln!(sql, "  legacy_note text,").unwrap();
            writeln!(sql, "  amount integer,").unwrap();
            writeln!(sql, "  metadata jsonb not null default '{{}}'::jsonb,").unwrap();
            writeln!(sql, "  created_at timestamptz not null default now()").unwrap();
            writeln!(sql, ");").unwrap();
            writeln!(sql).unwrap();
            writeln!(sql, "create index on public.{t} (owner_id);").unwrap();
            if let Some(p) = &parent {
                writeln!(sql, "create index on public.{t} ({p}_id);").unwrap();
            }
            writeln!(sql).unwrap();
            writeln!(sql, "alter table public.{t} enable row level security;").unwrap();
            writeln!(sql).unwrap();
            writeln!(
                sql,
                "create policy \"Owners read their {t}\" on public.{t}\n  for select to authenticated\n  using ((select auth.uid()) = owner_id);"
            )
            .unwrap();
            writeln!(
                sql,
                "create policy \"Owners write their {t}\" on public.{t}\n  for insert to authenticated\n  with check ((select auth.uid()) = owner_id);"
            )
            .unwrap();
            created.push(t.clone());
            (format!("create_{t}"), sql)
        }
        // A nullable column on an existing table: behind a lock timeout once the team
        // learnt to set one (the first year's migrations do not).
        1 => {
            let t = &created[(i * 7) % created.len()];
            if i >= 240 {
                writeln!(sql, "set lock_timeout = '5s';").unwrap();
            }
            writeln!(sql, "alter table public.{t} add column note_{i} text;").unwrap();
            (format!("{t}_note_{i}"), sql)
        }
        // A function the API calls, with a fixed search_path.
        2 => {
            let t = &created[(i * 3) % created.len()];
            writeln!(
                sql,
                "create or replace function public.count_{t}_{i}()\nreturns bigint\nlanguage sql\nstable\nsecurity invoker\nset search_path = ''\nas $$\n  select count(*) from public.{t};\n$$;"
            )
            .unwrap();
            (format!("count_{t}_{i}"), sql)
        }
        // Documentation and a view for the dashboard.
        _ => {
            let t = &created[(i * 5) % created.len()];
            writeln!(
                sql,
                "comment on table public.{t} is 'Owned rows, see policies.';"
            )
            .unwrap();
            writeln!(
                sql,
                "create or replace view public.{t}_recent_{i}\nwith (security_invoker = true) as\n  select id, title, created_at from public.{t}\n  where created_at > now() - interval '30 days';"
            )
            .unwrap();
            (format!("{t}_recent_view_{i}"), sql)
        }
    }
}

/// Writes the project: `supabase/config.toml`, 800 migrations, a `package.json` and a
/// `fly.toml` whose commands apply no migration, a `.gitignore`; a git repository.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    support::write(
        &root.join("supabase/config.toml"),
        "project_id = \"teamboard\"\n\n[api]\nenabled = true\nport = 54321\nschemas = [\"public\", \"graphql_public\"]\n\n[db]\nport = 54322\nmajor_version = 15\n",
    );
    let mut created = Vec::new();
    let mut made = 0;
    for i in 0..MIGRATIONS {
        let (name, sql) = migration(i, &mut created, &mut made);
        support::write(
            &root.join(format!("supabase/migrations/{}_{name}.sql", version(i))),
            &sql,
        );
    }
    support::write(
        &root.join("package.json"),
        r#"{
  "name": "teamboard",
  "private": true,
  "scripts": {
    "dev": "next dev",
    "build": "next build",
    "start": "next start",
    "lint": "next lint",
    "test": "vitest run"
  },
  "dependencies": {
    "@supabase/supabase-js": "^2.45.0",
    "next": "14.2.5"
  }
}
"#,
    );
    support::write(
        &root.join("fly.toml"),
        "app = \"teamboard\"\nprimary_region = \"fra\"\n\n[build]\n  dockerfile = \"Dockerfile\"\n\n[http_service]\n  internal_port = 3000\n  force_https = true\n  auto_stop_machines = true\n  min_machines_running = 1\n",
    );
    support::write(&root.join(".gitignore"), "node_modules/\n.next/\n.env\n");
    git(root, &["init", "-q"]);
    dir
}

/// The first `head` and last `tail` lines of `text`, with how many were left out between them:
/// what a newcomer sees of a long output (the first screen, and what the terminal still shows).
fn ends(text: &str, head: usize, tail: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= head + tail {
        return text.to_owned();
    }
    let mut out = lines[..head].join("\n");
    write!(out, "\n[... {} lines ...]\n", lines.len() - head - tail).unwrap();
    out.push_str(&lines[lines.len() - tail..].join("\n"));
    out.push('\n');
    out
}

fn both(r: &Run) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

#[test]
fn first_hour_on_800_migrations() {
    let repo = project();
    let dir = repo.path();
    let files = std::fs::read_dir(dir.join("supabase/migrations"))
        .unwrap()
        .count();
    assert_eq!(files, MIGRATIONS);

    // 1. init: the config it writes, and what it tells the newcomer.
    let init = run(dir, &["init"]);
    assert_eq!(init.code, 0, "{}", both(&init));
    insta::assert_snapshot!("init_output", both(&init));
    let toml = std::fs::read_to_string(dir.join("migcheck.toml")).unwrap();
    insta::assert_snapshot!("init_migcheck_toml", toml);

    // 2. check on the whole history: it fails on the old unsafe changes.
    let check = run(dir, &["check"]);
    assert_eq!(check.code, 1, "{}", both(&check));
    assert_eq!(check.stderr, "");
    insta::assert_snapshot!("check_history", ends(&check.stdout, 40, 40));

    // 2b. the same run, only the count per rule (docs/getting-started.md).
    let stats = run(dir, &["check", "--format", "concise", "--statistics"]);
    assert_eq!(stats.code, 1, "{}", both(&stats));
    assert_eq!(stats.stdout.lines().count(), 72, "one line per finding");
    insta::assert_snapshot!("check_history_statistics", stats.stderr);

    // 3. the baseline, written then set in migcheck.toml as docs/getting-started.md says.
    let write = run(
        dir,
        &["check", "--write-baseline", "migcheck-baseline.json"],
    );
    assert_eq!(write.code, 0, "{}", both(&write));
    insta::assert_snapshot!("write_baseline", both(&write));
    // docs/getting-started.md: uncomment the line `init` wrote.
    let path = dir.join("migcheck.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let commented = "\n# baseline = \"migcheck-baseline.json\"\n";
    assert_eq!(text.matches(commented).count(), 1, "{text}");
    let text = text.replace(commented, "\nbaseline = \"migcheck-baseline.json\"\n");
    std::fs::write(&path, text).unwrap();

    // 4. check again: clean.
    let clean = run(dir, &["check"]);
    assert_eq!(clean.code, 0, "{}", both(&clean));
    insta::assert_snapshot!("check_with_baseline", both(&clean));

    // 5. a new bad migration: only its findings fail the run.
    let orders = table(5);
    support::write(
        &dir.join("supabase/migrations/20250203101500_orders_status.sql"),
        &format!(
            "alter table public.{orders} add column status text;\n\
             create index {orders}_status_idx on public.{orders} (status);\n"
        ),
    );
    let new = run(dir, &["check"]);
    assert_eq!(new.code, 1, "{}", both(&new));
    insta::assert_snapshot!("check_new_bad_migration", both(&new));
    let located: Vec<&str> = new
        .stdout
        .lines()
        .filter_map(|l| l.find("╭─[").map(|at| &l[at..]))
        .collect();
    assert_eq!(located.len(), 3, "{}", new.stdout);
    for at in located {
        assert!(
            at.starts_with("╭─[supabase/migrations/20250203101500_orders_status.sql:"),
            "a finding outside the new file: {at}"
        );
    }
}
