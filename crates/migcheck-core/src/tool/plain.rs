//! Plain SQL files that no migration tool records: no journal, no history table, no
//! directives. Someone (or a script) runs them with `psql`, which commits each statement on
//! its own unless the file says `BEGIN`.
//!
//! Numbered files (`001_init.sql`, `002_users.sql`) are taken as one ordered set, applied in
//! file-name order; unnumbered files are independent scripts, each judged on its own.

use std::cmp::Ordering;
use std::path::Path;

use super::{by_file_name, stem, versioned, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Plain;

impl Tool for Plain {
    fn id(&self) -> &'static str {
        "plain"
    }
    fn name(&self) -> &'static str {
        "no migration tool (plain SQL files)"
    }
    fn claims(&self, _cx: &SetDir<'_>) -> bool {
        true
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        match versioned(&stem) {
            Some((v, n)) => (Some(v), n, Role::Up),
            None => (None, stem, Role::Up),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<number>_<name>.sql`"
    }
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        by_file_name(a, b)
    }
    fn is_ordered(&self, files: &[MigrationFile]) -> bool {
        files.iter().any(|f| f.version.is_some())
    }
    fn wrapping(&self, _file: &MigrationFile, _text: &str) -> Wrapping {
        Wrapping::None
    }
    /// Plain files are run with `psql -f`: psql splits them (see [`crate::split::Client::Psql`]).
    fn client(&self) -> crate::split::Client {
        crate::split::Client::Psql
    }
}
