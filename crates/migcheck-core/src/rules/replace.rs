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

use super::sql::{tokens, Tok};
use super::StatementCx;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::parse::Statement;

/// The forward statements of the file, with whether each comes before the current one.
fn others<'a>(cx: &'a StatementCx<'_>) -> impl Iterator<Item = (&'a Statement, bool)> + 'a {
    let at = cx.stmt.span.start;
    cx.unit
        .parsed
        .statements
        .iter()
        .filter(move |s| {
            !s.rollback && s.span.start != at && (!s.effects.is_empty() || is_insert(s))
        })
        .map(move |s| (s, s.span.start < at))
}

fn is_insert(s: &Statement) -> bool {
    s.head.starts_with("INSERT INTO") && !s.rollback
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
    others(cx).flat_map(|(s, _)| &s.effects).any(|e| match e {
        Effect::CreateObject {
            kind: ObjectKind::Type,
            name: n,
            ..
        } => same(n, name),
        Effect::RenameObject {
            kind: ObjectKind::Type,
            to,
            ..
        } => *to == name.name,
        _ => false,
    })
}

/// `ALTER TYPE t RENAME TO t_old` of an enum swap: a later statement drops `t_old` and the
/// file puts a new type named `t` in place.
pub fn renames_type_for_swap(cx: &StatementCx<'_>, name: &QualName, to: &str) -> bool {
    let dropped_later = others(cx).any(|(s, before)| {
        !before
            && s.effects.iter().any(|e| {
                matches!(e, Effect::DropObject { kind: ObjectKind::Type, name: n, .. } if n.name == to)
            })
    });
    dropped_later && type_put_back(cx, name)
}

/// `DROP TYPE t_old` of an enum swap: an earlier statement renamed `t` to `t_old` and the file
/// puts a new type named `t` in place.
pub fn drops_type_after_swap(cx: &StatementCx<'_>, name: &QualName) -> bool {
    others(cx)
        .filter(|(_, before)| *before)
        .flat_map(|(s, _)| &s.effects)
        .any(|e| match e {
            Effect::RenameObject {
                kind: ObjectKind::Type,
                name: old,
                to,
                ..
            } => *to == name.name && type_put_back(cx, old),
            _ => false,
        })
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

/// True when a statement between `from` and `to` (byte offsets) copies rows from table `src`
/// into table `dst`.
fn copied(cx: &StatementCx<'_>, dst: &str, src: &str, from: usize, to: usize) -> bool {
    let text = &cx.unit.source.text;
    cx.unit.parsed.statements.iter().any(|s| {
        is_insert(s)
            && s.span.start > from
            && s.span.start < to
            && copy_of(s, text).is_some_and(|(t, srcs)| t == dst && srcs.iter().any(|x| x == src))
    })
}

/// For a `DROP TABLE` of `table`: the name of the table being rebuilt when the drop is part of a
/// rebuild (its rows were copied into a replacement that takes its name).
pub fn rebuilt_table(cx: &StatementCx<'_>, table: &QualName) -> Option<String> {
    let here = cx.stmt.span.start;
    for (s, before) in others(cx) {
        for e in &s.effects {
            let Effect::RenameTable { table: renamed, to } = e else {
                continue;
            };
            if !before && *to == table.name {
                // Copy into the new table, drop the old, rename the new into its place.
                if cx.state.table_created_in(renamed, cx.unit.index)
                    && copied(cx, &renamed.name, &table.name, 0, here)
                {
                    return Some(table.name.clone());
                }
            } else if before && *to == table.name {
                // Rename the old away, create the new under its name, copy, drop the old.
                let recreated = cx.state.table_created_in(renamed, cx.unit.index);
                if recreated && copied(cx, &renamed.name, &table.name, s.span.start, here) {
                    return Some(renamed.name.clone());
                }
            }
        }
    }
    None
}

/// For `ALTER TABLE t RENAME TO t_old`: true when it is the first step of a rebuild (a table
/// named `t` is created again, filled from `t_old`, and `t_old` dropped later in the file).
pub fn renames_table_for_rebuild(cx: &StatementCx<'_>, table: &QualName, to: &str) -> bool {
    let here = cx.stmt.span.start;
    let mut created_again = None;
    let mut dropped = None;
    for (s, before) in others(cx) {
        if before {
            continue;
        }
        for e in &s.effects {
            match e {
                Effect::CreateTable { table: t, .. } if same(t, table) => {
                    created_again.get_or_insert(s.span.start);
                }
                Effect::DropTable { table: t } if t.name == to => {
                    dropped.get_or_insert(s.span.start);
                }
                _ => {}
            }
        }
    }
    match (created_again, dropped) {
        (Some(c), Some(d)) => c < d && copied(cx, &table.name, to, here, d),
        _ => false,
    }
}
