//! migcheck's PostgreSQL side: connecting, read-only verification of a live database, and
//! throwaway local servers for replaying migrations.
//!
//! * [`conn`]: where to connect ([`ConnectionConfig`] from a URL, `DATABASE_URL` or the libpq
//!   `PG*` variables), TLS per `sslmode` (rustls), and [`PgError`], whose messages are one
//!   line each and never contain the password.
//! * [`verify`]: compares [`migcheck_core::expect::Expectations`] with the catalog of a live
//!   database. It only reads, inside `START TRANSACTION READ ONLY` that always ends in
//!   `ROLLBACK`, so it is safe against production and works with a role that cannot write.
//!   It uses the simple query protocol only (no named prepared statements) because
//!   Supabase's transaction pooler (port 6543), like PgBouncer in transaction mode, does not
//!   support them; values are inlined as quoted literals. The number of round trips does not
//!   depend on the number of tables (one statement per check kind, batched).
//! * [`report`]: human, JSON and Markdown renderings of a [`VerifyReport`].
//! * [`server`]: [`ThrowawayServer`], a disposable local PostgreSQL (fast: no fsync; safe:
//!   127.0.0.1 only, random password, removed on drop; runs as an unprivileged user when
//!   started as root).
//! * [`supabase`]: the SQL that gives a stock PostgreSQL what Supabase migrations expect.
//! * [`replay`]: `migcheck replay`, applying migration sets to a throwaway server with a lock
//!   trace, then verifying the result.

pub mod conn;
pub mod pgpass;
#[cfg(unix)]
pub mod replay;
pub mod report;
#[cfg(unix)]
pub mod server;
pub mod stats;
pub mod supabase;
pub mod verify;

pub use conn::{connect, ConnectionConfig, Host, PgError, SslMode, DEFAULT_CONNECT_TIMEOUT};
pub use report::{render_human, render_json, render_markdown, render_markdown_for, summary_line};
#[cfg(unix)]
pub use server::{ServerError, ServerOptions, ThrowawayServer};
pub use supabase::{apply_supabase_baseline, SUPABASE_BASELINE};
pub use verify::{
    checks, verify, verify_blocking, verify_with_config, CheckResult, Status, Summary,
    VerifyOptions, VerifyReport,
};
