//! Measures `verify` on 500 tables: round trips and elapsed time, plus the throwaway
//! server's start-up time. Run with `cargo run -p migcheck-pg --release --example verify_500`
//! (add `tls` as an argument to start the server with TLS).

use std::time::Instant;

use migcheck_core::expect::{Expectations, ExpectedMigration, ExpectedTable};
use migcheck_pg::{
    apply_supabase_baseline, connect, render_human, summary_line, verify, ServerOptions,
    ThrowawayServer, VerifyOptions,
};

const TABLES: usize = 500;

fn main() {
    let tls = std::env::args().any(|a| a == "tls");
    let server = ThrowawayServer::start(ServerOptions {
        tls,
        ..ServerOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "server: PostgreSQL {} started in {:?} (tls: {tls})",
        server.version(),
        server.startup_time()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = connect(&server.connection_config()).await.unwrap();
        let t = Instant::now();
        apply_supabase_baseline(&client).await.unwrap();
        eprintln!("baseline applied in {:?}", t.elapsed());
        let mut ddl = String::new();
        let mut exp = Expectations {
            exposed_schemas: vec!["public".into()],
            ..Expectations::default()
        };
        for i in 0..TABLES {
            ddl.push_str(&format!(
                "create table public.t{i} (id bigint primary key, owner uuid, title text, body text, created_at timestamptz default now());
                 alter table public.t{i} enable row level security;
                 create policy \"owner reads t{i}\" on public.t{i} for select using (auth.uid() = owner);
                 insert into supabase_migrations.schema_migrations (version, name) values ('2024{i:010}', 't{i}');\n"
            ));
            exp.tables.push(ExpectedTable {
                schema: "public".into(),
                name: format!("t{i}"),
                columns: ["id", "owner", "title", "body", "created_at"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                rls_required: true,
                policies: vec![format!("owner reads t{i}")],
                created_in: None,
                column_types: Vec::new(),
            });
            exp.migrations.push(ExpectedMigration {
                tool: "supabase",
                version: format!("2024{i:010}"),
                name: format!("t{i}"),
            });
        }
        let t = Instant::now();
        client.batch_execute(&ddl).await.unwrap();
        eprintln!("{TABLES} tables created in {:?}", t.elapsed());
        for all in [false, true] {
            let opts = VerifyOptions {
                all,
                ..VerifyOptions::default()
            };
            // Warm-up run, then the measured one.
            verify(&client, &exp, &opts).await.unwrap();
            let t = Instant::now();
            let report = verify(&client, &exp, &opts).await.unwrap();
            let wall = t.elapsed();
            assert!(report.ok(), "{}", render_human(&report));
            eprintln!(
                "verify (all: {all}) on {TABLES} tables: {} round trips, {:?} ({})",
                report.round_trips,
                wall,
                summary_line(&report)
            );
        }
    });
}
