//! Replacement idioms: several statements of one file that together replace an object, which
//! rules report once as what they really do instead of as separate drops and renames.
//!
//! - The enum swap. Prisma renders a changed enum as `CREATE TYPE t_new`, `ALTER COLUMN ... TYPE
//!   t_new USING ...`, `ALTER TYPE t RENAME TO t_old`, `ALTER TYPE t_new RENAME TO t`,
//!   `DROP TYPE t_old` (prisma-engines, the PostgreSQL renderer of `AlterEnum` in the SQL
//!   migration connector); `supabase db diff` (migra, `migra/changes.py`) renders
//!   `ALTER TYPE t RENAME TO t__old_version_to_be_dropped`, `CREATE TYPE t`, `ALTER COLUMN ...
//!   TYPE t USING ...`, `DROP TYPE t__old_version_to_be_dropped`. The rename of the old type
//!   and the drop of its renamed copy are part of the swap; the column type changes are what
//!   clients see, and `column-type-change` reports them.
//! - The table rebuild: a new table filled with `INSERT INTO new ... SELECT ... FROM old`, the old
//!   one dropped and the new one renamed into its place (or the old one renamed away first, a new
//!   one created under its name and filled from it, the old one dropped). `drop-table` reports it
//!   once, as a rebuild; the renames are not reported.

use std::ops::Range;

use super::mentions::{self, Act};
use super::sql::{tokens, Tok};
use super::StatementCx;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::parse::Statement;

/// The forward statements of the file within `range` (statement positions) other than this one
/// whose effects do `act` to `name`, in order: read from the file's index of names, so a file of
/// many drops and renames is not scanned once per statement.
fn naming<'a>(
    cx: &'a StatementCx<'_>,
    act: Act,
    name: &str,
    range: Range<usize>,
) -> impl DoubleEndedIterator<Item = &'a Statement> + 'a {
    let stmts = &cx.unit.parsed.statements;
    let here = cx.index;
    mentions::of(cx.unit)
        .naming(act, name, range)
        .filter(move |&i| i != here)
        .map(move |i| &stmts[i])
        .filter(|s| !s.rollback)
}

/// Same object name: last parts equal, schemas equal when both are written.
fn same(a: &QualName, b: &QualName) -> bool {
    a.name == b.name
        && match (&a.schema, &b.schema) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// True when the file (before or after this statement) puts a type named `name` in place:
/// creates it, or renames another type to it.
fn type_put_back(cx: &StatementCx<'_>, name: &QualName) -> bool {
    let all = 0..cx.unit.parsed.statements.len();
    let created = naming(cx, Act::Creates, &name.name, all.clone()).any(|s| {
        s.effects.iter().any(|e| {
            matches!(e, Effect::CreateObject { kind: ObjectKind::Type, name: n, .. } if same(n, name))
        })
    });
    created
        || naming(cx, Act::RenamesTo, &name.name, all).any(|s| {
            s.effects.iter().any(|e| {
                matches!(e, Effect::RenameObject { kind: ObjectKind::Type, to, .. } if *to == name.name)
            })
        })
}

/// `ALTER TYPE t RENAME TO t_old` of an enum swap: a later statement drops `t_old` and the
/// file puts a new type named `t` in place.
pub fn renames_type_for_swap(cx: &StatementCx<'_>, name: &QualName, to: &str) -> bool {
    let later = cx.index + 1..cx.unit.parsed.statements.len();
    let dropped_later = naming(cx, Act::Drops, to, later).any(|s| {
        s.effects.iter().any(|e| {
            matches!(e, Effect::DropObject { kind: ObjectKind::Type, name: n, .. } if n.name == to)
        })
    });
    dropped_later && type_put_back(cx, name)
}

/// `DROP TYPE t_old` of an enum swap: the last earlier statement that renamed a type to
/// `t_old` renamed `t`, and the file puts a new type named `t` in place.
pub fn drops_type_after_swap(cx: &StatementCx<'_>, name: &QualName) -> bool {
    naming(cx, Act::RenamesTo, &name.name, 0..cx.index)
        .rev()
        .find_map(|s| {
            s.effects.iter().find_map(|e| match e {
                Effect::RenameObject {
                    kind: ObjectKind::Type,
                    name: old,
                    to,
                    ..
                } if *to == name.name => Some(old),
                _ => None,
            })
        })
        .is_some_and(|old| type_put_back(cx, old))
}

/// The target table and the tables read by an `INSERT INTO t ... SELECT ... FROM s` (last name
/// parts, folded), from its tokens.
fn copy_of(s: &Statement, text: &str) -> Option<(String, Vec<String>)> {
    let toks = tokens(&text[s.span.clone()]);
    let ident = |t: &Tok| match t {
        Tok::Word(_, folded) => Some(folded.clone()),
        Tok::Quoted(q) => Some(q.clone()),
        _ => None,
    };
    // INSERT INTO [schema .] name
    let mut i = 2;
    let mut target = ident(toks.get(i)?)?;
    while toks.get(i + 1) == Some(&Tok::Dot) {
        i += 2;
        target = ident(toks.get(i)?)?;
    }
    let mut sources = Vec::new();
    for (j, t) in toks.iter().enumerate() {
        if matches!(t, Tok::Word(w, _) if w == "FROM" || w == "JOIN") {
            let mut k = j + 1;
            let Some(mut name) = toks.get(k).and_then(ident) else {
                continue;
            };
            while toks.get(k + 1) == Some(&Tok::Dot) {
                k += 2;
                match toks.get(k).and_then(ident) {
                    Some(n) => name = n,
                    None => break,
                }
            }
            sources.push(name);
        }
    }
    Some((target, sources))
}

/// True when a statement within `range` (statement positions) copies rows from table `src`
/// into table `dst`.
fn copied(cx: &StatementCx<'_>, dst: &str, src: &str, range: Range<usize>) -> bool {
    let text = &cx.unit.source.text;
    mentions::of(cx.unit)
        .copies_into(cx.unit, dst, range, |s| copy_of(s, text))
        .iter()
        .any(|(_, sources)| sources.iter().any(|x| x == src))
}

/// The first (`later`) or last (earlier) statement other than this one that renames a table to
/// `name`, with its position and the table it renames.
fn table_renamed_to<'a>(
    cx: &'a StatementCx<'_>,
    name: &str,
    later: bool,
) -> Option<(usize, &'a QualName)> {
    let stmts = &cx.unit.parsed.statements;
    let range = if later {
        cx.index + 1..stmts.len()
    } else {
        0..cx.index
    };
    let renamed = |i: usize| {
        let s = &stmts[i];
        if s.rollback {
            return None;
        }
        s.effects.iter().find_map(|e| match e {
            Effect::RenameTable { table, to } if to == name => Some((i, table)),
            _ => None,
        })
    };
    let mut found = mentions::of(cx.unit).naming(Act::RenamesTo, name, range);
    if later {
        found.find_map(renamed)
    } else {
        found.rev().find_map(renamed)
    }
}

/// For a `DROP TABLE` of `table`: the name of the table being rebuilt when the drop is part of a
/// rebuild (its rows were copied into a replacement that takes its name).
pub fn rebuilt_table(cx: &StatementCx<'_>, table: &QualName) -> Option<String> {
    let here = cx.index;
    // Rename the old away, create the new under its name, copy, drop the old: the table now
    // named `table` is the one last renamed to it.
    if let Some((at, renamed)) = table_renamed_to(cx, &table.name, false) {
        if cx.state.table_created_in(renamed, cx.unit.index)
            && copied(cx, &renamed.name, &table.name, at + 1..here)
        {
            return Some(renamed.name.clone());
        }
    }
    // Copy into the new table, drop the old, rename the new into its place: the next rename
    // to the dropped name.
    if let Some((_, renamed)) = table_renamed_to(cx, &table.name, true) {
        if cx.state.table_created_in(renamed, cx.unit.index)
            && copied(cx, &renamed.name, &table.name, 0..here)
        {
            return Some(table.name.clone());
        }
    }
    None
}

/// For `ALTER TABLE t RENAME TO t_old`: true when it is the first step of a rebuild (a table
/// named `t` is created again, filled from `t_old`, and `t_old` dropped later in the file).
pub fn renames_table_for_rebuild(cx: &StatementCx<'_>, table: &QualName, to: &str) -> bool {
    let later = cx.index + 1..cx.unit.parsed.statements.len();
    let first = |act: Act, name: &str, hit: &dyn Fn(&Effect) -> bool| {
        mentions::of(cx.unit)
            .naming(act, name, later.clone())
            .find(|&i| {
                let s = &cx.unit.parsed.statements[i];
                !s.rollback && s.effects.iter().any(hit)
            })
    };
    let created_again = first(
        Act::Creates,
        &table.name,
        &|e| matches!(e, Effect::CreateTable { table: t, .. } if same(t, table)),
    );
    let dropped = first(
        Act::Drops,
        to,
        &|e| matches!(e, Effect::DropTable { table: t } if t.name == to),
    );
    match (created_again, dropped) {
        (Some(c), Some(d)) => c < d && copied(cx, &table.name, to, cx.index + 1..d),
        _ => false,
    }
}
