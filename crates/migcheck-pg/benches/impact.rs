//! The impact model against a real server: how long four DDL statements take on tables of
//! 10^5, 10^6 and 10^7 rows, next to what migcheck estimates for them (issue 32). This is the
//! calibration behind docs/impact.md and `migcheck_core::impact::model`; rerun it to check
//! the constants on another machine or PostgreSQL version.
//!
//! `cargo bench -p migcheck-pg --bench impact` (several minutes; set
//! `MIGCHECK_IMPACT_MAX_ROWS=1000000` to skip the 10^7-row table). It needs the PostgreSQL
//! server binaries (`initdb`, `postgres`, `pg_ctl`), as `migcheck replay` does.
//!
//! 1. Starts a [`ThrowawayServer`] with durability back on (`fsync`, `full_page_writes`,
//!    `synchronous_commit`), `shared_buffers` 128 MB (PostgreSQL's defaults), no parallel
//!    maintenance workers and no autovacuum, as in the measurements of docs/impact.md.
//! 2. For each size N: `t_N (id bigint PRIMARY KEY, a int, b text, c timestamptz)` filled
//!    with N rows, `VACUUM ANALYZE`, `CHECKPOINT`; its figures read with
//!    [`migcheck_pg::stats::read`], as `check --database-url` reads them.
//! 3. Each statement (`CREATE INDEX`, `ADD COLUMN … DEFAULT gen_random_uuid()`, `ALTER COLUMN
//!    … TYPE bigint`, `SET NOT NULL`) three times: an untimed `CHECKPOINT`, `BEGIN`, the
//!    statement timed alone, `ROLLBACK`. The median is kept.
//! 4. The estimate goes through migcheck's own path: the statement parsed
//!    ([`migcheck_core::parse::parse_one`]), its work read ([`migcheck_core::impact::target_of`]),
//!    then [`migcheck_core::impact::estimate_seconds`] on the table's figures.
//!
//! Prints a Markdown table (measured and estimated seconds, est/measured), the worst ratio,
//! the server's version and settings. Exits 1 when an estimate is more than 3x off the
//! measured time in either direction (or a statement has no estimate), 2 when it cannot run.

#[cfg(unix)]
mod bench {
    use std::time::Instant;

    use migcheck_core::impact::{bytes_text, estimate_seconds, target_of, TableStats};
    use migcheck_pg::stats::{read, StatsOptions, Tables};
    use migcheck_pg::{connect, ServerOptions, ThrowawayServer};
    use tokio_postgres::{Client, SimpleQueryMessage};

    /// Table sizes, in rows.
    const SIZES: [u64; 3] = [100_000, 1_000_000, 10_000_000];
    /// Timed runs of each statement; the median is kept.
    const RUNS: usize = 3;
    /// An estimate within this factor of the measured time, either way, passes.
    const LIMIT: f64 = 3.0;

    /// The server's settings on top of the throwaway server's own (which come first, so
    /// these win): durability back on, PostgreSQL's default buffers, serial index builds, no
    /// background vacuum.
    const SETTINGS: &[(&str, &str)] = &[
        ("fsync", "on"),
        ("full_page_writes", "on"),
        ("synchronous_commit", "on"),
        ("shared_buffers", "128MB"),
        ("max_parallel_maintenance_workers", "0"),
        ("autovacuum", "off"),
    ];

    /// The settings printed with the results (what the figures depend on).
    const SHOWN: &[&str] = &[
        "autovacuum",
        "checkpoint_timeout",
        "fsync",
        "full_page_writes",
        "maintenance_work_mem",
        "max_parallel_maintenance_workers",
        "max_wal_size",
        "shared_buffers",
        "synchronous_commit",
        "wal_compression",
        "wal_level",
        "work_mem",
    ];

    /// The statements timed on table `t`.
    fn statements(t: &str) -> [String; 4] {
        [
            format!("CREATE INDEX ON {t} (a)"),
            format!("ALTER TABLE {t} ADD COLUMN d uuid DEFAULT gen_random_uuid()"),
            format!("ALTER TABLE {t} ALTER COLUMN a TYPE bigint"),
            format!("ALTER TABLE {t} ALTER COLUMN c SET NOT NULL"),
        ]
    }

    struct Row {
        table: String,
        stats: TableStats,
        statement: String,
        measured: f64,
        estimated: Option<f64>,
    }

    impl Row {
        fn ratio(&self) -> Option<f64> {
            self.estimated.map(|e| e / self.measured)
        }
        /// How far off, as a factor >= 1 (infinite without an estimate).
        fn off(&self) -> f64 {
            match self.ratio() {
                Some(r) if r > 0.0 && r.is_finite() => r.max(1.0 / r),
                _ => f64::INFINITY,
            }
        }
    }

    fn pg_error(e: tokio_postgres::Error) -> String {
        match e.as_db_error() {
            Some(db) => format!("{}: {}", db.severity(), db.message()),
            None => e.to_string(),
        }
    }

    async fn exec(client: &Client, sql: &str) -> Result<(), String> {
        client
            .batch_execute(sql)
            .await
            .map_err(|e| format!("{sql}: {}", pg_error(e)))
    }

    /// The first column of the rows of one simple query.
    async fn column(client: &Client, sql: &str) -> Result<Vec<String>, String> {
        let msgs = client
            .simple_query(sql)
            .await
            .map_err(|e| format!("{sql}: {}", pg_error(e)))?;
        Ok(msgs
            .into_iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            })
            .collect())
    }

    /// Seconds of `stmt` alone, after an untimed checkpoint, inside a transaction rolled back.
    async fn time_once(client: &Client, stmt: &str) -> Result<f64, String> {
        exec(client, "CHECKPOINT").await?;
        exec(client, "BEGIN").await?;
        let began = Instant::now();
        let result = exec(client, stmt).await;
        let seconds = began.elapsed().as_secs_f64();
        exec(client, "ROLLBACK").await?;
        result.map(|()| seconds)
    }

    /// What migcheck estimates for `stmt` on a table with these figures: the same path as
    /// `check --database-url` (parse, the statement's work, the model).
    fn estimate(stmt: &str, table: &str, stats: &TableStats) -> Result<Option<f64>, String> {
        let ast = migcheck_core::parse::parse_one(stmt).map_err(|e| format!("{stmt}: {e}"))?;
        let target = target_of(&ast, None).ok_or_else(|| format!("{stmt}: no target"))?;
        if target.table != ("public".to_string(), table.to_string()) {
            return Err(format!("{stmt}: target read as {:?}", target.table));
        }
        Ok(estimate_seconds(target.work, stats))
    }

    async fn measure(client: &Client, max_rows: u64) -> Result<Vec<Row>, String> {
        let mut rows = Vec::new();
        for n in SIZES.into_iter().filter(|&n| n <= max_rows) {
            let t = format!("t_{n}");
            let began = Instant::now();
            eprintln!("loading {t}");
            exec(
                client,
                &format!(
                    "CREATE TABLE {t} (id bigint PRIMARY KEY, a int, b text, c timestamptz); \
                     INSERT INTO {t} SELECT g, (random()*1e6)::int, md5(g::text) || md5((g+1)::text), \
                     now() - g * interval '1 second' FROM generate_series(1,{n}) g"
                ),
            )
            .await?;
            // VACUUM cannot run in the implicit transaction of a multi-statement message.
            exec(client, &format!("VACUUM ANALYZE {t}")).await?;
            exec(client, "CHECKPOINT").await?;
            let snapshot = read(
                client,
                &Tables::Named(vec![("public".into(), t.clone())]),
                &StatsOptions::default(),
            )
            .await
            .map_err(|e| format!("reading the figures of {t}: {e}"))?;
            let stats = snapshot
                .tables
                .into_iter()
                .next()
                .ok_or_else(|| format!("no figures for {t}"))?;
            eprintln!(
                "  loaded in {:.1} s: rows {}, heap {}, indexes {}, TOAST {}",
                began.elapsed().as_secs_f64(),
                stats.rows,
                stats.heap_bytes,
                stats.index_bytes,
                stats.toast_bytes
            );
            for stmt in statements(&t) {
                let estimated = estimate(&stmt, &t, &stats)?;
                let mut times = Vec::with_capacity(RUNS);
                for run in 1..=RUNS {
                    let s = time_once(client, &stmt).await?;
                    eprintln!("  {stmt}: run {run} {s:.3} s");
                    times.push(s);
                }
                times.sort_by(|a, b| a.total_cmp(b));
                rows.push(Row {
                    table: t.clone(),
                    stats: stats.clone(),
                    statement: stmt,
                    measured: times[times.len() / 2],
                    estimated,
                });
            }
            exec(client, &format!("DROP TABLE {t}")).await?;
        }
        Ok(rows)
    }

    fn report(rows: &[Row], version: &str, settings: &[String]) -> bool {
        println!();
        println!(
            "| table | rows | heap | indexes | statement | measured s | estimated s | est/measured |"
        );
        println!("|---|---:|---:|---:|---|---:|---:|---:|");
        for r in rows {
            println!(
                "| {} | {} | {} | {} | `{}` | {:.3} | {} | {} |",
                r.table,
                r.stats.rows,
                bytes_text(r.stats.heap_bytes),
                bytes_text(r.stats.index_bytes),
                r.statement,
                r.measured,
                r.estimated.map_or("none".into(), |e| format!("{e:.3}")),
                r.ratio().map_or("-".into(), |x| format!("{x:.2}")),
            );
        }
        println!();
        let worst = rows.iter().max_by(|a, b| a.off().total_cmp(&b.off()));
        let ok = rows.iter().all(|r| r.off() <= LIMIT);
        match worst {
            Some(w) => {
                println!("worst ratio: {:.2}x (limit {LIMIT}x)", w.off());
                println!(
                    "  (est/measured {}, {}: {})",
                    w.ratio().map_or("-".into(), |x| format!("{x:.2}")),
                    w.table,
                    w.statement
                );
            }
            None => println!("worst ratio: - (nothing measured; limit {LIMIT}x)"),
        }
        println!("server: PostgreSQL {version}");
        println!("settings: {}", settings.join(", "));
        println!(
            "cpus: {}",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        if !ok {
            println!("FAIL: an estimate is more than {LIMIT}x off the measured time");
        }
        ok
    }

    /// Exit code: 0 all within the limit, 1 an estimate outside it, 2 could not run.
    pub fn main() -> i32 {
        let max_rows = match std::env::var("MIGCHECK_IMPACT_MAX_ROWS") {
            Ok(v) => match v.trim().replace('_', "").parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    eprintln!("MIGCHECK_IMPACT_MAX_ROWS: not a number of rows: {v:?}");
                    return 2;
                }
            },
            Err(_) => SIZES[SIZES.len() - 1],
        };
        if max_rows < SIZES[0] {
            eprintln!(
                "MIGCHECK_IMPACT_MAX_ROWS={max_rows}: below the smallest table ({}), nothing to measure",
                SIZES[0]
            );
            return 2;
        }
        let began = Instant::now();
        let server = match ThrowawayServer::start(ServerOptions {
            settings: SETTINGS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..ServerOptions::default()
        }) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot start PostgreSQL: {e}");
                return 2;
            }
        };
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("cannot start the async runtime: {e}");
                return 2;
            }
        };
        let outcome = rt.block_on(async {
            let client = connect(&server.connection_config())
                .await
                .map_err(|e| format!("cannot connect: {e}"))?;
            let version = column(&client, "SHOW server_version").await?.join("");
            let list = SHOWN
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let settings = column(
                &client,
                &format!(
                    "SELECT name || '=' || setting || COALESCE(' ' || unit, '') \
                     FROM pg_settings WHERE name IN ({list}) ORDER BY name"
                ),
            )
            .await?;
            let rows = measure(&client, max_rows).await?;
            Ok::<_, String>((rows, version, settings))
        });
        // Stops the server and removes its directory (before `process::exit`, which runs no
        // destructors).
        drop(rt);
        drop(server);
        match outcome {
            Ok((rows, version, settings)) => {
                let ok = report(&rows, &version, &settings);
                println!("wall time: {:.0} s", began.elapsed().as_secs_f64());
                if ok {
                    0
                } else {
                    1
                }
            }
            Err(e) => {
                eprintln!("impact bench: {e}");
                2
            }
        }
    }
}

#[cfg(unix)]
fn main() {
    std::process::exit(bench::main());
}

#[cfg(not(unix))]
fn main() {
    eprintln!("the impact bench needs a throwaway PostgreSQL server: unix only");
}
