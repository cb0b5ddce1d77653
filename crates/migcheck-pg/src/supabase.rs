//! The Supabase baseline (`sql/supabase-baseline.sql`): what a Supabase database provides
//! (roles, `auth`, `storage`, `extensions`, `supabase_migrations`, ...) so that Supabase
//! migrations apply unchanged on a stock PostgreSQL.

use tokio_postgres::Client;

use crate::conn::{scrub, PgError};

/// The SQL of the baseline. Idempotent; needs a superuser.
pub const SUPABASE_BASELINE: &str = include_str!("../sql/supabase-baseline.sql");

/// Applies [`SUPABASE_BASELINE`] to the database `client` is connected to (one round trip,
/// simple query protocol).
pub async fn apply_supabase_baseline(client: &Client) -> Result<(), PgError> {
    client.batch_execute(SUPABASE_BASELINE).await.map_err(|e| {
        let message = match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        };
        PgError::Other(scrub(
            &format!("applying the Supabase baseline failed: {message}"),
            None,
        ))
    })
}
