//! What PostgreSQL does with a statement that refuses transaction blocks when it arrives in an
//! extended-protocol pipeline, the way the Supabase CLI sends a migration file.
//!
//! The Supabase CLI (supabase/cli `pkg/migration/file.go`, `MigrationFile.ExecBatch`) queues
//! every statement of a file, then its history insert, in one `pgconn.Batch` and sends it with
//! one Sync: one pipeline, which the server runs as one implicit transaction. PostgreSQL
//! (`exec_execute_message` in `postgres.c`, `PreventInTransactionBlock` in `xact.c`) commits a
//! statement that must run outside a transaction block at once when it is the first of the
//! pipeline, and refuses it with "cannot be executed within a pipeline" after any other
//! statement (even after a first one that committed). migcheck's Supabase tool module models exactly this
//! (`Wrapping::Pipeline`); this test shows the server doing it, with `pgbench`'s
//! `\startpipeline` (PostgreSQL 14+), which sends a pipeline the same way.

use std::process::Command;

use migcheck_pg::server::{find_bin_dir, ServerOptions, ThrowawayServer};

/// Runs `script` once through pgbench in extended-protocol pipeline mode; stderr on failure.
fn pipeline(server: &ThrowawayServer, script: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("migcheck-pipeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("script.sql");
    std::fs::write(&file, format!("\\startpipeline\n{script}\\endpipeline\n")).unwrap();
    let bin = find_bin_dir(None).expect("PostgreSQL binaries");
    let out = Command::new(bin.join("pgbench"))
        .args(["-n", "-t", "1", "-M", "extended", "-f"])
        .arg(&file)
        .arg(server.superuser_url())
        .output()
        .expect("pgbench runs");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && !stdout.contains("failed: 1") && !stderr.contains("ERROR") {
        Ok(())
    } else {
        Err(format!("{stderr}{stdout}"))
    }
}

#[test]
fn refusing_statement_runs_only_first_in_a_pipeline() {
    let server = ThrowawayServer::start(ServerOptions {
        tcp: true,
        ..ServerOptions::default()
    })
    .expect("server starts");
    pipeline(&server, "CREATE TABLE t (a int, b int);\n").expect("setup");

    // First statement of the pipeline: runs and commits at once; the rest follows.
    pipeline(
        &server,
        "CREATE INDEX CONCURRENTLY t_a ON t (a);\nINSERT INTO t VALUES (1, 1);\n",
    )
    .expect("CONCURRENTLY first in the pipeline runs");

    // After any other statement: refused.
    let err = pipeline(
        &server,
        "INSERT INTO t VALUES (2, 2);\nCREATE INDEX CONCURRENTLY t_b ON t (b);\n",
    )
    .expect_err("CONCURRENTLY after another statement fails");
    assert!(
        err.contains("CREATE INDEX CONCURRENTLY cannot be executed within a pipeline"),
        "{err}"
    );

    // Two refusing statements in a row: only the first of the pipeline runs; the second is
    // refused too, even though the first committed.
    let err = pipeline(
        &server,
        "DROP INDEX CONCURRENTLY t_a;\nCREATE INDEX CONCURRENTLY t_a2 ON t (a);\n",
    )
    .expect_err("a second refusing statement fails");
    assert!(
        err.contains("CREATE INDEX CONCURRENTLY cannot be executed within a pipeline"),
        "{err}"
    );
}
