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

/// How the set's tool runs this file (see [`crate::tool::Tool::wrapping`]), asked of the tool
/// once per file.
///
/// Several tools read the whole text for an opt-out directive (goose's `-- +goose NO
/// TRANSACTION`, dbmate's `transaction:false`, sqlx's `-- no-transaction`, postgres-migrations'
/// `-- postgres-migrations disable-transaction`), and rules ask once per statement
/// ([`same_transaction`] for every `ADD COLUMN … NOT NULL` on a table emptied earlier): asked of
/// the tool each time, a goose file of 20,000 such statements read its text 20,000 times (issue 31
/// item 14). The work counter counts the text as read once per asking of the tool.
pub fn wrapping(set: &MigrationSet, unit: &FileUnit) -> Wrapping {
    *of(unit).wrapping.get_or_init(|| {
        crate::work::add(unit.source.text.len());
        set.wrapping(&unit.migration, &unit.source.text)
    })
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

/// Statements that run (forward, and not the `DO` wrapper itself).
fn runs(s: &Statement) -> bool {
    !s.rollback
}

/// A file's explicit transaction structure, worked out in one pass over its statements so that
/// every question below costs the same for the 10th statement as for the 100,000th (asked once
/// per statement, a scan from the top made a file of 40,000 `ALTER TABLE`s take 46 s).
#[derive(Debug, Default)]
pub struct Transactions {
    /// For statement `i`: the explicit `BEGIN` still open just before it (`NONE` for none).
    open_begin: Vec<u32>,
    /// `ends[i]`: how many transaction ends (`COMMIT`, `ROLLBACK`...) come before statement `i`.
    ends: Vec<u32>,
    /// `refills[i]`: how many forward `INSERT`s and `COPY`s come before statement `i`.
    refills: Vec<u32>,
    /// The first statement that runs outside a `DO` body, and how many do.
    first_run: Option<usize>,
    runs: usize,
    /// How the tool runs the file ([`wrapping`]), asked once. A file belongs to one set, so
    /// the answer is the file's.
    wrapping: std::sync::OnceLock<Wrapping>,
}

const NONE: u32 = u32::MAX;

impl Transactions {
    fn of(unit: &FileUnit) -> Transactions {
        let stmts = &unit.parsed.statements;
        let mut t = Transactions {
            open_begin: Vec::with_capacity(stmts.len() + 1),
            ends: Vec::with_capacity(stmts.len() + 1),
            refills: Vec::with_capacity(stmts.len() + 1),
            ..Transactions::default()
        };
        let (mut open, mut ends, mut refills) = (NONE, 0u32, 0u32);
        for (i, s) in stmts.iter().enumerate() {
            t.open_begin.push(open);
            t.ends.push(ends);
            t.refills.push(refills);
            match control(s) {
                Some(Control::Begin) if open == NONE => open = i as u32,
                Some(Control::End) => {
                    open = NONE;
                    ends += 1;
                }
                _ => {}
            }
            if runs(s) && (s.head.starts_with("INSERT") || s.head.starts_with("COPY")) {
                refills += 1;
            }
            if runs(s) && !s.in_do_block {
                t.first_run.get_or_insert(i);
                t.runs += 1;
            }
        }
        t.open_begin.push(open);
        t.ends.push(ends);
        t.refills.push(refills);
        t
    }

    /// The index of an explicit `BEGIN` still open just before statement `at`.
    pub fn open_begin(&self, at: usize) -> Option<usize> {
        let b = *self.open_begin.get(at)?;
        (b != NONE).then_some(b as usize)
    }

    /// True when a transaction end comes before statement `at`.
    pub fn ended_before(&self, at: usize) -> bool {
        self.ends.get(at).is_some_and(|&n| n > 0)
    }

    /// True when a transaction end is among statements `a..b`.
    pub fn ends_between(&self, a: usize, b: usize) -> bool {
        self.ends[b] > self.ends[a]
    }

    /// True when a forward `INSERT` or `COPY` is among statements `a..b`.
    pub fn refilled_between(&self, a: usize, b: usize) -> bool {
        self.refills[b] > self.refills[a]
    }
}

/// The transaction structure of `unit` ([`Transactions`]), made on first use.
pub fn of(unit: &FileUnit) -> &Transactions {
    unit.transactions.get_or_init(|| Transactions::of(unit))
}

/// True when the tool runs the whole file as one transaction.
pub fn file_is_one_transaction(set: &MigrationSet, unit: &FileUnit) -> bool {
    match wrapping(set, unit) {
        Wrapping::Tool(_) | Wrapping::Pipeline(_) => true,
        Wrapping::Script(_) => of(unit).runs > 1,
        Wrapping::None => false,
    }
}

/// The index of an explicit `BEGIN` still open just before statement `at`.
pub fn open_begin(unit: &FileUnit, at: usize) -> Option<usize> {
    of(unit).open_begin(at)
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
    if !of(unit).ended_before(at) && file_is_one_transaction(set, unit) {
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
        let first = of(unit).first_run;
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
    if of(unit).ends_between(a, b) {
        return false;
    }
    open_begin(unit, a).is_some() || in_transaction(set, unit, b).is_some()
}
