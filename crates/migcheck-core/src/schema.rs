//! The schema model: what the migration set has built so far, replayed statement by statement.
//!
//! Rules ask it questions ("was this table created earlier in the same file?", "is RLS on?").
//! It models only what the rules need: schemas, tables with their columns, RLS flags and
//! policies, and where other objects were created. Unqualified names resolve through the
//! current `search_path` (default `public`) the way PostgreSQL resolves them: to the first
//! schema in the path where the object exists, else (for creation) the first schema.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use crate::effect::{Effect, ObjectKind, QualName};

/// A place in the migration set: file index (in set order) and byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub span: Range<usize>,
}

/// A fully resolved table name.
pub type TableKey = (String, String);

/// An object other than a table: its kind, its schema (a number in
/// `SchemaState::object_schemas`) and its name.
type ObjectKey = (ObjectKind, u32, String);

/// A table's columns: looked up by name in constant time, listed in the order they were added.
/// (A list searched on every `ADD COLUMN` and rewritten on every `DROP COLUMN` made one
/// `ALTER TABLE` of 80,000 actions take minutes.) One entry per name holds all the set says of
/// the column: its place, the file that added it, its declared type, and the facts the locking
/// rules read (`facts.rs`: its type as written, NOT NULL, a validated `CHECK (col IS NOT
/// NULL)`). Separate maps keyed by the same names held each name once per map.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    at: ColumnMap,
    next: u32,
    /// How many entries have a place (the table's columns now).
    len: u32,
}

/// A table's column entries by name: a list searched in order while a table has few (most
/// have a handful, and a hash table of three columns takes twice their room), a hash table
/// once it has more than [`ColumnMap::FEW`].
#[derive(Debug, Clone)]
enum ColumnMap {
    Few(Vec<(Box<str>, Column)>),
    /// Boxed: every table's information holds a `ColumnMap`, and few have many columns (the
    /// extra allocation is for those few; the others save the hash table's 24 more bytes).
    #[allow(clippy::box_collection)]
    Many(Box<HashMap<Box<str>, Column>>),
}

impl Default for ColumnMap {
    fn default() -> Self {
        ColumnMap::Few(Vec::new())
    }
}

impl ColumnMap {
    const FEW: usize = 12;

    fn get(&self, name: &str) -> Option<&Column> {
        match self {
            ColumnMap::Few(v) => {
                crate::work::add(v.len());
                v.iter().find(|(n, _)| &**n == name).map(|(_, c)| c)
            }
            ColumnMap::Many(m) => m.get(name),
        }
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Column> {
        match self {
            ColumnMap::Few(v) => {
                crate::work::add(v.len());
                v.iter_mut().find(|(n, _)| &**n == name).map(|(_, c)| c)
            }
            ColumnMap::Many(m) => m.get_mut(name),
        }
    }

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Adds an entry for a name that has none.
    fn insert(&mut self, name: Box<str>, column: Column) {
        match self {
            ColumnMap::Few(v) if v.len() < Self::FEW => {
                // Exactly the room needed: a few reallocations, never the unused half.
                v.reserve_exact(1);
                v.push((name, column));
            }
            ColumnMap::Few(v) => {
                let mut m: HashMap<Box<str>, Column> = std::mem::take(v).into_iter().collect();
                m.insert(name, column);
                *self = ColumnMap::Many(Box::new(m));
            }
            ColumnMap::Many(m) => {
                m.insert(name, column);
            }
        }
    }

    fn remove(&mut self, name: &str) {
        match self {
            ColumnMap::Few(v) => {
                crate::work::add(v.len());
                if let Some(i) = v.iter().position(|(n, _)| &**n == name) {
                    v.swap_remove(i);
                }
            }
            ColumnMap::Many(m) => {
                m.remove(name);
            }
        }
    }

    fn values_mut(&mut self) -> Box<dyn Iterator<Item = &mut Column> + '_> {
        match self {
            ColumnMap::Few(v) => Box::new(v.iter_mut().map(|(_, c)| c)),
            ColumnMap::Many(m) => Box::new(m.values_mut()),
        }
    }

    fn iter(&self) -> Box<dyn Iterator<Item = (&str, &Column)> + '_> {
        match self {
            ColumnMap::Few(v) => Box::new(v.iter().map(|(n, c)| (&**n, c))),
            ColumnMap::Many(m) => Box::new(m.iter().map(|(n, c)| (&**n, c))),
        }
    }
}

/// A number that may be absent, in four bytes (`Option<u32>` takes eight).
type Slot = Option<std::num::NonZeroU32>;

fn slot(n: u32) -> Slot {
    std::num::NonZeroU32::new(n.checked_add(1)?)
}

fn unslot(s: std::num::NonZeroU32) -> u32 {
    s.get() - 1
}

/// What the set says of one column name of a table.
#[derive(Debug, Clone, Default)]
struct Column {
    /// Its place in creation order (a rename keeps it); `None` once dropped or renamed away:
    /// where it was created and its type are still remembered, as the rules have always read
    /// them.
    place: Slot,
    /// The file that added it with `ADD COLUMN`, when the set did.
    created: Slot,
    /// Its declared type ([`crate::effect::type_key`]), when the set declared it.
    ty: Option<Box<str>>,
    /// Its declared type as written, lower-cased (`varchar(20)`); forgotten when it is dropped.
    /// Not held when it is `ty` (`bigint`, `text`: most columns): `written_is_ty` says so.
    written: Option<Box<str>>,
    written_is_ty: bool,
    /// Known NOT NULL (declared, primary key, SET NOT NULL).
    not_null: bool,
    /// It has a validated `CHECK (col IS NOT NULL)`.
    not_null_check: bool,
    /// Declared `PRIMARY KEY` or `UNIQUE` on its own (`id serial primary key`): no two rows
    /// share a value.
    unique: bool,
    /// Declared `PRIMARY KEY` on its own: the column of the key PostgreSQL names `<table>_pkey`.
    primary_key: bool,
}

impl Column {
    fn is_empty(&self) -> bool {
        self.place.is_none()
            && self.created.is_none()
            && self.ty.is_none()
            && self.written.is_none()
            && !self.written_is_ty
            && !self.not_null
            && !self.not_null_check
            && !self.unique
            && !self.primary_key
    }
}

impl Columns {
    pub fn contains(&self, name: &str) -> bool {
        self.at.get(name).is_some_and(|c| c.place.is_some())
    }

    /// Adds `name` last; false when the table has it already.
    pub fn add(&mut self, name: &str) -> bool {
        if self.contains(name) {
            return false;
        }
        let next = self.next;
        self.entry(name).place = slot(next);
        self.next += 1;
        self.len += 1;
        true
    }

    /// Adds `name` last as added by file `file`; false (and nothing recorded) when the table
    /// has it already.
    pub fn add_in(&mut self, name: &str, file: usize) -> bool {
        if !self.add(name) {
            return false;
        }
        if let Some(c) = self.at.get_mut(name) {
            c.created = u32::try_from(file).ok().and_then(slot);
        }
        true
    }

    /// Drops `name`: its place and what the facts knew of it go; where it was created and its
    /// declared type stay.
    pub fn remove(&mut self, name: &str) {
        if let Some(c) = self.at.get_mut(name) {
            if c.place.take().is_some() {
                self.len -= 1;
            }
            c.written = None;
            c.written_is_ty = false;
            c.not_null = false;
            c.not_null_check = false;
            c.unique = false;
            c.primary_key = false;
            if c.is_empty() {
                self.at.remove(name);
            }
        }
    }

    /// Renames `from` to `to` in its place, with its declared type and facts.
    pub fn rename(&mut self, from: &str, to: &str) {
        let Some(c) = self.at.get_mut(from) else {
            return;
        };
        let (place, ty, written) = (c.place.take(), c.ty.take(), c.written.take());
        let written_is_ty = std::mem::take(&mut c.written_is_ty);
        let not_null = std::mem::take(&mut c.not_null);
        let not_null_check = std::mem::take(&mut c.not_null_check);
        let unique = std::mem::take(&mut c.unique);
        let primary_key = std::mem::take(&mut c.primary_key);
        if c.is_empty() {
            self.at.remove(from);
        }
        if place.is_none()
            && ty.is_none()
            && written.is_none()
            && !not_null
            && !not_null_check
            && !unique
            && !primary_key
        {
            return;
        }
        let target = self.entry(to);
        // `from` left and `to` came: the count stays, unless `to` had a place already.
        let had_place = place.is_some_and(|p| target.place.replace(p).is_some());
        if ty.is_some() {
            target.ty = ty;
        }
        if written.is_some() || written_is_ty {
            target.written = written;
            target.written_is_ty = written_is_ty;
        }
        target.not_null |= not_null;
        target.not_null_check |= not_null_check;
        target.unique |= unique;
        target.primary_key |= primary_key;
        if had_place {
            self.len -= 1;
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The names in the order they were added.
    pub fn to_vec(&self) -> Vec<String> {
        let mut v: Vec<(&str, u32)> = self
            .at
            .iter()
            .filter_map(|(c, col)| Some((c, unslot(col.place?))))
            .collect();
        v.sort_unstable_by_key(|&(_, i)| i);
        v.into_iter().map(|(c, _)| c.to_string()).collect()
    }

    /// The file that added the column, when the set added it with `ADD COLUMN` (also after it
    /// was dropped).
    pub fn created(&self, name: &str) -> Option<usize> {
        self.at.get(name)?.created.map(|f| unslot(f) as usize)
    }

    /// Every declared column type the set gave this table: (column, type), also of columns
    /// dropped since.
    pub fn types(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.at
            .iter()
            .filter_map(|(c, col)| Some((c, col.ty.as_deref()?)))
    }

    /// The column's declared type as written, lower-cased (`varchar(20)`), when a parsed
    /// statement declared or changed it and it was not dropped since.
    pub fn written_type(&self, name: &str) -> Option<&str> {
        let c = self.at.get(name)?;
        if c.written_is_ty {
            c.ty.as_deref()
        } else {
            c.written.as_deref()
        }
    }

    /// True when the column is known NOT NULL (declared, primary key, SET NOT NULL).
    pub fn is_not_null(&self, name: &str) -> bool {
        self.at.get(name).is_some_and(|c| c.not_null)
    }

    /// True when the column has a validated `CHECK (col IS NOT NULL)`.
    pub fn has_not_null_check(&self, name: &str) -> bool {
        self.at.get(name).is_some_and(|c| c.not_null_check)
    }

    /// True when the column was declared `PRIMARY KEY` or `UNIQUE` on its own.
    pub fn is_unique(&self, name: &str) -> bool {
        self.at.get(name).is_some_and(|c| c.unique)
    }

    /// The columns declared `PRIMARY KEY` on their own (one, in a valid table).
    pub fn primary_key_columns(&self) -> impl Iterator<Item = &str> {
        self.at
            .iter()
            .filter(|(_, c)| c.primary_key)
            .map(|(n, _)| n)
    }

    /// Records that `name` is declared `PRIMARY KEY` on its own (`facts.rs`).
    pub(crate) fn set_primary_key(&mut self, name: &str) {
        self.entry(name).primary_key = true;
    }

    /// Records that `name` is declared `PRIMARY KEY` or `UNIQUE` on its own (`facts.rs`).
    pub(crate) fn set_unique(&mut self, name: &str) {
        self.entry(name).unique = true;
    }

    /// The entry of `name`, made empty when there is none (the name is copied only then).
    fn entry(&mut self, name: &str) -> &mut Column {
        if !self.at.contains_key(name) {
            self.at.insert(name.into(), Column::default());
        }
        self.at.get_mut(name).expect("just inserted")
    }

    /// Records the declared type of `name` unless one is known (`CREATE TABLE`, `ADD COLUMN`).
    pub(crate) fn declare_type(&mut self, name: &str, ty: &str) {
        let c = self.entry(name);
        if c.ty.is_none() {
            c.ty = Some(ty.into());
        }
    }

    /// Records that `name` now has type `ty` (`ALTER COLUMN ... TYPE`).
    fn change_type(&mut self, name: &str, ty: String) {
        let c = self.entry(name);
        if c.written_is_ty {
            c.written = c.ty.take();
            c.written_is_ty = false;
        }
        c.ty = Some(ty.into_boxed_str());
    }

    /// Follows `ALTER TYPE from RENAME TO to` into the columns of that type: their type is the
    /// same object under its new name (an enum swap renames `t_new` to `t`, and the next swap of
    /// the same enum moves the columns from `t` to a new `t_new` again).
    fn rename_type(&mut self, from: &str, to: &str) {
        for c in self.at.values_mut() {
            if c.ty.as_deref() != Some(from) {
                continue;
            }
            let written = if c.written_is_ty {
                c.ty.as_deref()
            } else {
                c.written.as_deref()
            };
            let arrays = written.map_or(0, |w| {
                let mut w = w.trim_end();
                let mut n = 0;
                while let Some(r) = w.strip_suffix("[]") {
                    w = r.trim_end();
                    n += 1;
                }
                n
            });
            let renamed = format!(
                "{}{}",
                crate::effect::quote_ident(to).to_lowercase(),
                "[]".repeat(arrays)
            );
            c.ty = Some(to.into());
            c.written_is_ty = renamed == to;
            c.written = (!c.written_is_ty).then(|| renamed.into_boxed_str());
        }
    }

    /// Records the type of `name` as written (`facts.rs`).
    pub(crate) fn set_written_type(&mut self, name: &str, ty: String) {
        let c = self.entry(name);
        c.written_is_ty = c.ty.as_deref() == Some(ty.as_str());
        c.written = (!c.written_is_ty).then(|| ty.into_boxed_str());
    }

    /// Records whether `name` is known NOT NULL (`facts.rs`).
    pub(crate) fn set_not_null(&mut self, name: &str, not_null: bool) {
        if not_null {
            self.entry(name).not_null = true;
        } else if let Some(c) = self.at.get_mut(name) {
            c.not_null = false;
            if c.is_empty() {
                self.at.remove(name);
            }
        }
    }

    /// Records that `name` has a validated `CHECK (col IS NOT NULL)` (`facts.rs`).
    pub(crate) fn set_not_null_check(&mut self, name: &str) {
        self.entry(name).not_null_check = true;
    }
}

impl<S: AsRef<str>> FromIterator<S> for Columns {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut c = Columns::default();
        if let ColumnMap::Few(v) = &mut c.at {
            v.reserve_exact(iter.size_hint().0.min(ColumnMap::FEW));
        }
        for name in iter {
            c.add(name.as_ref());
        }
        c
    }
}

#[derive(Debug, Clone, Default)]
pub struct TableInfo {
    pub columns: Columns,
    pub rls: bool,
    pub force_rls: bool,
    /// Policy name → where it was created.
    pub policies: BTreeMap<String, Origin>,
    /// Where the table was created (None: it existed before the set, or is only referenced).
    pub created: Option<Origin>,
    /// Where RLS was last enabled.
    pub rls_enabled: Option<Origin>,
    /// True when some statement disabled RLS (enabling it earlier would not last).
    pub rls_disabled: bool,
}

#[derive(Debug, Clone)]
pub struct SchemaState {
    search_path: Vec<String>,
    /// Boxed: a map's nodes hold room for eleven entries, and a table's information is large
    /// (a file of 100,000 tables kept a third of its schema in unused node slots).
    pub tables: BTreeMap<TableKey, Box<TableInfo>>,
    pub schemas: BTreeSet<String>,
    /// Other objects → the file index where created.
    objects: HashMap<ObjectKey, u32>,
    /// The schemas of `objects`, by number: a file of 100,000 indexes held `public` 100,000
    /// times.
    object_schemas: crate::intern::Numbered<String>,
    schema_created: HashMap<String, usize>,
    /// Indexes the set created on a table it knows → that table: they go with it.
    index_table: HashMap<ObjectKey, TableKey>,
    /// The other way: a table → the indexes made on it (checked against `index_table` when
    /// used: an index dropped and made again elsewhere left its old entry here).
    table_indexes: HashMap<TableKey, Vec<ObjectKey>>,
    /// Objects the set provably removed: dropped by name, or an index dropped with its table
    /// or its constraint (`<table>_pkey`, `<table>_<column>_key`, a constraint's own name).
    /// Created again, they leave this map. Each with where it went (file, byte offset of the
    /// statement): a rule that reads the schema at the end of a file asks whether an object
    /// was gone before a given statement of it.
    gone: HashMap<ObjectKey, (u32, usize)>,
    /// Some statement so far changed a table that no migration of the set created: the set does
    /// not describe the database from its start (a partial history).
    pub saw_table_from_before: bool,
    /// Column and function facts the locking rules need (`facts.rs`).
    pub facts: crate::facts::Facts,
}

impl Default for SchemaState {
    fn default() -> Self {
        Self {
            search_path: vec!["public".into()],
            tables: BTreeMap::new(),
            schemas: ["public".to_string()].into(),
            objects: HashMap::new(),
            index_table: HashMap::new(),
            table_indexes: HashMap::new(),
            gone: Default::default(),
            saw_table_from_before: false,
            object_schemas: Default::default(),
            schema_created: HashMap::new(),
            facts: Default::default(),
        }
    }
}

impl SchemaState {
    /// The schema an unqualified name would be created in.
    pub(crate) fn creation_schema(&self) -> String {
        self.search_path
            .iter()
            .find(|s| *s != "$user" && *s != "pg_catalog" && *s != "pg_temp")
            .cloned()
            .unwrap_or_else(|| "public".into())
    }

    /// Resolves a table name as PostgreSQL would.
    pub fn resolve_table(&self, q: &QualName) -> TableKey {
        if let Some(s) = &q.schema {
            return (s.clone(), q.name.clone());
        }
        for s in &self.search_path {
            let key = (s.clone(), q.name.clone());
            if self.tables.contains_key(&key) {
                return key;
            }
        }
        (self.creation_schema(), q.name.clone())
    }

    fn object_key(&self, kind: ObjectKind, schema: &str, name: &str) -> Option<ObjectKey> {
        Some((kind, self.object_schemas.find(schema)?, name.to_string()))
    }

    /// Resolves an object's name as PostgreSQL would; `None` when no object was ever created
    /// in the schema it resolves to (then none exists there).
    fn resolve_object(&self, kind: ObjectKind, q: &QualName) -> Option<ObjectKey> {
        if let Some(s) = &q.schema {
            return self.object_key(kind, s, &q.name);
        }
        for s in &self.search_path {
            if let Some(key) = self.object_key(kind, s, &q.name) {
                if self.objects.contains_key(&key) {
                    return Some(key);
                }
            }
        }
        self.object_key(kind, &self.creation_schema(), &q.name)
    }

    /// [`SchemaState::resolve_object`] for an object being created: its schema gets a number.
    fn resolve_object_to_create(&mut self, kind: ObjectKind, q: &QualName) -> ObjectKey {
        if let Some(key) = self.resolve_object(kind, q) {
            return key;
        }
        let schema = q.schema.clone().unwrap_or_else(|| self.creation_schema());
        (kind, self.object_schemas.number(schema), q.name.clone())
    }

    pub fn table(&self, q: &QualName) -> Option<&TableInfo> {
        self.tables.get(&self.resolve_table(q)).map(|t| &**t)
    }

    /// True when the table was created in file `file` (changing it is then additive).
    pub fn table_created_in(&self, q: &QualName, file: usize) -> bool {
        self.table(q)
            .and_then(|t| t.created.as_ref())
            .is_some_and(|o| o.file == file)
    }

    /// True when the column was added in file `file` (or its table was created there).
    pub fn column_created_in(&self, q: &QualName, column: &str, file: usize) -> bool {
        self.table(q).is_some_and(|t| {
            t.created.as_ref().is_some_and(|o| o.file == file)
                || t.columns.created(column) == Some(file)
        })
    }

    /// Objects of `kind` created by the set and not dropped since, as (schema, name).
    pub fn created_objects(&self, kind: ObjectKind) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.objects
            .keys()
            .filter(move |(k, _, _)| *k == kind)
            .map(|(_, s, n)| (self.object_schemas.get(*s).as_str(), n.as_str()))
    }

    /// True when the object was created in file `file`. Objects on a table (triggers, policies,
    /// constraints) also count as created there when their table was.
    pub fn object_created_in(
        &self,
        kind: ObjectKind,
        name: &QualName,
        on: Option<&QualName>,
        file: usize,
    ) -> bool {
        if let Some(t) = on {
            if self.table_created_in(t, file) {
                return true;
            }
            if kind == ObjectKind::Policy {
                return self
                    .table(t)
                    .and_then(|t| t.policies.get(&name.name))
                    .is_some_and(|o| o.file == file);
            }
        }
        match kind {
            ObjectKind::Schema => self.schema_created.get(&name.name) == Some(&file),
            _ => {
                self.resolve_object(kind, name)
                    .and_then(|k| self.objects.get(&k))
                    .map(|&f| f as usize)
                    == Some(file)
            }
        }
    }

    /// True when the object exists at this point of the set: some migration created it (or,
    /// for a policy, created it on a table) and nothing dropped it since. Functions and
    /// procedures share one namespace.
    pub fn object_exists(&self, kind: ObjectKind, name: &QualName, on: Option<&QualName>) -> bool {
        match kind {
            ObjectKind::Policy => on
                .and_then(|t| self.table(t))
                .is_some_and(|t| t.policies.contains_key(&name.name)),
            ObjectKind::Function | ObjectKind::Procedure => {
                [ObjectKind::Function, ObjectKind::Procedure]
                    .into_iter()
                    .any(|k| {
                        self.resolve_object(k, name)
                            .is_some_and(|k| self.objects.contains_key(&k))
                    })
            }
            _ => self
                .resolve_object(kind, name)
                .is_some_and(|k| self.objects.contains_key(&k)),
        }
    }

    /// Where the set last removed the object, as (file, byte offset of the statement): dropped
    /// by name, renamed away, or an index dropped with its table or its constraint. `None`
    /// when the set never removed it (or made it again since).
    pub fn gone_at(&self, kind: ObjectKind, name: &QualName) -> Option<(usize, usize)> {
        self.resolve_object(kind, name)
            .and_then(|k| self.gone.get(&k))
            .map(|&(f, s)| (f as usize, s))
    }

    pub fn schema_created_in(&self, schema: &str, file: usize) -> bool {
        self.schema_created.get(schema) == Some(&file)
    }

    /// Applies one effect of the statement at `origin`.
    pub fn apply(&mut self, effect: &Effect, origin: &Origin) {
        let at = (origin.file as u32, origin.span.start);
        match effect {
            Effect::CreateSchema { name } => {
                if self.schemas.insert(name.clone()) {
                    self.schema_created.insert(name.clone(), origin.file);
                }
            }
            Effect::CreateTable { table, columns } => {
                let key = self.resolve_table_for_create(table);
                self.schemas.insert(key.0.clone());
                self.tables.entry(key.clone()).or_insert_with(|| {
                    Box::new(TableInfo {
                        columns: columns.iter().collect(),
                        created: Some(origin.clone()),
                        ..TableInfo::default()
                    })
                });
                // A table made again under a dropped one's name: its keys' indexes may be back
                // (only their names are looked up: no pass over every removed object).
                if !self.gone.is_empty() {
                    if let Some(n) = self.object_schemas.find(&key.0) {
                        let mut names = vec![format!("{}_pkey", key.1)];
                        names.extend(columns.iter().map(|c| format!("{}_{c}_key", key.1)));
                        for name in names {
                            let name = crate::effect::truncate_identifier(name);
                            self.gone.remove(&(ObjectKind::Index, n, name));
                        }
                    }
                }
            }
            Effect::AddColumn { table, column, ty } => {
                let columns = &mut self.table_mut(table).columns;
                columns.add_in(column, origin.file);
                if let Some(ty) = ty {
                    columns.declare_type(column, ty);
                }
            }
            Effect::CreateObject { kind, name, on } => {
                let key = self.resolve_object_to_create(*kind, name);
                self.gone.remove(&key);
                if *kind == ObjectKind::Index {
                    if let Some(t) = on {
                        let t = self.resolve_table(t);
                        self.table_indexes
                            .entry(t.clone())
                            .or_default()
                            .push(key.clone());
                        self.index_table.insert(key.clone(), t);
                    }
                }
                self.objects.entry(key).or_insert(origin.file as u32);
            }
            Effect::DropTable { table } => {
                let key = self.resolve_table(table);
                if let Some(t) = self.tables.remove(&key) {
                    // Its indexes go with it: those the set created on it, and those of its
                    // keys, by PostgreSQL's default names.
                    let mut names = vec![crate::effect::truncate_identifier(format!(
                        "{}_pkey",
                        key.1
                    ))];
                    names.extend(
                        t.columns
                            .to_vec()
                            .into_iter()
                            .filter(|c| t.columns.is_unique(c))
                            .map(|c| {
                                crate::effect::truncate_identifier(format!("{}_{c}_key", key.1))
                            }),
                    );
                    let schema = self.object_schemas.number(key.0.clone());
                    for n in names {
                        self.gone
                            .entry((ObjectKind::Index, schema, n))
                            .or_insert(at);
                    }
                    for i in self.table_indexes.remove(&key).unwrap_or_default() {
                        if self.index_table.get(&i) == Some(&key) {
                            self.index_table.remove(&i);
                            self.objects.remove(&i);
                            self.gone.entry(i).or_insert(at);
                        }
                    }
                }
            }
            Effect::DropSchema { name } => {
                self.schemas.remove(name);
                self.tables.retain(|(s, _), _| s != name);
            }
            Effect::DropColumn { table, column } => {
                if let Some(t) = self.tables.get_mut(&self.resolve_table(table)) {
                    t.columns.remove(column);
                }
            }
            Effect::DropObject { kind, name, on } => {
                if *kind == ObjectKind::Policy {
                    if let Some(t) = on {
                        if let Some(t) = self.tables.get_mut(&self.resolve_table(t)) {
                            t.policies.remove(&name.name);
                        }
                    }
                } else {
                    // Only what was there goes (a `DROP ... IF EXISTS` of what never was is
                    // not where it went).
                    if let Some(key) = self.resolve_object(*kind, name) {
                        if self.objects.remove(&key).is_some() {
                            self.index_table.remove(&key);
                            self.gone.entry(key).or_insert(at);
                        }
                    }
                    // A primary key's or unique constraint's index has the constraint's name
                    // and goes with it.
                    if *kind == ObjectKind::Constraint {
                        if let Some(t) = on {
                            let schema = self.resolve_table(t).0;
                            let q = QualName::new(Some(&schema), &name.name);
                            if let Some(key) = self.resolve_object(ObjectKind::Index, &q) {
                                self.objects.remove(&key);
                                self.index_table.remove(&key);
                                self.gone.entry(key).or_insert(at);
                            } else {
                                let n = self.object_schemas.number(schema);
                                self.gone
                                    .entry((ObjectKind::Index, n, name.name.clone()))
                                    .or_insert(at);
                            }
                        }
                    }
                }
            }
            Effect::RenameTable { table, to } => {
                let key = self.resolve_table(table);
                if let Some(t) = self.tables.remove(&key) {
                    let new = (key.0.clone(), to.clone());
                    if let Some(indexes) = self.table_indexes.remove(&key) {
                        for i in &indexes {
                            if self.index_table.get(i) == Some(&key) {
                                self.index_table.insert(i.clone(), new.clone());
                            }
                        }
                        self.table_indexes.insert(new.clone(), indexes);
                    }
                    self.tables.insert(new, t);
                }
            }
            Effect::RenameColumn { table, from, to } => {
                if let Some(t) = self.tables.get_mut(&self.resolve_table(table)) {
                    t.columns.rename(from, to);
                }
            }
            Effect::RenameObject {
                kind: ObjectKind::Policy,
                name,
                to,
                on: Some(t),
            } => {
                if let Some(t) = self.tables.get_mut(&self.resolve_table(t)) {
                    if let Some(o) = t.policies.remove(&name.name) {
                        t.policies.insert(to.clone(), o);
                    }
                }
            }
            Effect::RenameObject {
                kind: ObjectKind::Schema,
                name,
                to,
                ..
            } => {
                if self.schemas.remove(&name.name) {
                    self.schemas.insert(to.clone());
                }
                let moved: Vec<_> = self
                    .tables
                    .keys()
                    .filter(|(s, _)| *s == name.name)
                    .cloned()
                    .collect();
                for key in moved {
                    if let Some(t) = self.tables.remove(&key) {
                        self.tables.insert((to.clone(), key.1), t);
                    }
                }
            }
            Effect::SetSchema {
                kind: "table",
                name,
                schema,
            } => {
                let key = self.resolve_table(name);
                if let Some(t) = self.tables.remove(&key) {
                    self.tables.insert((schema.clone(), key.1), t);
                }
            }
            Effect::EnableRls { table } => {
                let t = self.table_mut(table);
                t.rls = true;
                t.rls_enabled = Some(origin.clone());
            }
            Effect::DisableRls { table, force } => {
                let t = self.table_mut(table);
                if *force {
                    t.force_rls = false;
                } else {
                    t.rls = false;
                    t.rls_enabled = None;
                    t.rls_disabled = true;
                }
            }
            Effect::ForceRls { table } => self.table_mut(table).force_rls = true,
            Effect::CreatePolicy { table, name } => {
                self.table_mut(table)
                    .policies
                    .entry(name.clone())
                    .or_insert_with(|| origin.clone());
            }
            Effect::SetSearchPath { schemas } => {
                self.search_path = if schemas.is_empty() {
                    vec!["public".into()]
                } else {
                    schemas.clone()
                };
            }
            Effect::ColumnTypeChange {
                table,
                column,
                to_type,
            } => {
                if let Some(t) = self.tables.get_mut(&self.resolve_table(table)) {
                    t.columns
                        .change_type(column, crate::effect::type_key(to_type));
                }
            }
            // Any other object renamed: the set knows it under its new name from here on (a
            // second enum swap creates `t_new` again; `ALTER INDEX i RENAME` then `DROP INDEX`
            // of the new name drops what the set created).
            Effect::RenameObject { kind, name, to, .. } if *kind != ObjectKind::Policy => {
                if let Some(key) = self.resolve_object(*kind, name) {
                    if let Some(file) = self.objects.remove(&key) {
                        let new = (key.0, key.1, to.clone());
                        if let Some(t) = self.index_table.remove(&key) {
                            self.table_indexes
                                .entry(t.clone())
                                .or_default()
                                .push(new.clone());
                            self.index_table.insert(new.clone(), t);
                        }
                        self.gone.remove(&new);
                        self.gone.entry(key).or_insert(at);
                        self.objects.insert(new, file);
                    }
                }
                if *kind == ObjectKind::Type {
                    for t in self.tables.values_mut() {
                        t.columns.rename_type(&name.name, to);
                    }
                }
            }
            Effect::Truncate { .. }
            | Effect::DeleteAllRows { .. }
            | Effect::RenameObject { .. }
            | Effect::SetSchema { .. } => {}
        }
    }

    /// Resets per-file session state (each migration file runs in its own session).
    pub fn start_file(&mut self) {
        self.search_path = vec!["public".into()];
    }

    fn resolve_table_for_create(&self, q: &QualName) -> TableKey {
        match &q.schema {
            Some(s) => (s.clone(), q.name.clone()),
            None => (self.creation_schema(), q.name.clone()),
        }
    }

    /// The table, created as "existing before the set" when the set never created it
    /// (`ALTER TABLE` of a table made outside the migrations).
    fn table_mut(&mut self, q: &QualName) -> &mut TableInfo {
        let key = self.resolve_table(q);
        self.table_entry(&key)
    }

    /// The table `key`, made when the set has not seen it (a table created before the set, which
    /// a statement changes); its name is copied only then.
    pub(crate) fn table_entry(&mut self, key: &TableKey) -> &mut TableInfo {
        if !self.tables.contains_key(key) {
            self.saw_table_from_before = true;
            self.tables.insert(key.clone(), Box::default());
        }
        self.tables.get_mut(key).expect("just inserted")
    }

    /// The columns of the table `key`, with what the set says of them (`facts.rs`); `None`
    /// when the set says nothing of the table.
    pub fn columns_of(&self, key: &TableKey) -> Option<&Columns> {
        self.tables.get(key).map(|t| &t.columns)
    }

    /// The declared type of a column, as written and lower-cased.
    pub fn column_type(&self, key: &TableKey, column: &str) -> Option<&str> {
        self.columns_of(key)?.written_type(column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(file: usize) -> Origin {
        Origin { file, span: 0..0 }
    }

    #[test]
    fn a_column_keeps_its_place_creating_file_and_type_through_renames_and_drops() {
        let mut c: Columns = ["id", "a"].into_iter().collect();
        assert!(c.add_in("b", 3));
        assert!(!c.add_in("b", 4), "already there: nothing recorded");
        c.declare_type("b", "int4");
        c.declare_type("b", "text");
        assert_eq!(
            c.types().collect::<Vec<_>>(),
            [("b", "int4")],
            "first declaration"
        );
        c.rename("b", "c");
        assert_eq!(
            (c.to_vec(), c.len()),
            (vec!["id".into(), "a".into(), "c".into()], 3)
        );
        assert_eq!(c.types().collect::<Vec<_>>(), [("c", "int4")]);
        // The file that added `b` stays with the old name, as it always has.
        assert_eq!((c.created("b"), c.created("c")), (Some(3), None));
        c.change_type("c", "int8".into());
        c.remove("c");
        assert!(!c.contains("c"));
        assert_eq!(c.len(), 2);
        assert_eq!(
            c.types().collect::<Vec<_>>(),
            [("c", "int8")],
            "kept after the drop"
        );
        // Renaming onto an existing column replaces it.
        c.rename("a", "id");
        assert_eq!((c.to_vec(), c.len()), (vec!["id".into()], 1));
        // Dropping an unknown column records nothing.
        c.remove("nope");
        assert!(!c.at.contains_key("nope"));
        assert!(c.add_in("c", 5));
        assert_eq!((c.created("c"), c.len()), (Some(5), 2));
    }

    #[test]
    fn column_facts_follow_renames_and_go_with_drops() {
        let mut c: Columns = ["id", "v"].into_iter().collect();
        c.declare_type("v", "varchar(20)");
        c.set_written_type("v", "varchar(20)".into());
        c.set_not_null("v", true);
        c.set_not_null_check("v");
        assert_eq!(c.written_type("v"), Some("varchar(20)"));
        // A new type: the one written is remembered, not the key it replaces.
        c.change_type("v", "varchar".into());
        assert_eq!(c.written_type("v"), Some("varchar(20)"));
        c.set_written_type("v", "varchar(40)".into());
        c.rename("v", "w");
        assert_eq!(c.written_type("w"), Some("varchar(40)"));
        assert!(c.is_not_null("w") && c.has_not_null_check("w"));
        assert!(c.written_type("v").is_none() && !c.is_not_null("v"));
        c.set_not_null("w", false);
        assert!(!c.is_not_null("w") && c.has_not_null_check("w"));
        c.remove("w");
        assert!(c.written_type("w").is_none() && !c.has_not_null_check("w"));
        // A fact about a column the set never declared (a table from before the set).
        c.set_not_null_check("old");
        assert!(c.has_not_null_check("old") && !c.contains("old"));
    }

    #[test]
    fn a_table_takes_128_bytes() {
        // Every table the set creates holds one, boxed (a file of 136,000 tables holds them
        // all): its columns' hash table, rare, is boxed in turn (152 bytes before).
        assert_eq!(std::mem::size_of::<TableInfo>(), 128);
    }

    #[test]
    fn many_columns_keep_their_order_past_the_short_list() {
        let names: Vec<String> = (0..40).map(|i| format!("c{i}")).collect();
        let mut c: Columns = names[..5].iter().collect();
        for (i, n) in names[5..].iter().enumerate() {
            assert!(c.add_in(n, i));
        }
        assert!(matches!(c.at, ColumnMap::Many(_)));
        c.remove("c3");
        c.rename("c4", "four");
        assert_eq!(c.len(), 39);
        let listed = c.to_vec();
        assert_eq!(&listed[..4], ["c0", "c1", "c2", "four"]);
        assert_eq!(listed.last().map(String::as_str), Some("c39"));
        assert_eq!(c.created("c39"), Some(34));
    }

    #[test]
    fn search_path_and_folding() {
        let mut s = SchemaState::default();
        s.apply(
            &Effect::SetSearchPath {
                schemas: vec!["app".into(), "public".into()],
            },
            &o(0),
        );
        s.apply(
            &Effect::CreateTable {
                table: QualName::new(None, "Users"),
                columns: vec![],
            },
            &o(0),
        );
        assert!(s.tables.contains_key(&("app".into(), "Users".into())));
        assert!(s.table_created_in(&QualName::new(None, "Users"), 0));
        assert!(!s.table_created_in(&QualName::new(None, "users"), 0));
        s.start_file();
        assert!(s.table(&QualName::new(None, "Users")).is_none());
        assert!(s.table(&QualName::new(Some("app"), "Users")).is_some());
    }
}
