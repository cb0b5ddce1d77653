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
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, Expr, FunctionBehavior,
    Statement as Ast, TableConstraint,
};

use crate::effect::type_key;
use crate::extract::{fold, qual};
use crate::schema::{SchemaState, TableKey};

#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// NOT VALID `CHECK (col IS NOT NULL)` constraints waiting for VALIDATE: (table, name) → column.
    pending_checks: HashMap<(TableKey, String), String>,
    /// Every named `CHECK (col IS NOT NULL)`, valid or not: (table, name) → column.
    pub not_null_checks: HashMap<(TableKey, String), String>,
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
    let index_cols = |cols: &[sqlparser::ast::IndexColumn]| {
        cols.iter()
            .map(|c| c.column.expr.to_string().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(",")
    };
    let (name, shape) = match tc {
        TableConstraint::ForeignKey(f) => (
            &f.name,
            format!(
                "foreign key ({})",
                f.columns.iter().map(fold).collect::<Vec<_>>().join(",")
            ),
        ),
        TableConstraint::Unique(u) => (&u.name, format!("unique ({})", index_cols(&u.columns))),
        TableConstraint::PrimaryKey(p) => {
            (&p.name, format!("primary key ({})", index_cols(&p.columns)))
        }
        TableConstraint::Check(c) => (
            &c.name,
            format!("check ({})", c.expr.to_string().to_ascii_lowercase()),
        ),
        _ => return None,
    };
    Some((fold(name.as_ref()?), shape))
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

fn type_text(c: &ColumnDef) -> String {
    c.data_type.to_string().to_ascii_lowercase()
}

fn is_not_null_check(e: &Expr) -> Option<String> {
    match e {
        Expr::IsNotNull(inner) => match &**inner {
            Expr::Identifier(id) => Some(fold(id)),
            _ => None,
        },
        Expr::Nested(inner) => is_not_null_check(inner),
        _ => None,
    }
}

impl SchemaState {
    /// Records what the parsed statement says about columns and functions. Call once per
    /// forward statement, after its effects are applied (a created table exists then, a
    /// renamed or dropped column has moved or gone with its facts).
    pub fn note_facts(&mut self, stmt: &crate::parse::Statement) {
        if stmt.rollback {
            return;
        }
        let Some(ast) = stmt.ast.as_deref() else {
            return;
        };
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
                    // Its type key unless the set declared one before (`IF NOT EXISTS` of a
                    // table that exists), then its type as written.
                    let written = c.data_type.to_string();
                    cols.declare_type(&col, &type_key(&written));
                    cols.set_written_type(&col, written.to_ascii_lowercase());
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
                let returns = f
                    .return_type
                    .as_ref()
                    .map(|t| t.to_string().to_ascii_lowercase());
                if returns.as_deref().map(|t| t.trim_matches('"')) == Some("trigger") {
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

    /// Records a named table constraint's shape and columns.
    fn note_constraint(&mut self, key: &TableKey, tc: &TableConstraint) {
        let Some((name, shape)) = constraint_shape(tc) else {
            return;
        };
        if let Some(cols) = constraint_columns(tc) {
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
                let cols = self.columns_mut(key);
                let col = fold(&column_def.name);
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
                if let Some(col) = is_not_null_check(&c.expr) {
                    if let Some(n) = &c.name {
                        self.facts
                            .not_null_checks
                            .insert((key.clone(), fold(n)), col.clone());
                    }
                    if *not_valid {
                        if let Some(n) = &c.name {
                            self.facts
                                .pending_checks
                                .insert((key.clone(), fold(n)), col);
                        }
                    } else {
                        self.columns_mut(key).set_not_null_check(&col);
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
                if let Some(col) = self.facts.pending_checks.remove(&(key.clone(), fold(name))) {
                    self.columns_mut(key).set_not_null_check(&col);
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
            state.note_facts(&stmt);
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
}
