//! An index that repeats one its table already has: same columns and expressions in the same
//! order, with the same sort options, operator classes and collations, same access method,
//! same `INCLUDE` columns and `NULLS [NOT] DISTINCT`, and the same predicate. PostgreSQL
//! builds and maintains both, and the planner uses one of them. Supabase's advisor reports the
//! result as `duplicate_index` (lint 0009 of supabase/splinter, which groups a table's
//! indexes by their definition without the name).
//!
//! Followed in set order, statement by statement, from the indexes, primary keys and unique
//! constraints the set itself creates (those of a table made elsewhere are unknown), on the
//! tables some `CREATE INDEX` of the set is on (a set of 30,000 tables and no index keeps
//! nothing; following every table doubled the peak memory of such a file): a drop of
//! the index, of its constraint, of one of its columns or of its table forgets it; renames
//! of tables, columns and indexes are followed. A plain index that repeats a unique one (a
//! primary key's or unique constraint's index included) is a duplicate: the unique index
//! serves every lookup the plain one would. A unique index that repeats a plain one is not
//! (it adds a constraint). An index made while another one is there and then dropped in the
//! same file (`CREATE INDEX CONCURRENTLY new ...; DROP INDEX CONCURRENTLY old;`, the way to
//! rebuild an index without a long lock) is a replacement, not a duplicate.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

use sqlparser::ast::{
    AlterTableOperation, ColumnDef, ColumnOption, CreateIndex, Expr, Ident, IndexColumn,
    IndexType, NullsDistinctOption, Statement as Ast, TableConstraint,
};

use super::policies::{table_key as key, TableKey as Key};
use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;
use crate::effect::{Effect, ObjectKind, QualName};
use crate::extract::{fold, qual};

pub struct DuplicateIndex;

static META: RuleMeta = rule_meta!(
    "duplicate-index",
    Warning,
    Hygiene,
    "An index with the same definition as an index or key its table already has"
);


/// One index column: a plain column (folded name) or an expression (as the parser prints it),
/// with its sort options and operator class.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Part {
    Column(String, String),
    Other(String),
}

/// What makes two indexes the same (everything but the name and storage parameters).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Shape {
    method: String,
    parts: Vec<Part>,
    include: Vec<String>,
    nulls_not_distinct: bool,
    predicate: Option<String>,
}

struct Index {
    /// The index's name (a key's index is named after its constraint), when known.
    name: Option<String>,
    /// "primary key", "unique constraint", "unique index" or "index", for the message.
    what: &'static str,
    unique: bool,
    shape: Shape,
}

fn part(c: &IndexColumn) -> Part {
    let options = c.column.options.to_string();
    let opclass = c
        .operator_class
        .as_ref()
        .map(|o| o.to_string().to_lowercase())
        .unwrap_or_default();
    match &c.column.expr {
        Expr::Identifier(id) => Part::Column(fold(id), format!("{options} {opclass}")),
        e => Part::Other(format!("{e} {options} {opclass}")),
    }
}

fn method(t: &Option<IndexType>) -> String {
    t.as_ref()
        .map_or("btree".into(), |t| t.to_string().to_lowercase())
}

fn shape_of(ci: &CreateIndex) -> Shape {
    Shape {
        method: method(&ci.using),
        parts: ci.columns.iter().map(part).collect(),
        include: ci.include.iter().map(fold).collect(),
        nulls_not_distinct: ci.nulls_distinct == Some(false),
        predicate: ci.predicate.as_ref().map(|p| p.to_string()),
    }
}

fn key_shape(columns: &[IndexColumn], include: &[Ident], not_distinct: bool) -> Shape {
    Shape {
        method: "btree".into(),
        parts: columns.iter().map(part).collect(),
        include: include.iter().map(fold).collect(),
        nulls_not_distinct: not_distinct,
        predicate: None,
    }
}

/// The index of a column's own `PRIMARY KEY` or `UNIQUE` (`col` already folded).
fn column_key(col: &str) -> Shape {
    let mut s = key_shape(&[IndexColumn::from(Ident::new(col))], &[], false);
    if let Some(Part::Column(n, _)) = s.parts.first_mut() {
        *n = col.to_string();
    }
    s
}

/// PostgreSQL's name for a key's index when the constraint has none: `<table>_pkey`,
/// `<table>_<columns>_key`.
fn default_key_name(table: &str, columns: &[String], primary: bool) -> String {
    if primary {
        format!("{table}_pkey")
    } else {
        format!("{table}_{}_key", columns.join("_"))
    }
}

fn uses_column(s: &Shape, column: &str) -> bool {
    let in_expr = |text: &str| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w.eq_ignore_ascii_case(column))
    };
    s.parts.iter().any(|p| match p {
        Part::Column(c, _) => c == column,
        Part::Other(e) => in_expr(e),
    }) || s.include.iter().any(|c| c == column)
        || s.predicate.as_deref().is_some_and(in_expr)
}

/// The indexes of one table. Slots are never reused: a dropped index leaves `None`, so the
/// maps below can point into the list without being rebuilt (a file of 100,000 indexes on one
/// table costs a lookup per index, not a scan).
#[derive(Default)]
struct Table {
    slots: Vec<Option<Index>>,
    /// (shape, unique) → slots, oldest first; dropped ones are trimmed from the front when met.
    by_shape: HashMap<(Shape, bool), VecDeque<usize>>,
    by_name: HashMap<String, usize>,
}

impl Table {
    fn live(&self) -> impl Iterator<Item = &Index> {
        self.slots.iter().flatten()
    }

    /// The index an index of `shape` would repeat (`unique`: the new one is unique, so only a
    /// unique one counts). The oldest live one, found without scanning the others.
    fn twin(&mut self, shape: &Shape, unique: bool) -> Option<&Index> {
        let kinds: &[bool] = if unique { &[true] } else { &[true, false] };
        for &u in kinds {
            let Some(q) = self.by_shape.get_mut(&(shape.clone(), u)) else {
                continue;
            };
            while let Some(&i) = q.front() {
                if self.slots[i].is_some() {
                    return self.slots[i].as_ref();
                }
                q.pop_front();
            }
        }
        None
    }

    fn push(&mut self, index: Index) {
        let slot = self.slots.len();
        if let Some(n) = &index.name {
            self.by_name.insert(n.clone(), slot);
        }
        self.by_shape
            .entry((index.shape.clone(), index.unique))
            .or_default()
            .push_back(slot);
        self.slots.push(Some(index));
    }

    /// After the shapes of some indexes changed (a renamed column).
    fn reshape(&mut self) {
        self.by_shape.clear();
        for (n, i) in self.slots.iter().enumerate() {
            if let Some(i) = i {
                self.by_shape
                    .entry((i.shape.clone(), i.unique))
                    .or_default()
                    .push_back(n);
            }
        }
    }
}

#[derive(Default)]
struct Tables {
    by_table: HashMap<Key, Table>,
    /// Index name → its table (index names are unique in a schema, whatever the table).
    /// Checked against the table's own names when used: a dropped table leaves its entries.
    names: HashMap<String, Key>,
}

impl Tables {
    fn add(&mut self, table: &Key, index: Index) {
        if let Some(n) = &index.name {
            // One of the same name cannot be there any more (PostgreSQL would refuse the
            // statement): it went in a way not followed here.
            self.drop_named(&n.clone(), None);
            self.names.insert(n.clone(), table.clone());
        }
        self.by_table.entry(table.clone()).or_default().push(index);
    }

    fn has_name(&self, name: &str) -> bool {
        self.names
            .get(name)
            .and_then(|k| self.by_table.get(k))
            .is_some_and(|t| t.by_name.contains_key(name))
    }

    fn column(&mut self, table: &Key, c: &ColumnDef) {
        let col = fold(&c.name);
        for o in &c.options {
            let primary = matches!(o.option, ColumnOption::PrimaryKey(_));
            if !(primary || matches!(o.option, ColumnOption::Unique(_))) {
                continue;
            }
            let name = o.name.as_ref().map(fold).unwrap_or_else(|| {
                default_key_name(&table.1, std::slice::from_ref(&col), primary)
            });
            self.add_key(table, name, primary, column_key(&col));
        }
    }

    fn constraint(&mut self, table: &Key, tc: &TableConstraint) {
        let (name, columns, include, primary, not_distinct) = match tc {
            TableConstraint::PrimaryKey(p) => (&p.name, &p.columns, &p.include, true, false),
            TableConstraint::Unique(u) => (
                &u.name,
                &u.columns,
                &u.include,
                false,
                u.nulls_distinct == NullsDistinctOption::NotDistinct,
            ),
            TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => {
                // The index becomes the constraint's, renamed after it.
                if let Some(n) = &u.name {
                    self.rename_named(&fold(&u.index_name), &fold(n));
                }
                return;
            }
            _ => return,
        };
        let shape = key_shape(columns, include, not_distinct);
        let cols: Vec<String> = shape
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Column(c, _) => Some(c.clone()),
                Part::Other(_) => None,
            })
            .collect();
        let name = name
            .as_ref()
            .map(fold)
            .unwrap_or_else(|| default_key_name(&table.1, &cols, primary));
        self.add_key(table, name, primary, shape);
    }

    /// A primary key or unique constraint: the unique index PostgreSQL makes for it.
    fn add_key(&mut self, table: &Key, name: String, primary: bool, shape: Shape) {
        self.add(
            table,
            Index {
                name: Some(name),
                what: if primary { "primary key" } else { "unique constraint" },
                unique: true,
                shape,
            },
        );
    }

    /// Forgets the index (or key) `name`, of table `on` when given.
    fn drop_named(&mut self, name: &str, on: Option<&Key>) {
        let Some(k) = on.or_else(|| self.names.get(name)).cloned() else {
            return;
        };
        if let Some(t) = self.by_table.get_mut(&k) {
            if let Some(slot) = t.by_name.remove(name) {
                t.slots[slot] = None;
                self.names.remove(name);
            }
        }
    }

    fn rename_named(&mut self, from: &str, to: &str) {
        let Some(k) = self.names.get(from).cloned() else {
            return;
        };
        let Some(t) = self.by_table.get_mut(&k) else {
            return;
        };
        let Some(slot) = t.by_name.remove(from) else {
            return;
        };
        if let Some(i) = t.slots[slot].as_mut() {
            i.name = Some(to.to_string());
        }
        t.by_name.insert(to.to_string(), slot);
        self.names.remove(from);
        self.names.insert(to.to_string(), k);
    }

    fn drop_table(&mut self, k: &Key) {
        self.by_table.remove(k);
    }

    fn rename_table(&mut self, from: &Key, to: Key) {
        if let Some(t) = self.by_table.remove(from) {
            for n in t.by_name.keys() {
                self.names.insert(n.clone(), to.clone());
            }
            self.by_table.insert(to, t);
        }
    }

    fn drop_column(&mut self, k: &Key, column: &str) {
        if let Some(t) = self.by_table.get_mut(k) {
            for slot in t.slots.iter_mut() {
                if slot.as_ref().is_some_and(|i| uses_column(&i.shape, column)) {
                    if let Some(n) = slot.take().and_then(|i| i.name) {
                        t.by_name.remove(&n);
                    }
                }
            }
        }
    }

    fn rename_column(&mut self, k: &Key, from: &str, to: &str) {
        let Some(t) = self.by_table.get_mut(k) else {
            return;
        };
        if !t.live().any(|i| uses_column(&i.shape, from)) {
            return;
        }
        for i in t.slots.iter_mut().flatten() {
            for p in i.shape.parts.iter_mut() {
                if let Part::Column(c, _) = p {
                    if c == from {
                        *c = to.to_string();
                    }
                }
            }
            for c in i.shape.include.iter_mut() {
                if c == from {
                    *c = to.to_string();
                }
            }
        }
        // An expression or predicate that names the column is forgotten rather than rewritten.
        t.reshape();
        self.drop_column(k, from);
    }
}

/// The files of the set that are applied forward.
fn applied<'a>(cx: &'a SetCx<'_>) -> impl DoubleEndedIterator<Item = &'a super::FileUnit> + 'a {
    cx.units
        .iter()
        .filter(|u| !matches!(u.migration.role, Role::Unapplied | Role::Down))
}

/// The tables some `CREATE INDEX` of the set is on, and the names each had before renames
/// (read backwards, so `a` → `b` → `c` then an index on `c` follows all three).
fn indexed_tables(cx: &SetCx<'_>) -> HashSet<Key> {
    let mut out = HashSet::new();
    for u in applied(cx).rev() {
        for s in u.parsed.statements.iter().rev().filter(|s| !s.rollback) {
            let mut named = false;
            for e in s.effects.iter().rev() {
                match e {
                    Effect::CreateObject {
                        kind: ObjectKind::Index,
                        on: Some(t),
                        ..
                    } => {
                        named = true;
                        out.insert(key(t));
                    }
                    Effect::RenameTable { table, to } => {
                        let k = key(table);
                        if out.contains(&(k.0.clone(), to.clone())) {
                            out.insert(k);
                        }
                    }
                    _ => {}
                }
            }
            // An index without a name may carry no effect: read its table from the tree.
            if !named && s.head.starts_with("CREATE") && s.head.contains("INDEX") {
                if let Some(Ast::CreateIndex(ci)) =
                    s.tree_if_head(&u.source.text, &["CREATE INDEX", "CREATE UNIQUE"]).as_deref()
                {
                    out.insert(key(&qual(&ci.table_name)));
                }
            }
        }
    }
    out
}

/// A duplicate seen, kept until its file ends: a drop of either index later in the same file
/// makes it a replacement.
struct Pending {
    unit: usize,
    span: Range<usize>,
    table: Key,
    new: Option<String>,
    new_what: &'static str,
    old: Option<String>,
    old_what: &'static str,
    /// One of the two was dropped later in the file.
    replaced: bool,
}

impl Rule for DuplicateIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        // Only tables some CREATE INDEX of the set names are followed (under the names they had
        // before any rename): a file of 30,000 tables and no index keeps nothing here.
        let indexed = indexed_tables(cx);
        if indexed.is_empty() {
            return;
        }
        let followed = |k: &Key| indexed.contains(k);
        let mut tables = Tables::default();
        for u in applied(cx) {
            let text = &u.source.text;
            let mut pending: Vec<Pending> = Vec::new();
            // Index name → the duplicates of this file that name it (as the new or the old one).
            let mut pending_by_name: HashMap<String, Vec<usize>> = HashMap::new();
            for s in u.parsed.statements.iter().filter(|s| !s.rollback) {
                for e in s.effects.iter() {
                    match e {
                        Effect::DropTable { table } => tables.drop_table(&key(table)),
                        // A materialized view dropped or made again takes its indexes along.
                        Effect::DropObject {
                            kind: ObjectKind::MaterializedView,
                            name,
                            ..
                        }
                        | Effect::CreateObject {
                            kind: ObjectKind::MaterializedView,
                            name,
                            ..
                        } => tables.drop_table(&key(name)),
                        Effect::RenameTable { table, to } => {
                            tables.rename_table(&key(table), (key(table).0, to.clone()))
                        }
                        Effect::DropColumn { table, column } => {
                            tables.drop_column(&key(table), column)
                        }
                        Effect::RenameColumn { table, from, to } => {
                            tables.rename_column(&key(table), from, to)
                        }
                        Effect::DropObject {
                            kind: kind @ (ObjectKind::Index | ObjectKind::Constraint),
                            name,
                            on,
                        } => {
                            let on = on.as_ref().map(key);
                            if *kind == ObjectKind::Index {
                                tables.drop_named(&name.name, None);
                            } else {
                                tables.drop_named(&name.name, on.as_ref());
                            }
                            for n in pending_by_name.remove(&name.name).unwrap_or_default() {
                                pending[n].replaced = true;
                            }
                        }
                        Effect::RenameObject {
                            kind: ObjectKind::Index | ObjectKind::Constraint,
                            name,
                            to,
                            ..
                        } => {
                            tables.rename_named(&name.name, to);
                            if let Some(ids) = pending_by_name.remove(&name.name) {
                                pending_by_name.entry(to.clone()).or_default().extend(ids);
                            }
                        }
                        _ => {}
                    }
                }
                let heads = [
                    "CREATE TABLE",
                    "CREATE UNLOGGED",
                    "ALTER TABLE",
                    "CREATE INDEX",
                    "CREATE UNIQUE",
                ];
                let key_words = s.head.starts_with("ALTER TABLE") && {
                    let sql = text.get(s.span.clone()).unwrap_or("").to_ascii_lowercase();
                    sql.contains("primary") || sql.contains("unique")
                };
                if s.head.starts_with("ALTER TABLE") && !key_words {
                    continue;
                }
                let unfollowed_table = s.effects.iter().any(|e| {
                    matches!(e, Effect::CreateTable { table, .. } if !followed(&key(table)))
                });
                if unfollowed_table {
                    continue;
                }
                let Some(tree) = s.tree_if_head(text, &heads) else {
                    continue;
                };
                match &*tree {
                    Ast::CreateTable(ct) if !ct.temporary => {
                        let k = key(&qual(&ct.name));
                        if !followed(&k) {
                            continue;
                        }
                        if ct.if_not_exists && tables.by_table.contains_key(&k) {
                            continue;
                        }
                        tables.drop_table(&k);
                        for c in &ct.columns {
                            tables.column(&k, c);
                        }
                        for tc in &ct.constraints {
                            tables.constraint(&k, tc);
                        }
                    }
                    Ast::AlterTable(alter) => {
                        let k = key(&qual(&alter.name));
                        if !followed(&k) {
                            continue;
                        }
                        for op in &alter.operations {
                            match op {
                                AlterTableOperation::AddColumn { column_def, .. } => {
                                    tables.column(&k, column_def)
                                }
                                AlterTableOperation::AddConstraint { constraint, .. } => {
                                    tables.constraint(&k, constraint)
                                }
                                _ => {}
                            }
                        }
                    }
                    Ast::CreateIndex(ci) => {
                        let k = key(&qual(&ci.table_name));
                        let name = ci.name.as_ref().map(|n| qual(n).name);
                        // `IF NOT EXISTS` of a name already there does nothing.
                        if ci.if_not_exists && name.as_deref().is_some_and(|n| tables.has_name(n)) {
                            continue;
                        }
                        if let Some(n) = &name {
                            tables.drop_named(n, None);
                        }
                        let shape = shape_of(ci);
                        let what = if ci.unique { "unique index" } else { "index" };
                        let twin = tables
                            .by_table
                            .get_mut(&k)
                            .and_then(|t| t.twin(&shape, ci.unique));
                        if let Some(old) = twin {
                            for n in name.iter().chain(old.name.iter()) {
                                pending_by_name.entry(n.clone()).or_default().push(pending.len());
                            }
                            pending.push(Pending {
                                replaced: false,
                                unit: u.index,
                                span: s.span.clone(),
                                table: k.clone(),
                                new: name.clone(),
                                new_what: what,
                                old: old.name.clone(),
                                old_what: old.what,
                            });
                        }
                        tables.add(
                            &k,
                            Index {
                                name,
                                what,
                                unique: ci.unique,
                                shape,
                            },
                        );
                    }
                    _ => {}
                }
            }
            for p in pending.into_iter().filter(|p| !p.replaced) {
                let Some(unit) = super::unit_at(cx.units, p.unit) else {
                    continue;
                };
                let table = QualName::new(Some(&p.table.0), &p.table.1);
                let new = p
                    .new
                    .as_ref()
                    .map_or(format!("This {}", p.new_what), |n| {
                        format!("The {} `{n}`", p.new_what)
                    });
                let old = p
                    .old
                    .as_ref()
                    .map_or(format!("an earlier {}", p.old_what), |n| {
                        format!("the {} `{n}`", p.old_what)
                    });
                let drop = p
                    .new
                    .as_ref()
                    .map_or("this index".to_string(), |n| format!("`{n}`"));
                out.push(Hit {
                    file: unit.source.clone(),
                    span: p.span,
                    message: format!(
                        "{new} on `{table}` has the same definition as {old}: PostgreSQL builds and updates both on every write and keeps both on disk, and queries use only one"
                    ),
                    help: format!(
                        "Remove this statement, or, if it replaces the other index, drop the other one in the same migration; once applied, drop {drop} with `DROP INDEX CONCURRENTLY`."
                    )
                    .into(),
                    fix: None,
                    suggestion: None,
                });
            }
        }
    }
}
