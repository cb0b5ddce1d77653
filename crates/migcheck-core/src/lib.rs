//! migcheck-core: static analysis of PostgreSQL migrations.
//!
//! Data flows one way: discover → read → split & parse → build schema state → run rules →
//! suppress → render. This crate knows nothing about PostgreSQL connections or the command line.

pub mod baseline;
pub mod cache;
pub mod config;
pub mod deploy;
pub mod deploy_files;
pub mod discover;
pub mod dynamic;
pub mod effect;
pub mod expect;
pub mod extract;
pub mod facts;
pub mod fallback;
pub mod finding;
pub mod findings;
pub mod fix;
pub mod fsio;
pub mod impact;
pub mod intern;
pub mod lint;
pub mod parse;
pub mod path_glob;
pub mod platform;
pub mod recognise;
pub mod render;
pub mod rules;
pub mod schema;
pub mod scope;
pub mod source;
pub mod split;
pub mod suppress;
pub mod tool;
pub mod work;

pub use finding::{Finding, Severity};
pub use lint::{check, check_sources, CheckOptions, Report};
pub use source::{LineCol, SourceFile};
