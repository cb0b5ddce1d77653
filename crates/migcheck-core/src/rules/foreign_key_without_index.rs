//! A foreign key whose columns lead no index of its table: PostgreSQL indexes the referenced
//! side of a foreign key (it must be a primary key or unique) but never the referencing side,
//! so every DELETE of a referenced row, or UPDATE of its key, looks for referencing rows with
//! a scan of the whole referencing table (`RI_FKey_noaction_del` and friends in
//! src/backend/utils/adt/ri_triggers.c run `SELECT 1 FROM <fk table> WHERE <fk cols> = $1`),
//! as do joins along the key. Supabase's advisor reports it as `unindexed_foreign_keys` (lint
//! 0001 of supabase/splinter, `lints/0001_unindexed_foreign_keys.sql`).
//!
//! Judged at the end of the set, on the tables the set itself created (the indexes of a table
//! created elsewhere are unknown): an index counts when its leading columns are the foreign
//! key's columns, in any order; primary keys and unique constraints count, wherever in the set
//! they were created (in the same file after the foreign key, or in a later migration).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use sqlparser::ast::{
    AlterTableOperation, ColumnDef, ColumnOption, Expr, Ident, IndexColumn, Statement as Ast,
    TableConstraint,
};

use super::policies::{table_key as key, TableKey as Key};
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;
use crate::effect::{quote_ident, Effect, ObjectKind, QualName};
use crate::extract::{fold, qual};

pub struct ForeignKeyWithoutIndex;

static META: RuleMeta = rule_meta!(
    "foreign-key-without-index",
    Warning,
    Hygiene,
    "A foreign key whose columns are not the leading columns of any index of its table (deletes on the referenced table scan it)"
);


struct Fk {
    unit: usize,
    span: Range<usize>,
    name: Option<String>,
    columns: Vec<String>,
    refers: String,
}

#[derive(Default)]
struct Table {
    fks: Vec<Fk>,
    /// (index or constraint name when known, its leading plain columns).
    indexes: Vec<(Option<String>, Vec<String>)>,
}

/// The plain columns an index starts with, up to its first expression.
fn leading(cols: &[IndexColumn]) -> Vec<String> {
    cols.iter()
        .map_while(|c| match &c.column.expr {
            Expr::Identifier(id) => Some(fold(id)),
            _ => None,
        })
        .collect()
}

fn covers(index: &[String], fk: &[String]) -> bool {
    index.len() >= fk.len() && fk.iter().all(|c| index[..fk.len()].contains(c))
}

impl Table {
    fn column(&mut self, c: &ColumnDef, at: (usize, &Range<usize>)) {
        let col = fold(&c.name);
        for o in &c.options {
            match &o.option {
                ColumnOption::PrimaryKey(_) | ColumnOption::Unique(_) => {
                    self.indexes.push((None, vec![col.clone()]))
                }
                ColumnOption::ForeignKey(f) => self.fks.push(Fk {
                    unit: at.0,
                    span: at.1.clone(),
                    name: o.name.as_ref().map(fold),
                    columns: vec![col.clone()],
                    refers: qual(&f.foreign_table).to_string(),
                }),
                _ => {}
            }
        }
    }

    fn constraint(&mut self, tc: &TableConstraint, at: (usize, &Range<usize>)) {
        let name = |n: &Option<Ident>| n.as_ref().map(fold);
        match tc {
            TableConstraint::PrimaryKey(p) => self.indexes.push((name(&p.name), leading(&p.columns))),
            TableConstraint::Unique(u) => self.indexes.push((name(&u.name), leading(&u.columns))),
            TableConstraint::ForeignKey(f) if !f.columns.is_empty() => self.fks.push(Fk {
                unit: at.0,
                span: at.1.clone(),
                name: name(&f.name),
                columns: f.columns.iter().map(fold).collect(),
                refers: qual(&f.foreign_table).to_string(),
            }),
            _ => {}
        }
    }

    fn drop_named(&mut self, n: &str) {
        self.fks.retain(|f| f.name.as_deref() != Some(n));
        self.indexes.retain(|i| i.0.as_deref() != Some(n));
    }
}

/// The files of the set that are applied forward.
fn applied<'a>(cx: &'a SetCx<'_>) -> impl Iterator<Item = &'a super::FileUnit> + 'a {
    cx.units
        .iter()
        .filter(|u| !matches!(u.migration.role, Role::Unapplied | Role::Down))
}

/// True when `text` holds `word` (lower case ASCII) in any case, without allocating.
fn contains_word(text: &str, word: &str) -> bool {
    let w = word.as_bytes();
    text.as_bytes()
        .windows(w.len())
        .any(|x| x.eq_ignore_ascii_case(w))
}

impl Rule for ForeignKeyWithoutIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        // First the tables that get a foreign key anywhere in the set, from the statements that
        // say `REFERENCES`: only those are followed below, and only their statements parsed
        // again (a file of 100,000 tables without a foreign key holds nothing here).
        let mut referencing: HashSet<Key> = HashSet::new();
        for u in applied(cx) {
            for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
                // The head first: the text of every other statement (function bodies are most
                // of a set's bytes) is not scanned.
                let heads = ["CREATE TABLE", "CREATE UNLOGGED", "ALTER TABLE"];
                if !heads.iter().any(|h| s.head.starts_with(h)) {
                    continue;
                }
                let sql = u.source.text.get(s.span.clone()).unwrap_or("");
                if !contains_word(sql, "references") {
                    continue;
                }
                match s.tree_if_head(&u.source.text, &heads).as_deref() {
                    Some(Ast::CreateTable(ct)) if !ct.temporary => {
                        referencing.insert(key(&qual(&ct.name)));
                    }
                    Some(Ast::AlterTable(at)) => {
                        referencing.insert(key(&qual(&at.name)));
                    }
                    _ => {}
                }
            }
        }
        if referencing.is_empty() {
            return;
        }
        let mut tables: HashMap<Key, Table> = HashMap::new();
        // Index name → its table, to follow DROP INDEX.
        let mut index_of: HashMap<String, Key> = HashMap::new();
        for u in applied(cx) {
            let text = &u.source.text;
            for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
                for e in s.effects.iter() {
                    match e {
                        Effect::DropTable { table } => {
                            tables.remove(&key(table));
                        }
                        Effect::RenameTable { table, to } => {
                            if let Some(t) = tables.remove(&key(table)) {
                                tables.insert((key(table).0, to.clone()), t);
                            }
                        }
                        Effect::DropColumn { table, column } => {
                            if let Some(t) = tables.get_mut(&key(table)) {
                                t.fks.retain(|f| !f.columns.contains(column));
                                t.indexes.retain(|i| !i.1.contains(column));
                            }
                        }
                        Effect::DropObject {
                            kind: ObjectKind::Index,
                            name,
                            ..
                        } => {
                            if let Some(k) = index_of.remove(&name.name) {
                                if let Some(t) = tables.get_mut(&k) {
                                    t.indexes.retain(|i| i.0.as_deref() != Some(&name.name));
                                }
                            }
                        }
                        Effect::DropObject {
                            kind: ObjectKind::Constraint,
                            name,
                            on: Some(on),
                        } => {
                            if let Some(t) = tables.get_mut(&key(on)) {
                                t.drop_named(&name.name);
                            }
                        }
                        _ => {}
                    }
                }
                // Parsed again only when it may concern a followed table: a CREATE TABLE or
                // named CREATE INDEX says its table in its effects; an ALTER TABLE must say a
                // key word.
                let followed = |t: &QualName| {
                    let k = key(t);
                    referencing.contains(&k) || tables.contains_key(&k)
                };
                let relevant = s.effects.iter().any(|e| match e {
                    Effect::CreateTable { table, .. } => followed(table),
                    Effect::CreateObject {
                        kind: ObjectKind::Index,
                        on: Some(t),
                        ..
                    } => followed(t),
                    _ => false,
                }) || (s.head.starts_with("CREATE") && s.head.contains("INDEX") && s.effects.is_empty())
                    || (s.head.starts_with("ALTER TABLE") && {
                        let sql = text.get(s.span.clone()).unwrap_or("");
                        ["references", "primary", "unique", "foreign"]
                            .iter()
                            .any(|w| contains_word(sql, w))
                    });
                if !relevant {
                    continue;
                }
                let heads = ["CREATE TABLE", "CREATE UNLOGGED", "ALTER TABLE", "CREATE INDEX", "CREATE UNIQUE"];
                let Some(tree) = s.tree_if_head(text, &heads) else {
                    continue;
                };
                let at = (u.index, &s.span);
                match &*tree {
                    Ast::CreateTable(ct) if !ct.temporary => {
                        let k = key(&qual(&ct.name));
                        if !referencing.contains(&k) || (ct.if_not_exists && tables.contains_key(&k)) {
                            continue;
                        }
                        let mut t = Table::default();
                        for c in &ct.columns {
                            t.column(c, at);
                        }
                        for tc in &ct.constraints {
                            t.constraint(tc, at);
                        }
                        tables.insert(k, t);
                    }
                    Ast::AlterTable(alter) => {
                        let Some(t) = tables.get_mut(&key(&qual(&alter.name))) else {
                            continue;
                        };
                        for op in &alter.operations {
                            match op {
                                AlterTableOperation::AddColumn { column_def, .. } => {
                                    t.column(column_def, at)
                                }
                                AlterTableOperation::AddConstraint { constraint, .. } => {
                                    t.constraint(constraint, at)
                                }
                                _ => {}
                            }
                        }
                    }
                    Ast::CreateIndex(ci) => {
                        let k = key(&qual(&ci.table_name));
                        let Some(t) = tables.get_mut(&k) else {
                            continue;
                        };
                        let name = ci.name.as_ref().map(|n| qual(n).name);
                        if let Some(n) = &name {
                            index_of.insert(n.clone(), k);
                        }
                        t.indexes.push((name, leading(&ci.columns)));
                    }
                    _ => {}
                }
            }
        }
        let mut keys: Vec<&Key> = tables.keys().collect();
        keys.sort();
        for k in keys {
            let t = &tables[k];
            for fk in &t.fks {
                if t.indexes.iter().any(|i| covers(&i.1, &fk.columns)) {
                    continue;
                }
                let Some(unit) = super::unit_at(cx.units, fk.unit) else {
                    continue;
                };
                let cols = fk
                    .columns
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ");
                let table = QualName::new(Some(&k.0), &k.1);
                out.push(Hit {
                    file: unit.source.clone(),
                    span: fk.span.clone(),
                    message: format!(
                        "Foreign key ({cols}) of `{table}` referencing `{}` has no index starting with its columns at the end of the migrations: every DELETE of a row of `{}`, or change of its key, scans all of `{table}` for referencing rows, and joins along the key scan it too",
                        fk.refers, fk.refers
                    ),
                    help: format!("Index the referencing columns: `CREATE INDEX CONCURRENTLY ON {table} ({cols})` (a plain CREATE INDEX in the migration that creates the table).").into(),
                    fix: None,
                    suggestion: None,
                });
            }
        }
    }
}
