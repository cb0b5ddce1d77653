//! goose (`goose up`, `goose.Up`).
//!
//! Modelled on pressly/goose:
//! - `migration.go` / `internal/migrate` collection: `<version>_<name>.sql` files, the version
//!   an int64 read from the digits before the first `_`, applied sorted by that number.
//! - `internal/sqlparser/parser.go` `ParseSQLMigration`: annotations are `-- +goose Up`,
//!   `-- +goose Down` (the rollback section), `-- +goose StatementBegin` / `StatementEnd`
//!   (one statement spanning semicolons) and `-- +goose NO TRANSACTION`, case-insensitive.
//!   An annotation is a whole line starting with `--` (`strings.HasPrefix(line, "--")`, no
//!   leading whitespace). Between `StatementBegin` and `StatementEnd` the lines are collected
//!   without looking at `;` and sent as one statement ([`Tool::whole_statements`]); a block
//!   without its `StatementEnd` makes goose refuse the file ("missing '-- +goose StatementEnd'
//!   annotation"), so migcheck keeps the rest of the file as that one statement, which then
//!   does not read as SQL and is reported. `-- +goose ENVSUB ON` (environment substitution in
//!   the statements): `${VAR}` is read as a placeholder name (`"$VAR"`), the way Go template
//!   actions are (`crate::dynamic::fill_templates`), so drops and renames are still found.
//!   A file runs in a transaction unless it says `-- +goose NO TRANSACTION`.
//! - History: `goose_db_version (id serial, version_id bigint, is_applied boolean, tstamp
//!   timestamp)`, created with a row for version 0 (`internal/dialect/dialectquery/postgres.go`).

use std::path::Path;

use super::{stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Goose;

static HISTORY: History = History {
    table: "public.goose_db_version",
    create: "CREATE TABLE IF NOT EXISTS public.goose_db_version (id serial NOT NULL PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now());\n\
             INSERT INTO public.goose_db_version (version_id, is_applied) SELECT 0, true WHERE NOT EXISTS (SELECT FROM public.goose_db_version)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!("SELECT version_id::text FROM public.goose_db_version WHERE is_applied AND version_id::text = ANY({ids})")
        },
        advice: "`goose up` would apply it again; if it was applied by hand, record it in `goose_db_version`",
    }),
    id: |f| numeric_id(f),
};

pub(crate) fn numeric_id(f: &MigrationFile) -> Option<String> {
    f.version
        .as_deref()?
        .parse::<i64>()
        .ok()
        .map(|v| v.to_string())
}

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO public.goose_db_version (version_id, is_applied) VALUES ({}, true)",
        numeric_id(a.file).unwrap_or_else(|| "0".into())
    )
}

/// An annotation line `-- +goose <word...>` (case-insensitive), its words upper-cased.
pub(crate) fn annotation(line: &str) -> Option<String> {
    let rest = line.strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix('+')?;
    let (tool, what) = rest.split_once(char::is_whitespace)?;
    tool.eq_ignore_ascii_case("goose").then(|| {
        what.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase()
    })
}

impl Tool for Goose {
    fn id(&self) -> &'static str {
        "goose"
    }
    fn name(&self) -> &'static str {
        "goose"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.some_file_says("-- +goose up")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        match versioned(&stem) {
            Some((v, n)) if stem.as_bytes().get(v.len()) == Some(&b'_') => (Some(v), n, Role::Up),
            _ => (None, stem, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<version>_<name>.sql` with a `-- +goose Up` section"
    }
    fn rollback_from(&self, text: &str) -> Option<usize> {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if annotation(line.trim_end()).as_deref() == Some("DOWN") {
                return Some(at);
            }
            at += line.len();
        }
        None
    }
    fn whole_statements(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut open = None;
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let next = at + line.len();
            match annotation(line.trim_end()).as_deref() {
                Some("STATEMENTBEGIN") if open.is_none() => open = Some(next),
                Some("STATEMENTEND") => {
                    if let Some(from) = open.take() {
                        out.push(from..at);
                    }
                }
                _ => {}
            }
            at = next;
        }
        if let Some(from) = open {
            out.push(from..text.len());
        }
        out
    }
    fn wrapping(&self, _file: &MigrationFile, text: &str) -> Wrapping {
        if text
            .lines()
            .any(|l| annotation(l.trim_end()).as_deref() == Some("NO TRANSACTION"))
        {
            return Wrapping::None;
        }
        Wrapping::Tool(
            "goose runs each migration in a transaction unless it says `-- +goose NO TRANSACTION`",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pressly/goose `internal/sqlparser/parser.go`: an annotation is a line that starts with
    /// `--` (an indented one is SQL text); a `StatementBegin` without its `StatementEnd` is
    /// kept to the end of the file.
    #[test]
    fn statement_blocks_span_the_lines_between_the_annotations() {
        let text = "-- +goose Up\n-- +goose statementbegin\nselect 1; select 2;\n  -- +goose StatementEnd\nselect 3\n-- +GOOSE StatementEnd\nselect 4;\n-- +goose StatementBegin\nselect 5;\n";
        let spans: Vec<_> = Goose
            .whole_statements(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            spans,
            [
                "select 1; select 2;\n  -- +goose StatementEnd\nselect 3\n",
                "select 5;\n"
            ]
        );
    }
}
