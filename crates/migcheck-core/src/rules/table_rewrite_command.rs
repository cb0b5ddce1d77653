//! Maintenance commands and `ALTER TABLE` forms that rewrite or lock a whole existing table.

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{ObjectKind, QualName};
use crate::fallback::{tokens, Tok};
use crate::recognise::{command_lock, contains_word_text, may_start_with};

pub struct TableRewriteCommand;

static META: RuleMeta = rule_meta!(
    "table-rewrite-command",
    Error,
    Locking,
    "VACUUM FULL, CLUSTER, REINDEX, SET TABLESPACE, SET LOGGED / UNLOGGED or DETACH PARTITION on an existing table (rewrites it or blocks it for the whole command)"
);

/// `ALTER TABLE [IF EXISTS] [ONLY] name` and the positions of its action words.
fn alter_table(toks: &[Tok]) -> Option<(QualName, &[Tok])> {
    let w = |i: usize| match toks.get(i) {
        Some(Tok::Word(u, _)) => u.as_str(),
        _ => "",
    };
    if w(0) != "ALTER" || w(1) != "TABLE" {
        return None;
    }
    let mut i = 2;
    if w(i) == "IF" && w(i + 1) == "EXISTS" {
        i += 2;
    }
    if w(i) == "ONLY" {
        i += 1;
    }
    let (table, i) = crate::recognise::name_at(toks, i)?;
    Some((table, &toks[i..]))
}

fn seq(rest: &[Tok], words: &[&str]) -> bool {
    rest.windows(words.len()).any(|win| {
        win.iter()
            .zip(words)
            .all(|(t, w)| matches!(t, Tok::Word(u, _) if u == w))
    })
}

impl Rule for TableRewriteCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let text = cx.unit.source.slice(&cx.stmt.span);
        if let Some(cl) = command_lock(text) {
            if let Some(t) = &cl.table {
                if cx.table_is_new(t) {
                    return;
                }
            }
            if let Some(i) = &cl.index {
                if cx
                    .state
                    .object_created_in(ObjectKind::Index, i, None, cx.unit.index)
                {
                    return;
                }
            }
            let what = match (&cl.table, &cl.index) {
                (Some(t), _) => format!("`{}`", cx.table_name(t)),
                (None, Some(i)) => format!("the table of index `{i}`"),
                (None, None) => "every table it covers".to_string(),
            };
            let (effect, help) = match cl.command {
                "VACUUM FULL" => (
                    "rewrites the whole table into new files while holding an ACCESS EXCLUSIVE lock",
                    "Plain `VACUUM` (no FULL) takes no blocking lock; to shrink a bloated table online use pg_repack or pg_squeeze, outside the migration.".to_string(),
                ),
                "CLUSTER" => (
                    "rewrites the whole table in index order while holding an ACCESS EXCLUSIVE lock",
                    "Run it outside migrations in a maintenance window, or use pg_repack (which reorders online).".to_string(),
                ),
                _ if !cl.concurrent_form => (
                    "rebuilds the system catalog indexes, blocking writes to them (and reads that use them) while it runs; it has no concurrent form",
                    "Run it outside migrations, in a maintenance window.".to_string(),
                ),
                _ => (
                    "rebuilds the index from scratch, blocking writes to the table (and reads that use the index) until it is done",
                    if cx.config.pg_version >= 12 {
                        format!("Use `{} CONCURRENTLY ...` (PostgreSQL 12+), outside a transaction block.", cl.command)
                    } else {
                        "Build a new index with CREATE INDEX CONCURRENTLY, then drop the old one (REINDEX CONCURRENTLY needs PostgreSQL 12).".to_string()
                    },
                ),
            };
            out.push(cx.hit(
                format!("`{}` {effect} on {what}, for as long as the command runs", cl.command),
                help,
            ));
            return;
        }
        // One finding per statement: the table is rewritten once, however many columns.
        if let Some((table, column, ty)) = super::column_type_change::same_type_rewrites(cx)
            .into_iter()
            .next()
        {
            out.push(cx.hit(
                format!(
                    "Column `{}` of `{}` is already `{ty}`: this is not a type change, but its `USING` expression makes PostgreSQL rewrite every row of the table while holding an ACCESS EXCLUSIVE lock",
                    crate::effect::quote_ident(&column),
                    cx.table_name(&table)
                ),
                "To change the values, use an UPDATE (in batches on a large table), which keeps the table readable and writable.",
            ));
        }
        // Only `ALTER TABLE` with one of these forms is read below: tokenize no other statement
        // (a word token is text of the statement, so the text holds it).
        if !(may_start_with(text, &["alter"])
            && ["tablespace", "logged", "detach"]
                .iter()
                .any(|w| contains_word_text(text, w)))
        {
            return;
        }
        let toks = tokens(text);
        let Some((table, rest)) = alter_table(&toks) else {
            return;
        };
        if cx.table_is_new(&table) {
            return;
        }
        let name = cx.table_name(&table);
        let mut found: Vec<(String, String)> = Vec::new();
        if seq(rest, &["SET", "TABLESPACE"]) {
            found.push((
                format!("`SET TABLESPACE` copies every block of `{name}` into the new tablespace (its indexes stay where they are unless moved too) while holding an ACCESS EXCLUSIVE lock"),
                "Move tables outside migrations in a maintenance window, or create the new table in the target tablespace and copy rows online (logical replication, pg_repack --tablespace).".into(),
            ));
        }
        for (form, other) in [("LOGGED", "UNLOGGED"), ("UNLOGGED", "LOGGED")] {
            if seq(rest, &["SET", form]) {
                found.push((
                    format!("`SET {form}` rewrites the whole of `{name}` while holding an ACCESS EXCLUSIVE lock"),
                    format!("Create a new {form} table, copy rows in batches and swap names, instead of converting an {other} table in place."),
                ));
            }
        }
        if seq(rest, &["DETACH", "PARTITION"])
            && !seq(rest, &["CONCURRENTLY"])
            && !seq(rest, &["FINALIZE"])
        {
            found.push((
                format!("`DETACH PARTITION` takes an ACCESS EXCLUSIVE lock on the partitioned table `{name}`, blocking every read and write of all its partitions until it commits"),
                if cx.config.pg_version >= 14 {
                    "Use `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14+), outside a transaction block.".into()
                } else {
                    "Before PostgreSQL 14 there is no concurrent form: detach in a maintenance window with a short `lock_timeout`.".into()
                },
            ));
        }
        for (message, help) in found {
            out.push(cx.hit(message, help));
        }
    }
}
