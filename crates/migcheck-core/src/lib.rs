//! migcheck-core: static analysis of PostgreSQL migrations.
//!
//! Data flows one way: discover → read → split & parse → build schema state → run rules →
//! suppress → render. This crate knows nothing about PostgreSQL connections or the command line.

pub mod deploy;
pub mod expect;
pub mod finding;
pub mod source;
pub mod suppress;

pub use finding::{Finding, Severity};
pub use source::{LineCol, SourceFile};
