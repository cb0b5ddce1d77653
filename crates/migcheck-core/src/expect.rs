//! What a migration set promises about the database once it has been applied.
//!
//! Built from the schema model (see [`crate::schema`]) and consumed by `verify` and `replay`,
//! which compare it with a live catalog. Names are exact (already folded as PostgreSQL folds them).

use serde::Serialize;

/// A table the migrations leave behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedTable {
    pub schema: String,
    pub name: String,
    /// Columns in creation order (exact names). Empty when unknown.
    pub columns: Vec<String>,
    /// True when the table is in an exposed schema and not allow-listed: RLS must be on.
    pub rls_required: bool,
    /// Policies created on the table and not dropped (exact names).
    pub policies: Vec<String>,
    /// The migration file that created the table (display path), if any.
    pub created_in: Option<String>,
}

/// A migration the tool's history table should list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedMigration {
    /// `supabase` or `prisma`.
    pub tool: &'static str,
    /// Supabase: the numeric version. Prisma: the migration folder name.
    pub version: String,
    pub name: String,
}

/// Everything `verify` checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Expectations {
    pub tables: Vec<ExpectedTable>,
    pub migrations: Vec<ExpectedMigration>,
    /// Schemas whose tables are reachable through the Data API (config `exposed_schemas`).
    pub exposed_schemas: Vec<String>,
    /// `schema.table` names allowed without RLS (config `allow_without_rls`).
    pub allow_without_rls: Vec<String>,
}
