//! What `check --database-url` adds to a run (issue 32): a schema of 2,000 tables and a
//! migration that builds an index on each of them, so that every table is weighed.
//!
//! `cargo bench -p migcheck-pg --bench impact_cost` (about a minute). It starts a throwaway
//! PostgreSQL, creates the tables (`MIGCHECK_IMPACT_TABLES`, default 2000) with a few rows
//! each, writes the migration set to a temporary folder, then times, alternating, seven pairs:
//!
//! * `lint`: `migcheck_core::lint::check` of the set (what `check` does without figures);
//! * `lint + impact`: the same, then the findings' targets, one connection and one read of the
//!   sizes ([`migcheck_pg::stats::read_with_config`]), and the weighing — what
//!   `check --database-url` adds, the process start and output aside.
//!
//! It prints the medians, the extra time, the round trips of the read (the messages the
//! server logged for it) and the time of a full snapshot (`migcheck stats`: every table).

#[cfg(unix)]
mod bench {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use migcheck_core::impact;
    use migcheck_core::lint::{self, CheckOptions};
    use migcheck_pg::stats::{read_with_config, StatsOptions, Tables};
    use migcheck_pg::{connect, ServerOptions, ThrowawayServer};

    const PAIRS: usize = 7;

    fn median(mut v: Vec<Duration>) -> Duration {
        v.sort();
        v[v.len() / 2]
    }

    fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1e3
    }

    pub fn main() -> Result<(), String> {
        let tables: usize = std::env::var("MIGCHECK_IMPACT_TABLES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        let server = ThrowawayServer::start(ServerOptions {
            settings: vec![("log_statement".into(), "all".into())],
            ..ServerOptions::default()
        })
        .map_err(|e| format!("cannot start PostgreSQL: {e}"))?;
        let cfg = server.connection_config();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            let c = connect(&cfg).await.map_err(|e| e.to_string())?;
            let mut sql = String::new();
            for i in 0..tables {
                sql.push_str(&format!(
                    "CREATE TABLE t_{i} (id bigint PRIMARY KEY, a int); \
                     INSERT INTO t_{i} SELECT g, g FROM generate_series(1, 20) g;\n"
                ));
            }
            c.batch_execute(&sql).await.map_err(|e| e.to_string())?;
            c.batch_execute("ANALYZE").await.map_err(|e| e.to_string())
        })?;

        // The migration set: one file, an index on every table.
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let migrations = dir.path().join("supabase/migrations");
        std::fs::create_dir_all(&migrations).map_err(|e| e.to_string())?;
        let mut file = String::new();
        for i in 0..tables {
            file.push_str(&format!("CREATE INDEX t_{i}_a ON t_{i} (a);\n"));
        }
        std::fs::write(migrations.join("20240101000000_indexes.sql"), file)
            .map_err(|e| e.to_string())?;
        let paths: Vec<PathBuf> = vec![dir.path().to_path_buf()];
        let opts = CheckOptions::default();
        let limits = impact::Thresholds::default();
        let log = server.data_dir().parent().unwrap().join("postgres.log");

        let lint_only = || {
            let began = Instant::now();
            let report = lint::check(&paths, &opts);
            (began.elapsed(), report.findings.len())
        };
        let with_impact = || -> Result<(Duration, usize, usize), String> {
            let began = Instant::now();
            let mut report = lint::check(&paths, &opts);
            let targets = impact::targets(&report.findings);
            let named = impact::tables(&targets);
            let snapshot = rt
                .block_on(read_with_config(
                    &cfg,
                    &Tables::Named(named),
                    &StatsOptions::default(),
                ))
                .map_err(|e| e.to_string())?;
            let weighed = impact::apply(&mut report.findings, &targets, &snapshot, &limits);
            Ok((began.elapsed(), weighed, targets.len()))
        };

        let (mut plain, mut weighed_runs) = (Vec::new(), Vec::new());
        let mut counts = (0, 0, 0);
        let mut statements_per_read = 0;
        for _ in 0..PAIRS {
            let (d, findings) = lint_only();
            plain.push(d);
            let before = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
            let (d, weighed, targets) = with_impact()?;
            weighed_runs.push(d);
            let text = std::fs::read(&log).map_err(|e| e.to_string())?;
            statements_per_read = String::from_utf8_lossy(&text[before as usize..])
                .matches("statement: ")
                .count();
            counts = (findings, weighed, targets);
        }
        let snapshot_began = Instant::now();
        let all = rt
            .block_on(read_with_config(
                &cfg,
                &Tables::All,
                &StatsOptions::default(),
            ))
            .map_err(|e| e.to_string())?;
        let snapshot_time = snapshot_began.elapsed();

        let (a, b) = (median(plain), median(weighed_runs));
        println!("tables in the schema:        {tables}");
        println!(
            "findings / weighed:          {} / {} ({} targets)",
            counts.0, counts.1, counts.2
        );
        println!("lint (median of {PAIRS}):        {:.1} ms", ms(a));
        println!("lint + impact (median):      {:.1} ms", ms(b));
        println!(
            "extra:                       {:.1} ms ({:.2}x)",
            ms(b.saturating_sub(a)),
            b.as_secs_f64() / a.as_secs_f64()
        );
        println!(
            "round trips of the read:     {statements_per_read} (statements the server logged)"
        );
        println!(
            "full snapshot (`migcheck stats`): {} tables in {:.1} ms",
            all.tables.len(),
            ms(snapshot_time)
        );
        Ok(())
    }
}

#[cfg(unix)]
fn main() {
    if let Err(e) = bench::main() {
        eprintln!("impact_cost: {e}");
        std::process::exit(2);
    }
}

#[cfg(not(unix))]
fn main() {
    eprintln!("the impact_cost bench needs a throwaway PostgreSQL server: unix only");
}
