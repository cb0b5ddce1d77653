use sqlparser::ast::{ObjectType, Statement as Ast};

use super::sql::{has_word, tokens, Tok};
use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::qual;

pub struct RequireConcurrentIndexDrop;

static META: RuleMeta = rule_meta!(
    "require-concurrent-index-drop",
    Error,
    Locking,
    "DROP INDEX or REINDEX without CONCURRENTLY on an index that already exists"
);

impl Rule for RequireConcurrentIndexDrop {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let is_new = |q: &QualName| {
            cx.state
                .object_created_in(ObjectKind::Index, q, None, cx.unit.index)
        };
        let mut dropped: Vec<QualName> = Vec::new();
        match cx.stmt.ast.as_deref() {
            Some(Ast::Drop {
                object_type: ObjectType::Index,
                names,
                ..
            }) => dropped.extend(names.iter().map(qual)),
            Some(_) => {}
            None if cx.stmt.head.starts_with("DROP INDEX") => {
                // `DROP INDEX CONCURRENTLY` is not read by the parser; the fallback still names
                // the index.
                if cx.stmt.head.contains("CONCURRENTLY") {
                    return;
                }
                for e in &cx.stmt.effects {
                    if let Effect::DropObject {
                        kind: ObjectKind::Index,
                        name,
                        ..
                    } = e
                    {
                        dropped.push(name.clone());
                    }
                }
            }
            None if cx.stmt.head.starts_with("REINDEX") => {
                let text = &cx.unit.source.text[cx.stmt.span.clone()];
                let toks = tokens(text);
                if has_word(&toks, "CONCURRENTLY") {
                    return;
                }
                let what = match toks.get(1) {
                    Some(Tok::Word(w, _)) => w.to_ascii_lowercase(),
                    _ => "index".into(),
                };
                // `REINDEX SYSTEM` has no CONCURRENTLY form ("cannot reindex system catalogs
                // concurrently"): the advice cannot be followed. `table-rewrite-command` still
                // says what it blocks.
                if what == "system" {
                    return;
                }
                out.push(cx.hit(
                    format!(
                        "REINDEX {} without CONCURRENTLY blocks writes to the table (SHARE lock) and every query that would use the index (ACCESS EXCLUSIVE lock on it) until the rebuild finishes",
                        what.to_ascii_uppercase()
                    ),
                    "Rebuild with `REINDEX ... CONCURRENTLY` (PostgreSQL 12+), outside a transaction.",
                ));
                return;
            }
            None => {}
        }
        for q in dropped {
            // `DROP INDEX IF EXISTS` of an index provably absent (the set dropped it, with its
            // table or constraint too, or never created it and starts from an empty database):
            // a no-op, reported by `drop-object-if-exists` as a warning. An index the set never
            // created may exist when the set does not start empty: its lock is real.
            // An index dropped just before its table, in the same file: the table drop (an
            // ACCESS EXCLUSIVE lock anyway) is what `drop-table` reports.
            if is_new(&q)
                || (super::drop_object::defensive_drop(cx, ObjectKind::Index, &q, None)
                    && super::drop_object::provably_absent(cx, ObjectKind::Index, &q))
                || super::drop_object::table_dropped_later(cx, ObjectKind::Index, &q, None)
            {
                continue;
            }
            out.push(cx.hit(
                format!(
                    "Dropping index `{q}` without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table, blocking every read and write of the table until the drop finishes (and while it waits for running queries)"
                ),
                "Drop the index with `DROP INDEX CONCURRENTLY`, in a migration that does not run in a transaction.",
            ));
        }
    }
}
