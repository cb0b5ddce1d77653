//! Facts about columns and functions that the locking rules need and the effect vocabulary does
//! not carry: declared column types, NOT NULL columns, validated `CHECK (col IS NOT NULL)`
//! constraints, unique index columns, and functions the set declares IMMUTABLE or STABLE.
//!
//! Collected from parsed statements while the set is replayed ([`SchemaState::note_facts`]),
//! across files, so that a check validated in an earlier migration still counts. A column's
//! facts are kept in its entry of the schema model ([`crate::schema::Columns`]: `written_type`,
//! `is_not_null`, `has_not_null_check`), so they follow the column and its table through
//! renames and go when either is dropped, as PostgreSQL's catalog does; the rest is [`Facts`].

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Expr,
    FunctionBehavior, FunctionReturnType, Statement as Ast, TableConstraint,
};

use crate::effect::type_key;
use crate::extract::{fold, qual};
use crate::schema::{SchemaState, TableKey};

#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// NOT VALID `CHECK (col IS NOT NULL)` constraints waiting for VALIDATE: (table, name) → column.
    pending_checks: HashMap<(TableKey, String), Vec<String>>,
    /// Every named CHECK that proves columns non-null (`col IS NOT NULL`, alone or among
    /// `AND`ed conditions), valid or not: (table, name) → those columns.
    pub not_null_checks: HashMap<(TableKey, String), Vec<String>>,
    /// Constraints validated by the set that no migration of it added (added before the set):
    /// table → their names (folded). What they check is unknown.
    pub validated_unknown: HashMap<TableKey, Vec<String>>,
    /// Unique index name (folded, unqualified) → its plain columns.
    pub unique_index_columns: HashMap<String, Vec<String>>,
    /// Functions (folded, unqualified) declared IMMUTABLE or STABLE in the set.
    pub non_volatile_functions: HashSet<String>,
    /// Functions (folded, unqualified) declared in the set without IMMUTABLE or STABLE.
    pub volatile_functions: HashSet<String>,
    /// Functions (folded, unqualified) the set declares `RETURNS trigger`: no client can call
    /// one ("trigger functions can only be called as triggers").
    pub trigger_functions: HashSet<String>,
    /// Tables the set creates with `PARTITION BY` (CONCURRENTLY cannot index them).
    pub partitioned: HashSet<TableKey>,
    /// Index name (folded, unqualified) → its table (a number in `table_keys`: a file of
    /// 100,000 indexes on 100 tables held each table's name once per index).
    index_tables: HashMap<String, u32>,
    table_keys: crate::intern::Numbered<TableKey>,
    /// (table, policy name) → the command it applies to (`ALL`, `SELECT`, ...).
    pub policy_commands: HashMap<(TableKey, String), String>,
    /// (table, policy name) of the permissive policies whose every clause is absent or always
    /// true ([`unconditional`]): they let every row through.
    pub unconditional_policies: HashSet<(TableKey, String)>,
    /// (table, constraint name) → what it enforces, without its name ([`constraint_shape`]).
    pub constraint_shapes: HashMap<(TableKey, String), String>,
    /// (table, constraint name) → the columns of a primary key, unique or foreign key constraint
    /// ([`plain_columns`]): PostgreSQL drops the constraint with any of them.
    pub constraint_columns: HashMap<(TableKey, String), Vec<String>>,
    /// Index name (folded, unqualified) → its columns, when each is a plain column
    /// ([`plain_columns`]): PostgreSQL drops the index with any of them.
    pub index_columns: HashMap<String, Vec<String>>,
}

impl Facts {
    /// The table of the index named `name` (folded, unqualified), when the set created it.
    pub fn index_table(&self, name: &str) -> Option<&TableKey> {
        Some(self.table_keys.get(*self.index_tables.get(name)?))
    }

    fn note_index(&mut self, name: String, table: TableKey) {
        let id = self.table_keys.number(table);
        self.index_tables.insert(name, id);
    }
}

/// A named table constraint's name and what it enforces without that name: its kind and local
/// columns (a CHECK: its expression). Two constraints of one table with the same shape enforce
/// the same thing on the same columns, whatever they are called (a foreign key re-added under a
/// new name after the referenced table was renamed still has the shape of the old one).
pub fn constraint_shape(tc: &TableConstraint) -> Option<(String, String)> {
    let (name, shape) = shape_of(tc)?;
    Some((fold(name?), shape))
}

/// What a table constraint enforces, without its name ([`constraint_shape`]), and the name it
/// was given, if any.
pub fn shape_of(tc: &TableConstraint) -> Option<(Option<&sqlparser::ast::Ident>, String)> {
    let index_cols = |cols: &[sqlparser::ast::IndexColumn]| {
        cols.iter()
            .map(|c| c.column.expr.to_string().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(",")
    };
    Some(match tc {
        TableConstraint::ForeignKey(f) => (
            f.name.as_ref(),
            format!(
                "foreign key ({})",
                f.columns.iter().map(fold).collect::<Vec<_>>().join(",")
            ),
        ),
        TableConstraint::Unique(u) => (
            u.name.as_ref(),
            format!("unique ({})", index_cols(&u.columns)),
        ),
        TableConstraint::PrimaryKey(p) => (
            p.name.as_ref(),
            format!("primary key ({})", index_cols(&p.columns)),
        ),
        TableConstraint::Check(c) => (
            c.name.as_ref(),
            format!("check ({})", c.expr.to_string().to_ascii_lowercase()),
        ),
        _ => return None,
    })
}

/// The name PostgreSQL gives a key or foreign key declared without one (`ChooseConstraintName`
/// in `indexcmds.c` / `tablecmds.c`): `<table>_pkey`, `<table>_<columns>_key`,
/// `<table>_<columns>_fkey`. `None` past 63 bytes, where PostgreSQL shortens the parts.
fn default_constraint_name(table: &str, kind: &str, cols: &[String]) -> Option<String> {
    let name = match kind {
        "pkey" => format!("{table}_pkey"),
        _ => format!("{table}_{}_{kind}", cols.join("_")),
    };
    (name.len() <= 63).then_some(name)
}

/// The columns a primary key, unique or foreign key constraint is made of (folded), when each is
/// a plain column; `None` for a CHECK, an EXCLUDE or a key over an expression.
pub fn constraint_columns(tc: &TableConstraint) -> Option<Vec<String>> {
    match tc {
        TableConstraint::ForeignKey(f) => Some(f.columns.iter().map(fold).collect()),
        TableConstraint::Unique(u) => plain_columns(&u.columns),
        TableConstraint::PrimaryKey(p) => plain_columns(&p.columns),
        _ => None,
    }
}

/// The columns of an index or key (folded), when each is a plain column name; `None` when one is
/// an expression (`lower(email)`), whose columns are not read.
pub fn plain_columns(cols: &[sqlparser::ast::IndexColumn]) -> Option<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(id) => Some(fold(id)),
            _ => None,
        })
        .collect()
}

/// The command a `CREATE POLICY` applies to (`ALL` when it names none).
pub fn policy_command(p: &sqlparser::ast::CreatePolicy) -> String {
    p.command
        .as_ref()
        .map_or_else(|| "ALL".to_string(), |c| c.to_string().to_ascii_uppercase())
}

/// True when a policy is permissive and each of its clauses is absent or always true
/// (`USING (true) WITH CHECK (true)`): it lets every row through.
pub fn unconditional(p: &sqlparser::ast::CreatePolicy) -> bool {
    use sqlparser::ast::CreatePolicyType;
    let open = |e: &Option<Expr>| e.as_ref().is_none_or(crate::extract::always_true);
    !matches!(p.policy_type, Some(CreatePolicyType::Restrictive))
        && open(&p.using)
        && open(&p.with_check)
}

/// True when the column is declared `PRIMARY KEY` or `UNIQUE` inline.
fn inline_unique(c: &ColumnDef) -> bool {
    c.options.iter().any(|o| {
        matches!(
            o.option,
            ColumnOption::PrimaryKey(_) | ColumnOption::Unique(_)
        )
    })
}

/// True when the column is declared `PRIMARY KEY` inline.
fn inline_primary_key(c: &ColumnDef) -> bool {
    c.options
        .iter()
        .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_)))
}

fn type_text(c: &ColumnDef) -> String {
    c.data_type.to_string().to_ascii_lowercase()
}

/// The columns a CHECK expression proves non-null: `col IS NOT NULL`, alone or as one of the
/// conditions `AND`ed together (`CHECK (amount > 0 AND currency IS NOT NULL)`), which is what
/// PostgreSQL 12+ accepts as proof before SET NOT NULL (`NotNullImpliedByRelConstraints` asks
/// `predicate_implied_by`, which splits AND). Empty when it proves none.
fn not_null_columns(e: &Expr) -> Vec<String> {
    use sqlparser::ast::BinaryOperator;
    match e {
        Expr::IsNotNull(inner) => match &**inner {
            Expr::Identifier(id) => vec![fold(id)],
            _ => Vec::new(),
        },
        Expr::Nested(inner) => not_null_columns(inner),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            let mut cols = not_null_columns(left);
            cols.extend(not_null_columns(right));
            cols
        }
        _ => Vec::new(),
    }
}

impl SchemaState {
    /// Whether [`SchemaState::note_facts`] reads this statement's tree: only `CREATE` (tables,
    /// indexes, policies, functions) and `ALTER` (tables) statements; for any other it does
    /// nothing, so a statement no rule looks at need not have its tree read. The `CREATE` and
    /// `ALTER` statements whose tree is none of those (sqlparser reads each of these heads as
    /// its own kind of statement) are left out too: in a long Supabase set most of them are
    /// `ALTER FUNCTION` and `CREATE TRIGGER`.
    pub fn reads_tree_of(stmt: &crate::parse::Statement) -> bool {
        const OTHER: &[&str] = &[
            "ALTER FUNCTION",
            "ALTER PROCEDURE",
            "ALTER ROUTINE",
            "ALTER POLICY",
            "ALTER TYPE",
            "ALTER DEFAULT",
            "ALTER SEQUENCE",
            "ALTER SCHEMA",
            "ALTER VIEW",
            "ALTER MATERIALIZED",
            "ALTER INDEX",
            "ALTER ROLE",
            "ALTER EXTENSION",
            "ALTER PUBLICATION",
            "ALTER DOMAIN",
            "ALTER TRIGGER",
            "ALTER DATABASE",
            "CREATE TRIGGER",
            "CREATE CONSTRAINT TRIGGER",
            "CREATE EVENT TRIGGER",
            "CREATE EXTENSION",
            "CREATE TYPE",
            "CREATE SEQUENCE",
            "CREATE VIEW",
            "CREATE MATERIALIZED",
            "CREATE SCHEMA",
            "CREATE DOMAIN",
            "CREATE ROLE",
            "CREATE PUBLICATION",
        ];
        ["CREATE", "ALTER"].iter().any(|h| stmt.head.starts_with(h))
            && !OTHER.iter().any(|h| stmt.head.starts_with(h))
    }

    /// Records what the parsed statement says about columns and functions. Call once per
    /// forward statement, after its effects are applied (a created table exists then, a
    /// renamed or dropped column has moved or gone with its facts).
    pub fn note_facts(&mut self, stmt: &crate::parse::Statement) {
        if stmt.rollback {
            return;
        }
        if let Some(ast) = stmt.ast.as_deref() {
            self.note_facts_of(ast);
        }
    }

    /// [`SchemaState::note_facts`] of a forward statement's tree.
    pub fn note_facts_of(&mut self, ast: &Ast) {
        match ast {
            // A temporary table is never part of the schema (`extract::effects`).
            Ast::CreateTable(ct) if ct.temporary => {}
            Ast::CreateTable(ct) => {
                let key = self.resolve_table(&qual(&ct.name));
                if ct.partition_by.is_some() {
                    self.facts.partitioned.insert(key.clone());
                }
                let cols = self.columns_mut(&key);
                for c in &ct.columns {
                    let col = fold(&c.name);
                    let nn = c.options.iter().any(|o| {
                        matches!(
                            o.option,
                            ColumnOption::NotNull | ColumnOption::PrimaryKey(_)
                        )
                    });
                    if nn {
                        cols.set_not_null(&col, true);
                    }
                    if inline_unique(c) {
                        cols.set_unique(&col);
                    }
                    if inline_primary_key(c) {
                        cols.set_primary_key(&col);
                    }
                    // Its type key unless the set declared one before (`IF NOT EXISTS` of a
                    // table that exists), then its type as written.
                    let written = c.data_type.to_string();
                    cols.declare_type(&col, &type_key(&written));
                    cols.set_written_type(&col, written.to_ascii_lowercase());
                }
                for c in &ct.columns {
                    self.note_column_constraints(&key, c);
                }
                for tc in &ct.constraints {
                    self.note_constraint(&key, tc);
                    if let TableConstraint::PrimaryKey(pk) = tc {
                        for ic in &pk.columns {
                            if let Expr::Identifier(id) = &ic.column.expr {
                                self.columns_mut(&key).set_not_null(&fold(id), true);
                            }
                        }
                    }
                }
            }
            Ast::AlterTable(at) => {
                let key = self.resolve_table(&qual(&at.name));
                for op in &at.operations {
                    self.note_alter(&key, op);
                }
            }
            Ast::CreateIndex(ci) => {
                if let Some(name) = &ci.name {
                    let table = self.resolve_table(&qual(&ci.table_name));
                    self.facts.note_index(qual(name).name, table);
                    if let Some(cols) = plain_columns(&ci.columns) {
                        self.facts.index_columns.insert(qual(name).name, cols);
                    }
                }
                if let (true, Some(name)) = (ci.unique, &ci.name) {
                    let cols = ci
                        .columns
                        .iter()
                        .filter_map(|c| match &c.column.expr {
                            Expr::Identifier(id) => Some(fold(id)),
                            _ => None,
                        })
                        .collect();
                    self.facts
                        .unique_index_columns
                        .insert(qual(name).name, cols);
                }
            }
            Ast::CreatePolicy(p) => {
                let key = (self.resolve_table(&qual(&p.table_name)), fold(&p.name));
                if unconditional(p) {
                    self.facts.unconditional_policies.insert(key.clone());
                } else {
                    self.facts.unconditional_policies.remove(&key);
                }
                self.facts.policy_commands.insert(key, policy_command(p));
            }
            Ast::CreateFunction(f) => {
                let name = qual(&f.name).name;
                // Only `trigger` and a type name read as `trigger`: no other return type is
                // written out as that word (writing out each one's text was a quarter of
                // this walk on a set of 900 functions).
                let trigger = match &f.return_type {
                    Some(FunctionReturnType::DataType(DataType::Trigger)) => true,
                    Some(t @ FunctionReturnType::DataType(DataType::Custom(..))) => {
                        t.to_string().to_ascii_lowercase().trim_matches('"') == "trigger"
                    }
                    _ => false,
                };
                if trigger {
                    self.facts.trigger_functions.insert(name.clone());
                } else {
                    self.facts.trigger_functions.remove(&name);
                }
                if matches!(
                    f.behavior,
                    Some(FunctionBehavior::Immutable | FunctionBehavior::Stable)
                ) {
                    self.facts.volatile_functions.remove(&name);
                    self.facts.non_volatile_functions.insert(name);
                } else {
                    self.facts.non_volatile_functions.remove(&name);
                    self.facts.volatile_functions.insert(name);
                }
            }
            _ => {}
        }
    }

    /// The columns of `key`, the table made when the set has not seen it (a table created
    /// before the set: `ADD CONSTRAINT ... NOT VALID` then `VALIDATE` is how a column of one is
    /// proven non-null).
    fn columns_mut(&mut self, key: &TableKey) -> &mut crate::schema::Columns {
        &mut self.table_entry(key).columns
    }

    /// The columns of the key, foreign key or unique constraint `name` of `key`: from the
    /// migration that declared it, or, for a key declared on a column without a name, from
    /// that column (`<table>_pkey`, `<table>_<column>_key`, PostgreSQL's default names).
    pub fn key_columns(&self, key: &TableKey, name: &str) -> Option<Vec<String>> {
        if let Some(cols) = self
            .facts
            .constraint_columns
            .get(&(key.clone(), name.to_string()))
        {
            return Some(cols.clone());
        }
        let columns = self.columns_of(key)?;
        if default_constraint_name(&key.1, "pkey", &[]).as_deref() == Some(name) {
            let pk: Vec<String> = columns.primary_key_columns().map(str::to_string).collect();
            return (!pk.is_empty()).then_some(pk);
        }
        let col = name
            .strip_prefix(&format!("{}_", key.1))?
            .strip_suffix("_key")?;
        (columns.is_unique(col) && !columns.primary_key_columns().any(|c| c == col))
            .then(|| vec![col.to_string()])
    }

    /// Records a named table constraint's shape and columns.
    fn note_constraint(&mut self, key: &TableKey, tc: &TableConstraint) {
        let Some((name, shape)) = shape_of(tc) else {
            return;
        };
        let cols = constraint_columns(tc);
        let kind = match tc {
            TableConstraint::PrimaryKey(_) => "pkey",
            TableConstraint::Unique(_) => "key",
            _ => "fkey",
        };
        let name = match (name, &cols) {
            (Some(n), _) => fold(n),
            // A CHECK's default name depends on its expression: not guessed.
            (None, Some(c)) if !matches!(tc, TableConstraint::Check(_)) => {
                match default_constraint_name(&key.1, kind, c) {
                    Some(n) => n,
                    None => return,
                }
            }
            _ => return,
        };
        self.note_named_constraint(key, name, shape, cols);
    }

    /// Records a constraint declared on a column as the table constraint it is: a foreign key
    /// (`org_id bigint references orgs`), and a key given a name (`id bigint constraint t_pk
    /// primary key`). A key without a name (`id bigint primary key`, `email text unique`, on
    /// nearly every table) is only a flag of its column ([`crate::schema::Columns`]), so that a
    /// file of 30,000 tables does not hold 30,000 entries here: rules that need it ask
    /// [`SchemaState::key_columns`].
    fn note_column_constraints(&mut self, key: &TableKey, c: &ColumnDef) {
        let col = fold(&c.name);
        let written = c.name.to_string().to_ascii_lowercase();
        for o in &c.options {
            let (kind, shape) = match &o.option {
                ColumnOption::PrimaryKey(_) if o.name.is_some() => {
                    ("pkey", format!("primary key ({written})"))
                }
                ColumnOption::Unique(_) if o.name.is_some() => {
                    ("key", format!("unique ({written})"))
                }
                ColumnOption::ForeignKey(_) => ("fkey", format!("foreign key ({col})")),
                _ => continue,
            };
            let cols = vec![col.clone()];
            let name = match &o.name {
                Some(n) => fold(n),
                None => match default_constraint_name(&key.1, kind, &cols) {
                    Some(n) => n,
                    None => continue,
                },
            };
            self.note_named_constraint(key, name, shape, Some(cols));
        }
    }

    fn note_named_constraint(
        &mut self,
        key: &TableKey,
        name: String,
        shape: String,
        cols: Option<Vec<String>>,
    ) {
        if let Some(cols) = cols {
            self.facts
                .constraint_columns
                .insert((key.clone(), name.clone()), cols);
        }
        self.facts
            .constraint_shapes
            .insert((key.clone(), name), shape);
    }

    /// A column's rename and drop are the schema model's (`SchemaState::apply`): the facts of
    /// a column live in its entry there and go where it goes.
    fn note_alter(&mut self, key: &TableKey, op: &AlterTableOperation) {
        if let AlterTableOperation::AddConstraint { constraint, .. } = op {
            self.note_constraint(key, constraint);
        }
        match op {
            AlterTableOperation::AddColumn { column_def, .. } => {
                self.note_column_constraints(key, column_def);
                let cols = self.columns_mut(key);
                let col = fold(&column_def.name);
                if inline_unique(column_def) {
                    cols.set_unique(&col);
                }
                if inline_primary_key(column_def) {
                    cols.set_primary_key(&col);
                }
                if column_def.options.iter().any(|o| {
                    matches!(
                        o.option,
                        ColumnOption::NotNull | ColumnOption::PrimaryKey(_)
                    )
                }) {
                    cols.set_not_null(&col, true);
                }
                cols.set_written_type(&col, type_text(column_def));
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let col = fold(column_name);
                match op {
                    AlterColumnOperation::SetNotNull => {
                        self.columns_mut(key).set_not_null(&col, true);
                    }
                    AlterColumnOperation::DropNotNull => {
                        if let Some(t) = self.tables.get_mut(key) {
                            t.columns.set_not_null(&col, false);
                        }
                    }
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        self.columns_mut(key)
                            .set_written_type(&col, data_type.to_string().to_ascii_lowercase());
                    }
                    _ => {}
                }
            }
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Check(c),
                not_valid,
            } => {
                let cols = not_null_columns(&c.expr);
                if !cols.is_empty() {
                    if let Some(n) = &c.name {
                        self.facts
                            .not_null_checks
                            .insert((key.clone(), fold(n)), cols.clone());
                    }
                    if *not_valid {
                        if let Some(n) = &c.name {
                            self.facts
                                .pending_checks
                                .insert((key.clone(), fold(n)), cols);
                        }
                    } else {
                        for col in &cols {
                            self.columns_mut(key).set_not_null_check(col);
                        }
                    }
                }
            }
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(pk),
                ..
            } => {
                for ic in &pk.columns {
                    if let Expr::Identifier(id) = &ic.column.expr {
                        self.columns_mut(key).set_not_null(&fold(id), true);
                    }
                }
            }
            AlterTableOperation::ValidateConstraint { name } => {
                let name = fold(name);
                if let Some(cols) = self
                    .facts
                    .pending_checks
                    .remove(&(key.clone(), name.clone()))
                {
                    for col in &cols {
                        self.columns_mut(key).set_not_null_check(col);
                    }
                } else if !self
                    .facts
                    .constraint_shapes
                    .contains_key(&(key.clone(), name.clone()))
                {
                    self.facts
                        .validated_unknown
                        .entry(key.clone())
                        .or_default()
                        .push(name);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_file;
    use crate::schema::{Origin, SchemaState};

    /// The replay's order (`lint::replay`): a statement's effects, then its facts.
    fn replay(sql: &str) -> SchemaState {
        let mut state = SchemaState::default();
        for stmt in parse_file(sql).statements {
            let origin = Origin {
                file: 0,
                span: stmt.span.clone(),
            };
            for e in stmt.effects.iter() {
                state.apply(e, &origin);
            }
            state.note_facts(&stmt.with_tree(sql));
        }
        state
    }

    #[test]
    fn create_table_declares_its_columns_types_from_the_tree() {
        let state = replay(
            "create table public.t (id bigint primary key, v VARCHAR(20), p public.\"Plan\"[]);",
        );
        let cols = state.columns_of(&("public".into(), "t".into())).unwrap();
        let mut types: Vec<_> = cols.types().collect();
        types.sort_unstable();
        assert_eq!(
            types,
            [("id", "bigint"), ("p", "Plan"), ("v", "varchar(20)")]
        );
        assert_eq!(cols.written_type("v"), Some("varchar(20)"));
        assert_eq!(cols.written_type("p"), Some("public.\"plan\"[]"));
        assert!(cols.is_not_null("id") && !cols.is_not_null("v"));
    }

    #[test]
    fn a_temporary_table_is_not_in_the_schema() {
        let state = replay("create temp table scratch (id int not null);");
        assert!(state
            .columns_of(&("public".into(), "scratch".into()))
            .is_none());
    }

    #[test]
    fn keys_declared_without_a_name_get_postgresql_s_default_names() {
        let state = replay(
            "create table public.t (id bigint primary key, email text unique, org bigint references public.orgs);\n\
             alter table public.t add column team bigint references public.teams;\n\
             alter table public.t add unique (org, team);",
        );
        let key: (String, String) = ("public".into(), "t".into());
        let cols = |n: &str| state.key_columns(&key, n);
        // Keys declared on a column are flags of the column, asked through `key_columns`.
        assert_eq!(cols("t_pkey"), Some(vec!["id".to_string()]));
        assert_eq!(cols("t_email_key"), Some(vec!["email".to_string()]));
        assert_eq!(cols("t_id_key"), None);
        assert!(!state
            .facts
            .constraint_shapes
            .contains_key(&(key.clone(), "t_pkey".into())));
        // Foreign keys and table constraints are recorded under their default names.
        assert_eq!(cols("t_org_fkey"), Some(vec!["org".to_string()]));
        assert_eq!(cols("t_team_fkey"), Some(vec!["team".to_string()]));
        assert_eq!(
            cols("t_org_team_key"),
            Some(vec!["org".to_string(), "team".to_string()])
        );
    }
}
