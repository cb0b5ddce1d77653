//! Effects of a statement that sqlparser parsed.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, AlterTypeOperation, Expr, FromTable, Ident,
    ObjectName, ObjectNamePart, ObjectType, RenameTableNameKind, Statement, TableFactor,
};

use crate::effect::{truncate_identifier, type_key, Effect, ObjectKind, QualName};

/// Folds an identifier as PostgreSQL does.
pub fn fold(id: &Ident) -> String {
    truncate_identifier(if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_lowercase()
    })
}

/// The (schema, name) of an object name; catalog qualifiers (`db.schema.t`) are dropped.
pub fn qual(name: &ObjectName) -> QualName {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => fold(id),
            other => other.to_string(),
        })
        .collect();
    match parts.as_slice() {
        [] => QualName::new(None, ""),
        [n] => QualName::new(None, n),
        [.., s, n] => QualName::new(Some(s), n),
    }
}

fn last(name: &ObjectName) -> String {
    qual(name).name
}

pub fn effects(stmt: &Statement) -> Vec<Effect> {
    let mut out = Vec::new();
    match stmt {
        Statement::CreateSchema { schema_name, .. } => {
            let name = match schema_name {
                ast::SchemaName::Simple(n) | ast::SchemaName::NamedAuthorization(n, _) => last(n),
                ast::SchemaName::UnnamedAuthorization(id) => fold(id),
            };
            out.push(Effect::CreateSchema { name });
        }
        // A temporary table lives for the session only: it is never part of the schema.
        Statement::CreateTable(ct) if ct.temporary => {}
        Statement::CreateTable(ct) => {
            out.push(Effect::CreateTable {
                table: qual(&ct.name),
                columns: ct.columns.iter().map(|c| fold(&c.name).into()).collect(),
            });
        }
        Statement::CreateIndex(ci) => {
            if let Some(n) = &ci.name {
                let mut name = qual(n);
                // An index lives in its table's schema.
                name.schema = name.schema.or_else(|| qual(&ci.table_name).schema);
                out.push(Effect::CreateObject {
                    kind: ObjectKind::Index,
                    name,
                    on: Some(qual(&ci.table_name)),
                });
            }
        }
        Statement::CreateView(v) => out.push(Effect::CreateObject {
            kind: if v.materialized {
                ObjectKind::MaterializedView
            } else {
                ObjectKind::View
            },
            name: qual(&v.name),
            on: None,
        }),
        Statement::CreateFunction(f) => out.push(Effect::CreateObject {
            kind: ObjectKind::Function,
            name: qual(&f.name),
            on: None,
        }),
        Statement::CreateProcedure { name, .. } => out.push(Effect::CreateObject {
            kind: ObjectKind::Procedure,
            name: qual(name),
            on: None,
        }),
        Statement::CreateType { name, .. } => out.push(Effect::CreateObject {
            kind: ObjectKind::Type,
            name: qual(name),
            on: None,
        }),
        Statement::CreateDomain(d) => out.push(Effect::CreateObject {
            kind: ObjectKind::Domain,
            name: qual(&d.name),
            on: None,
        }),
        Statement::CreateSequence { name, .. } => out.push(Effect::CreateObject {
            kind: ObjectKind::Sequence,
            name: qual(name),
            on: None,
        }),
        Statement::CreateExtension(e) => out.push(Effect::CreateObject {
            kind: ObjectKind::Extension,
            name: QualName::new(None, &fold(&e.name)),
            on: None,
        }),
        Statement::CreateTrigger(t) => out.push(Effect::CreateObject {
            kind: ObjectKind::Trigger,
            name: qual(&t.name),
            on: Some(qual(&t.table_name)),
        }),
        Statement::AlterTable(at) => {
            let table = qual(&at.name);
            for op in &at.operations {
                alter_table_op(&table, op, &mut out);
            }
        }
        Statement::Drop {
            object_type,
            names,
            table,
            ..
        } => {
            for n in names {
                let q = qual(n);
                out.push(match object_type {
                    ObjectType::Table | ObjectType::ForeignTable => Effect::DropTable { table: q },
                    ObjectType::Schema => Effect::DropSchema { name: q.name },
                    other => Effect::DropObject {
                        kind: drop_kind(other),
                        name: q,
                        on: table.as_ref().map(qual),
                    },
                });
            }
        }
        Statement::DropFunction(f) => {
            for d in &f.func_desc {
                out.push(Effect::DropObject {
                    kind: ObjectKind::Function,
                    name: qual(&d.name),
                    on: None,
                });
            }
        }
        Statement::DropProcedure { proc_desc, .. } => {
            for d in proc_desc {
                out.push(Effect::DropObject {
                    kind: ObjectKind::Procedure,
                    name: qual(&d.name),
                    on: None,
                });
            }
        }
        Statement::DropDomain(d) => out.push(Effect::DropObject {
            kind: ObjectKind::Domain,
            name: qual(&d.name),
            on: None,
        }),
        Statement::DropPolicy(p) => out.push(Effect::DropObject {
            kind: ObjectKind::Policy,
            name: QualName::new(None, &fold(&p.name)),
            on: Some(qual(&p.table_name)),
        }),
        Statement::DropTrigger(t) => out.push(Effect::DropObject {
            kind: ObjectKind::Trigger,
            name: qual(&t.trigger_name),
            on: t.table_name.as_ref().map(qual),
        }),
        Statement::DropExtension(e) => {
            for n in &e.names {
                out.push(Effect::DropObject {
                    kind: ObjectKind::Extension,
                    name: QualName::new(None, &fold(n)),
                    on: None,
                });
            }
        }
        Statement::DropRule(r) => out.push(Effect::DropObject {
            kind: ObjectKind::Rule,
            name: QualName::new(None, &fold(&r.name)),
            on: Some(qual(&r.table_name)),
        }),
        Statement::Truncate(t) => {
            for target in &t.table_names {
                out.push(Effect::Truncate {
                    table: qual(&target.name),
                });
            }
        }
        Statement::Delete(d)
            if d.selection.as_ref().is_none_or(always_true) && d.limit.is_none() =>
        {
            let tables = match &d.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            for t in tables {
                if let TableFactor::Table { name, .. } = &t.relation {
                    out.push(Effect::DeleteAllRows { table: qual(name) });
                }
            }
        }
        // `WITH d AS (DELETE FROM t RETURNING *) SELECT ...`, `WITH ... INSERT INTO ... SELECT`:
        // PostgreSQL runs every data-modifying statement of a WITH to completion, whether or
        // not the outer query reads its rows.
        Statement::Query(q) => {
            for s in data_modifying(q) {
                out.extend(effects(s));
            }
        }
        Statement::AlterSchema(s) => {
            for op in &s.operations {
                if let ast::AlterSchemaOperation::Rename { name } = op {
                    out.push(Effect::RenameObject {
                        kind: ObjectKind::Schema,
                        name: QualName::new(None, &last(&s.name)),
                        to: last(name),
                        on: None,
                    });
                }
            }
        }
        Statement::AlterIndex { name, operation } => {
            let ast::AlterIndexOperation::RenameIndex { index_name } = operation;
            out.push(Effect::RenameObject {
                kind: ObjectKind::Index,
                name: qual(name),
                to: last(index_name),
                on: None,
            });
        }
        Statement::AlterType(t) => match &t.operation {
            AlterTypeOperation::Rename(r) => out.push(Effect::RenameObject {
                kind: ObjectKind::Type,
                name: qual(&t.name),
                to: fold(&r.new_name),
                on: None,
            }),
            AlterTypeOperation::RenameValue(r) => out.push(Effect::RenameObject {
                kind: ObjectKind::EnumValue,
                name: QualName::new(None, &r.from.value),
                to: r.to.value.clone(),
                on: Some(qual(&t.name)),
            }),
            AlterTypeOperation::AddValue(_) => {}
        },
        Statement::AlterPolicy(p) => {
            if let ast::AlterPolicyOperation::Rename { new_name } = &p.operation {
                out.push(Effect::RenameObject {
                    kind: ObjectKind::Policy,
                    name: QualName::new(None, &fold(&p.name)),
                    to: fold(new_name),
                    on: Some(qual(&p.table_name)),
                });
            }
        }
        Statement::AlterFunction(f) => match &f.operation {
            ast::AlterFunctionOperation::RenameTo { new_name } => out.push(Effect::RenameObject {
                kind: ObjectKind::Function,
                name: qual(&f.function.name),
                to: fold(new_name),
                on: None,
            }),
            ast::AlterFunctionOperation::SetSchema { schema_name } => out.push(Effect::SetSchema {
                kind: "function",
                name: qual(&f.function.name),
                schema: last(schema_name),
            }),
            _ => {}
        },
        Statement::AlterView(v) => {
            let kind = if v.materialized {
                ObjectKind::MaterializedView
            } else {
                ObjectKind::View
            };
            match &v.operation {
                ast::AlterViewOperation::RenameTo { new_name } => out.push(Effect::RenameObject {
                    kind,
                    name: qual(&v.name),
                    to: last(new_name),
                    on: None,
                }),
                ast::AlterViewOperation::SetSchema { schema_name } => out.push(Effect::SetSchema {
                    kind: kind.as_str(),
                    name: qual(&v.name),
                    schema: last(schema_name),
                }),
                ast::AlterViewOperation::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => out.push(Effect::RenameColumn {
                    table: qual(&v.name),
                    from: fold(old_column_name),
                    to: fold(new_column_name),
                }),
                _ => {}
            }
        }
        Statement::CreatePolicy(p) => out.push(Effect::CreatePolicy {
            table: qual(&p.table_name),
            name: fold(&p.name),
        }),
        Statement::Set(ast::Set::SingleAssignment {
            variable, values, ..
        }) if last(variable) == "search_path" => {
            let schemas = values
                .iter()
                .flat_map(|v| match v {
                    Expr::Identifier(id) => vec![fold(id)],
                    Expr::Value(v) => match &v.value {
                        ast::Value::SingleQuotedString(s) => s
                            .split(',')
                            .map(|p| p.trim().trim_matches('"').to_string())
                            .filter(|p| !p.is_empty())
                            .collect(),
                        _ => vec![],
                    },
                    _ => vec![],
                })
                .collect();
            out.push(Effect::SetSearchPath { schemas });
        }
        _ => {}
    }
    // ALTER SEQUENCE ... RENAME TO and ALTER TABLE ... SET SCHEMA are not modelled by sqlparser
    // for PostgreSQL; they reach the token-level fallback as unparsed statements.
    out
}

/// The name of a table constraint, when it has one.
pub fn constraint_name(c: &ast::TableConstraint) -> Option<&Ident> {
    use ast::TableConstraint as C;
    match c {
        C::Unique(u) => u.name.as_ref(),
        C::PrimaryKey(p) => p.name.as_ref(),
        C::ForeignKey(f) => f.name.as_ref(),
        C::Check(c) => c.name.as_ref(),
        C::PrimaryKeyUsingIndex(u) | C::UniqueUsingIndex(u) => u.name.as_ref(),
        C::Exclude(e) => e.name.as_ref(),
        _ => None,
    }
}

fn alter_table_op(table: &QualName, op: &AlterTableOperation, out: &mut Vec<Effect>) {
    match op {
        AlterTableOperation::AddConstraint { constraint, .. } => {
            if let Some(name) = constraint_name(constraint) {
                out.push(Effect::CreateObject {
                    kind: ObjectKind::Constraint,
                    name: QualName::new(None, &fold(name)),
                    on: Some(table.clone()),
                });
            }
        }
        AlterTableOperation::AddColumn { column_def, .. } => {
            out.push(Effect::AddColumn {
                table: table.clone(),
                column: fold(&column_def.name),
                ty: Some(type_key(&column_def.data_type.to_string())),
            });
        }
        AlterTableOperation::DropColumn { column_names, .. } => {
            for c in column_names {
                out.push(Effect::DropColumn {
                    table: table.clone(),
                    column: fold(c),
                });
            }
        }
        AlterTableOperation::DropConstraint { name, .. } => out.push(Effect::DropObject {
            kind: ObjectKind::Constraint,
            name: QualName::new(None, &fold(name)),
            on: Some(table.clone()),
        }),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => out.push(Effect::RenameColumn {
            table: table.clone(),
            from: fold(old_column_name),
            to: fold(new_column_name),
        }),
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
            out.push(Effect::RenameTable {
                table: table.clone(),
                to: last(n),
            });
        }
        AlterTableOperation::RenameConstraint { old_name, new_name } => {
            out.push(Effect::RenameObject {
                kind: ObjectKind::Constraint,
                name: QualName::new(None, &fold(old_name)),
                to: fold(new_name),
                on: Some(table.clone()),
            })
        }
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { data_type, .. },
        } => out.push(Effect::ColumnTypeChange {
            table: table.clone(),
            column: fold(column_name),
            to_type: data_type.to_string(),
        }),
        AlterTableOperation::EnableRowLevelSecurity => out.push(Effect::EnableRls {
            table: table.clone(),
        }),
        AlterTableOperation::DisableRowLevelSecurity => out.push(Effect::DisableRls {
            table: table.clone(),
            force: false,
        }),
        AlterTableOperation::ForceRowLevelSecurity => out.push(Effect::ForceRls {
            table: table.clone(),
        }),
        AlterTableOperation::NoForceRowLevelSecurity => out.push(Effect::DisableRls {
            table: table.clone(),
            force: true,
        }),
        _ => {}
    }
}

fn drop_kind(t: &ObjectType) -> ObjectKind {
    match t {
        ObjectType::View => ObjectKind::View,
        ObjectType::MaterializedView => ObjectKind::MaterializedView,
        ObjectType::Index => ObjectKind::Index,
        ObjectType::Sequence => ObjectKind::Sequence,
        ObjectType::Type => ObjectKind::Type,
        ObjectType::Schema => ObjectKind::Schema,
        _ => ObjectKind::Other,
    }
}

/// `WHERE true`, `WHERE 1 = 1`, `WHERE 'a' = 'a'` and the like.
pub fn always_true(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => matches!(v.value, ast::Value::Boolean(true)),
        Expr::Nested(inner) => always_true(inner),
        Expr::BinaryOp {
            left,
            op: ast::BinaryOperator::Eq,
            right,
        } => matches!((&**left, &**right), (Expr::Value(a), Expr::Value(b)) if a.value == b.value),
        Expr::BinaryOp {
            left,
            op: ast::BinaryOperator::Or,
            right,
        } => always_true(left) || always_true(right),
        _ => false,
    }
}

/// The data-modifying statements (`INSERT`, `UPDATE`, `DELETE`, `MERGE`) a query runs: in its
/// `WITH` clauses and as its body (`WITH ... INSERT`), nested queries included.
pub fn data_modifying(q: &ast::Query) -> Vec<&Statement> {
    fn body<'a>(e: &'a ast::SetExpr, out: &mut Vec<&'a Statement>) {
        match e {
            ast::SetExpr::Insert(s)
            | ast::SetExpr::Update(s)
            | ast::SetExpr::Delete(s)
            | ast::SetExpr::Merge(s) => out.push(s),
            ast::SetExpr::Query(q) => out.extend(data_modifying(q)),
            ast::SetExpr::SetOperation { left, right, .. } => {
                body(left, out);
                body(right, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for cte in q.with.iter().flat_map(|w| &w.cte_tables) {
        out.extend(data_modifying(&cte.query));
    }
    body(&q.body, &mut out);
    out
}
