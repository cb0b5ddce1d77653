//! Which statements of a migration file run inside one transaction.
//!
//! Two things put statements in a transaction: the migration tool (most tools wrap each file;
//! some send the file as one script, which PostgreSQL runs as one implicit transaction when it
//! holds more than one statement; the tool module decides, see [`crate::tool`]), and explicit
//! `BEGIN` / `COMMIT` in the file. Rules about
//! `CONCURRENTLY`, enum values and lock duration ask these questions.

use super::FileUnit;
use crate::discover::MigrationSet;
use crate::parse::Statement;

pub use crate::tool::Wrapping;

/// How the set's tool runs this file (see [`crate::tool::Tool::wrapping`]).
pub fn wrapping(set: &MigrationSet, unit: &FileUnit) -> Wrapping {
    set.wrapping(&unit.migration, &unit.source.text)
}

/// Transaction control statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Begin,
    /// COMMIT, END, ROLLBACK (not to a savepoint), ABORT.
    End,
}

pub fn control(stmt: &Statement) -> Option<Control> {
    if stmt.in_do_block || stmt.rollback {
        return None;
    }
    let mut w = stmt.head.split(' ');
    let (first, second) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
    match first {
        "BEGIN"
            if matches!(
                second,
                "" | "TRANSACTION" | "WORK" | "ISOLATION" | "READ" | "NOT" | "DEFERRABLE"
            ) =>
        {
            Some(Control::Begin)
        }
        "START" if second == "TRANSACTION" => Some(Control::Begin),
        "COMMIT" | "END" if second != "PREPARED" => Some(Control::End),
        "ROLLBACK" if second != "TO" && second != "PREPARED" => Some(Control::End),
        "ABORT" => Some(Control::End),
        _ => None,
    }
}

/// The position of `stmt` in its file.
pub fn position(unit: &FileUnit, stmt: &Statement) -> usize {
    unit.parsed
        .statements
        .iter()
        .position(|s| s.is(stmt))
        .unwrap_or(0)
}

/// Statements that run (forward, and not the `DO` wrapper itself).
fn runs(s: &Statement) -> bool {
    !s.rollback
}

/// True when the tool runs the whole file as one transaction.
pub fn file_is_one_transaction(set: &MigrationSet, unit: &FileUnit) -> bool {
    match wrapping(set, unit) {
        Wrapping::Tool(_) | Wrapping::Pipeline(_) => true,
        Wrapping::Script(_) => {
            unit.parsed
                .statements
                .iter()
                .filter(|s| runs(s) && !s.in_do_block)
                .count()
                > 1
        }
        Wrapping::None => false,
    }
}

/// The index of an explicit `BEGIN` still open just before statement `at`.
pub fn open_begin(unit: &FileUnit, at: usize) -> Option<usize> {
    let mut open = None;
    for (i, s) in unit.parsed.statements[..at].iter().enumerate() {
        match control(s) {
            Some(Control::Begin) if open.is_none() => open = Some(i),
            Some(Control::End) => open = None,
            _ => {}
        }
    }
    open
}

/// Why statement `at` runs in a transaction, if it does: an explicit `BEGIN` or the tool.
pub fn in_transaction(set: &MigrationSet, unit: &FileUnit, at: usize) -> Option<String> {
    if let Some(b) = open_begin(unit, at) {
        let line = unit
            .source
            .line_col(unit.parsed.statements[b].span.start)
            .line;
        return Some(format!("the `BEGIN` on line {line} is still open"));
    }
    let ended = unit.parsed.statements[..at]
        .iter()
        .any(|s| control(s) == Some(Control::End));
    if !ended && file_is_one_transaction(set, unit) {
        return wrapping(set, unit).why().map(str::to_string);
    }
    None
}

/// Why statement `at`, one that PostgreSQL refuses inside a transaction block (`CREATE INDEX
/// CONCURRENTLY`...), fails where it is, if it does: `(why, the error users see)`.
///
/// Like [`in_transaction`], except for a tool that sends the file as one pipeline
/// ([`Wrapping::Pipeline`]): there the statement runs when it is the file's first statement, and
/// fails after any other one with "cannot be executed within a pipeline".
pub fn refused_in_transaction(
    set: &MigrationSet,
    unit: &FileUnit,
    at: usize,
    what: &str,
) -> Option<(String, String)> {
    let block = format!("{what} cannot run inside a transaction block");
    if open_begin(unit, at).is_some() {
        return in_transaction(set, unit, at).map(|w| (w, block));
    }
    if let Wrapping::Pipeline(why) = wrapping(set, unit) {
        let first = unit
            .parsed
            .statements
            .iter()
            .position(|s| runs(s) && !s.in_do_block);
        if first.is_none_or(|f| f >= at) {
            return None;
        }
        return Some((
            format!(
                "{why}, where only the pipeline's first statement may be one that refuses transaction blocks, and this one comes after other statements"
            ),
            format!("{what} cannot be executed within a pipeline"),
        ));
    }
    in_transaction(set, unit, at).map(|w| (w, block))
}

/// True when statements `a < b` of a file run in the same transaction.
pub fn same_transaction(set: &MigrationSet, unit: &FileUnit, a: usize, b: usize) -> bool {
    let between = &unit.parsed.statements[a..b];
    if between.iter().any(|s| control(s) == Some(Control::End)) {
        return false;
    }
    open_begin(unit, a).is_some() || in_transaction(set, unit, b).is_some()
}
