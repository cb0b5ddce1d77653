//! dbmate (`dbmate up`, `dbmate migrate`).
//!
//! Modelled on amacneil/dbmate `pkg/dbmate/migration.go` and `db.go`: files `<version>_*.sql`
//! (the version is the leading digits, kept as a string), applied in the order of their file
//! names; `-- migrate:up` and `-- migrate:down` sections; `parseMigrationOptions` reads
//! `transaction:false` on the `-- migrate:up` line to run the section outside a transaction
//! (the default is one transaction per migration). History (PostgreSQL driver):
//! `schema_migrations (version varchar(128) primary key)`.

use std::cmp::Ordering;
use std::path::Path;

use super::{by_file_name, stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Dbmate;

/// Whether `line` is the dbmate directive `name` (`migrate:up`, `migrate:down`): dbmate's
/// `upRegExp` / `downRegExp`, `(?m)^--\s*migrate:down(\s*$|\s+\S+)`: `--` at the start of the
/// line, optional white space, the name, then the end of the line or white space (options
/// such as `transaction:false` follow). `-- migrate:downgrade`, an indented directive and a
/// `/* migrate:down */` comment are not directives.
fn directive(line: &str, name: &str) -> bool {
    let go_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
    line.strip_prefix("--")
        .map(|r| r.trim_start_matches(go_space))
        .and_then(|r| r.strip_prefix(name))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(go_space))
}

static HISTORY: History = History {
    table: "public.schema_migrations",
    create: "CREATE TABLE IF NOT EXISTS public.schema_migrations (version varchar(128) PRIMARY KEY)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!("SELECT version::text FROM public.schema_migrations WHERE version::text = ANY({ids})")
        },
        advice: "`dbmate up` would apply it again; if it was applied by hand, insert its version into `schema_migrations`",
    }),
    id: |f| f.version.clone(),
};

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO public.schema_migrations (version) VALUES ({})",
        super::quote_literal(a.file.version.as_deref().unwrap_or_default())
    )
}

impl Tool for Dbmate {
    fn id(&self) -> &'static str {
        "dbmate"
    }
    fn name(&self) -> &'static str {
        "dbmate"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.some_name_numbered() && cx.some_file_says("-- migrate:up")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        match versioned(&stem) {
            Some((v, n)) => (Some(v), n, Role::Up),
            None => (None, stem, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<version>_<name>.sql`"
    }
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        by_file_name(a, b)
    }
    fn version_key(&self, version: &str) -> String {
        version.to_string()
    }
    fn rollback_from(&self, text: &str) -> Option<usize> {
        self.rollback_spans(text).first().map(|r| r.start)
    }
    /// amacneil/dbmate `pkg/dbmate/migration.go`: `getMigrationSectionSubstrings` cuts the file
    /// at every `upRegExp` match, and `parseMigrationSection` takes each section's `down` block
    /// from its `downRegExp` match to the section's end. Both match a whole directive line
    /// (`directive`), never a comment that merely starts `migrate:down`.
    fn rollback_spans(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        let mut open: Option<usize> = None;
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if directive(line, "migrate:up") {
                if let Some(from) = open.take() {
                    out.push(from..at);
                }
            } else if open.is_none() && directive(line, "migrate:down") {
                open = Some(at);
            }
            at += line.len();
        }
        if let Some(from) = open {
            out.push(from..text.len());
        }
        out
    }
    fn wrapping(&self, _file: &MigrationFile, text: &str) -> Wrapping {
        let opts_out = text.lines().any(|l| {
            directive(l, "migrate:up") && l.split_whitespace().any(|w| w == "transaction:false")
        });
        if opts_out {
            return Wrapping::None;
        }
        Wrapping::Tool(
            "dbmate runs each migration in a transaction unless it starts with `-- migrate:up transaction:false`",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// amacneil/dbmate `pkg/dbmate/migration.go` `downRegExp` and
    /// `getMigrationSectionSubstrings` (issue 31 item 1).
    #[test]
    fn rollback_sections_are_the_down_blocks_of_each_section() {
        let text = "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n-- migrate:up transaction:false\ncreate index concurrently i on a (id);\n--migrate:down\r\ndrop index i;\n";
        let spans: Vec<_> = Dbmate
            .rollback_spans(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            spans,
            [
                "-- migrate:down\ndrop table a;\n",
                "--migrate:down\r\ndrop index i;\n"
            ]
        );
        for not_a_directive in [
            "-- migrate:up\n-- migrate:downgrade needs a manual step\ndrop table t;\n",
            "-- migrate:up\n/* migrate:down */\ndrop table t;\n",
            "-- migrate:up\n  -- migrate:down\ndrop table t;\n",
            "-- migrate:up\n-- note: migrate:down later\ndrop table t;\n",
        ] {
            assert!(
                Dbmate.rollback_spans(not_a_directive).is_empty(),
                "{not_a_directive}"
            );
        }
    }
}
