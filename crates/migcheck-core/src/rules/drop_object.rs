use super::mentions::Act;
use super::{Hits, Rule, RuleMeta, StatementCx};
use super::sql::{tokens, Tok};
use crate::effect::{Effect, ObjectKind, QualName};

pub struct DropObject;

static META: RuleMeta = rule_meta!(
    "drop-object",
    Error,
    NonAdditive,
    "DROP of a view, function, type, sequence, index, trigger, policy, constraint, domain or extension"
);

impl Rule for DropObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            let Effect::DropObject { kind, name, on } = e else {
                continue;
            };
            if cx
                .state
                .object_created_in(*kind, name, on.as_ref(), cx.unit.index)
                || recreated_later(cx, *kind, &name.name)
                || defensive_drop(cx, *kind, name, on.as_ref())
                || (*kind == ObjectKind::Type && super::replace::drops_type_after_swap(cx, name))
                || (*kind == ObjectKind::Policy
                    && on.as_ref().is_some_and(|t| policy_replaced_later(cx, name, t)))
                || table_dropped_later(cx, *kind, name, on.as_ref())
                || dropped_with_its_columns(cx, *kind, name, on.as_ref())
                || (*kind == ObjectKind::Index && concurrent_drop_of_plain_index(cx, name))
                || (*kind == ObjectKind::Function && trigger_function_drop(cx, name))
                || (*kind == ObjectKind::Constraint
                    && on.as_ref().is_some_and(|t| not_null_check_made_redundant(cx, name, t)))
                || (*kind == ObjectKind::Constraint
                    && on.as_ref().is_some_and(|t| constraint_replaced_later(cx, name, t)))
            {
                continue;
            }
            let target = match on {
                Some(t) => format!("{kind} `{name}` on `{}`", cx.table_name(t)),
                None => format!("{kind} `{name}`"),
            };
            let why = match kind {
                ObjectKind::Policy => "clients lose the access it granted (or, if it was the last one, nobody but the owner can use the table)",
                ObjectKind::Index => "queries that relied on it fall back to slower plans, and a unique index stops enforcing uniqueness",
                ObjectKind::Constraint => "the database stops enforcing it, so invalid rows can be written from then on",
                ObjectKind::Trigger => "whatever it kept up to date silently stops being maintained",
                ObjectKind::Extension => "every function, type and operator it provided disappears, with columns that use them",
                _ => "code still deployed that uses it fails",
            };
            out.push(cx.hit(
                format!("Dropping {target} is not additive: {why}"),
                format!("Stop depending on the {kind} in a release first, then drop it in its own reviewed migration; to replace it, create the new one before dropping the old."),
            ));
        }
    }
}

/// Kinds whose `DROP ... IF EXISTS` is usually defensive code when no migration created them.
const DEFENSIVE: &[ObjectKind] = &[
    ObjectKind::Policy,
    ObjectKind::Trigger,
    ObjectKind::Index,
    ObjectKind::Function,
    ObjectKind::Procedure,
];

/// `DROP POLICY / TRIGGER / INDEX / FUNCTION ... IF EXISTS` of an object that no migration of
/// the set created (or that is already gone): `drop-object-if-exists` reports it as a warning,
/// since it may exist only out of band, and `drop-object` stays quiet.
pub(super) fn defensive_drop(
    cx: &StatementCx<'_>,
    kind: ObjectKind,
    name: &QualName,
    on: Option<&QualName>,
) -> bool {
    DEFENSIVE.contains(&kind) && has_if_exists(cx) && !cx.state.object_exists(kind, name, on)
}

/// True when the object is provably absent at this statement, so that a `DROP ... IF EXISTS`
/// of it does nothing anywhere and takes no lock (issue 28 items 2 and 9): the set removed it
/// earlier (dropped by name, renamed away, an index gone with its table or constraint), or the
/// set never created it and provably starts from an empty database ([`set_starts_empty`]).
/// Otherwise an object the set never created may well exist (a partial history, an index
/// made by an ORM's push or by hand) and the drop's lock is real. Also right with the schema
/// at the end of the file (the file-level lock scan): what went by this statement or a later
/// one does not count, and an object that exists at the end is not absent.
pub(super) fn provably_absent(cx: &StatementCx<'_>, kind: ObjectKind, name: &QualName) -> bool {
    if cx.state.object_exists(kind, name, None) {
        return false;
    }
    match cx.state.gone_at(kind, name) {
        // Removed before this statement; removed by it or later: it was there.
        Some(at) => at < (cx.unit.index, cx.stmt.span.start),
        None => set_starts_empty(cx),
    }
}

/// True when the set provably starts from an empty database, so that what no migration of it
/// created does not exist in a database built from it:
///
/// - the set's statements so far changed no table that the set did not create (a history that
///   starts later shows itself by altering tables it never made), and
/// - its tool refuses a non-empty database without a baseline: Prisma Migrate
///   (`prisma migrate deploy` stops with P3005 "The database schema is not empty" unless the
///   database is baselined: its first migration, written `--from-empty`, marked applied as
///   what created everything; Prisma's docs, "Baselining a database"), or the set's first
///   file says it is that baseline: its name (or, for a tool with one folder per migration, its
///   folder's name) holds the word `init`, `initial` or `baseline`, or is `supabase db pull`'s
///   `remote_schema` (the name `supabase db pull` gives its file; as the first file of a set it is the
///   dump of the whole remote schema, not a diff).
pub(super) fn set_starts_empty(cx: &StatementCx<'_>) -> bool {
    if cx.state.saw_table_from_before || !cx.set.ordered {
        return false;
    }
    if cx.set.tool.id() == "prisma" {
        return true;
    }
    let Some(first) = cx.set.files.first() else {
        return false;
    };
    let mut names = vec![first.path.file_stem()];
    if first.path.file_stem().is_some_and(|s| s == "migration" || s == "up") {
        names.push(first.path.parent().and_then(|p| p.file_name()));
    }
    names.into_iter().flatten().any(|n| {
        let n = n.to_string_lossy().to_ascii_lowercase();
        n.contains("remote_schema")
            || n.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| matches!(w, "init" | "initial" | "baseline"))
    })
}

/// `ALTER INDEX / POLICY / TRIGGER / FUNCTION ... IF EXISTS ... RENAME` of an object that no
/// migration of the set created (or that is already gone): a no-op in a database built from
/// the migrations, real only on an object made out of band. `drop-object-if-exists` reports it
/// as a warning, the way it reports the defensive `DROP ... IF EXISTS`; `rename-object` stays
/// quiet.
pub(super) fn defensive_rename(
    cx: &StatementCx<'_>,
    kind: ObjectKind,
    name: &QualName,
    on: Option<&QualName>,
) -> bool {
    DEFENSIVE.contains(&kind)
        && leading_if_exists(cx, "ALTER")
        && !cx.state.object_exists(kind, name, on)
}

/// True when the statement is a `DROP <kind> [CONCURRENTLY] IF EXISTS ...`.
fn has_if_exists(cx: &StatementCx<'_>) -> bool {
    leading_if_exists(cx, "DROP")
}

/// The statement's first words (of its first six tokens), as the tokenizer spells keywords.
fn leading_words(cx: &StatementCx<'_>) -> impl Iterator<Item = String> {
    tokens(&cx.unit.source.text[cx.stmt.span.clone()])
        .into_iter()
        .take(6)
        .filter_map(|t| match t {
            Tok::Word(w, _) => Some(w),
            _ => None,
        })
}

/// True when the statement starts with `verb` and has `IF EXISTS` among its first words.
fn leading_if_exists(cx: &StatementCx<'_>, verb: &str) -> bool {
    // A word token is text of the statement: without `exists` anywhere, no need to tokenize.
    if !crate::recognise::contains_word_text(cx.unit.source.slice(&cx.stmt.span), "exists") {
        return false;
    }
    let mut words = leading_words(cx);
    words.next().as_deref() == Some(verb)
        && words
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0] == "IF" && w[1] == "EXISTS")
}

/// True when the same statement or a later one of the same file creates an object of the same
/// kind and name again: `drop policy if exists p on t; create policy p on t ...` replaces, it does not remove.
pub(super) fn recreated_later(cx: &StatementCx<'_>, kind: ObjectKind, name: &str) -> bool {
    // The statement itself counts: `drop constraint c, add constraint c ...` replaces `c`.
    cx.later_naming(Act::Creates, name, true)
        .flat_map(|s| &s.effects)
        .any(|e| match e {
            Effect::CreateObject { kind: k, name: n, .. } => *k == kind && n.name == name,
            Effect::CreatePolicy { name: n, .. } => kind == ObjectKind::Policy && n == name,
            _ => false,
        })
}

/// True when another statement of the same file (before or after) creates a policy on the same table for the same
/// command (or for `ALL`) as the dropped one, under any name, or, for a dropped `ALL` policy,
/// later policies for each of SELECT, INSERT, UPDATE and DELETE: the policy is replaced, clients
/// do not lose access. The dropped policy's command comes from the migration that created it; when
/// no migration of the set did, nothing is known and the drop is reported.
fn policy_replaced_later(cx: &StatementCx<'_>, name: &QualName, table: &QualName) -> bool {
    use sqlparser::ast::Statement as Ast;
    let key = cx.state.resolve_table(table);
    let Some(old) = cx.state.facts.policy_commands.get(&(key.clone(), name.name.clone())) else {
        return false;
    };
    let text = &cx.unit.source.text;
    // A policy that let every row through is replaced only by one that does too: conditions
    // on the new ones narrow what clients can reach.
    let open_only = cx
        .state
        .facts
        .unconditional_policies
        .contains(&(key.clone(), name.name.clone()));
    // The commands the file's other policies on the table let clients use, until they cover
    // the dropped one's.
    let mut granted = std::collections::HashSet::new();
    let covered = |granted: &std::collections::HashSet<String>| {
        granted.contains(old)
            || granted.contains("ALL")
            // An `ALL` policy split into one policy per command (what Supabase's advisor asks
            // for against several permissive policies per action) is replaced as a whole.
            || (old == "ALL"
                && ["SELECT", "INSERT", "UPDATE", "DELETE"]
                    .iter()
                    .all(|c| granted.contains(*c)))
    };
    // Created before the drop in the same file counts too: clients move to the new policy when
    // the file commits (Cap-go adds its RBAC policies, then drops the legacy ones).
    let creates = cx
        .file_naming(Act::CreatesOn, &key.1)
        // Only statements that create a policy on a table of that name are parsed again.
        .filter(|s| {
            s.effects.iter().any(
                |e| matches!(e, Effect::CreatePolicy { table, .. } if table.name == key.1),
            )
        });
    for s in creates {
        if let Some(Ast::CreatePolicy(p)) = s.tree(text).as_deref() {
            if cx.state.resolve_table(&crate::extract::qual(&p.table_name)) == key
                && grants_access(p)
                && (!open_only || crate::facts::unconditional(p))
            {
                granted.insert(crate::facts::policy_command(p));
                if covered(&granted) {
                    return true;
                }
            }
        }
    }
    false
}

/// True when a policy can let clients in: permissive (a RESTRICTIVE policy only narrows what
/// others grant) and not written `USING (false)` / `WITH CHECK (false)`. A drop followed by such a
/// deny policy is a lock-down: clients do lose access, as the finding says.
fn grants_access(p: &sqlparser::ast::CreatePolicy) -> bool {
    use sqlparser::ast::{CreatePolicyType, Expr, Value};
    let is_false = |e: &Option<Expr>| {
        matches!(e, Some(Expr::Value(v)) if matches!(v.value, Value::Boolean(false)))
    };
    !matches!(p.policy_type, Some(CreatePolicyType::Restrictive))
        && !is_false(&p.using)
        && !is_false(&p.with_check)
}

/// True when the same statement or a later one of the same file adds to the same table a
/// constraint with the shape of the dropped one (same kind on the same columns; a CHECK with the
/// same expression) under any name: drizzle-kit drops and re-adds a foreign key under a new name
/// when the table it references is renamed, and the database never stops enforcing it. The
/// dropped constraint's shape comes from the migration that created it; when no migration of the
/// set did, nothing is known and the drop is reported.
fn constraint_replaced_later(cx: &StatementCx<'_>, name: &QualName, table: &QualName) -> bool {
    use sqlparser::ast::{AlterTableOperation as Op, Statement as Ast};
    let key = cx.state.resolve_table(table);
    let old = cx
        .state
        .facts
        .constraint_shapes
        .get(&(key.clone(), name.name.clone()));
    let old_cols = cx.state.key_columns(&key, &name.name);
    // A primary key declared on its column has no shape recorded (see `facts`), only a column.
    let was_key = match old {
        Some(shape) => shape.starts_with("primary key"),
        None => old_cols.is_some() && name.name == format!("{}_pkey", key.1),
    };
    if old.is_none() && old_cols.is_none() {
        return false;
    }
    let text = &cx.unit.source.text;
    // Only statements whose effects name the table: an ADD CONSTRAINT without a name (no
    // effect) is not read as the replacement.
    cx.later_naming(Act::CreatesOn, &key.1, true)
        // Only statements that add a constraint to a table of that name are parsed again.
        .filter(|s| {
            s.effects.iter().any(|e| {
                matches!(e, Effect::CreateObject { kind: ObjectKind::Constraint, on: Some(t), .. } if t.name == key.1)
            })
        })
        .any(|s| match s.tree(text).as_deref() {
            Some(Ast::AlterTable(at)) => {
                cx.state.resolve_table(&crate::extract::qual(&at.name)) == key
                    && at.operations.iter().any(|op| match op {
                        Op::AddConstraint { constraint, .. } => {
                            crate::facts::shape_of(constraint)
                                .is_some_and(|(_, shape)| Some(&shape) == old)
                                || (was_key && key_kept_unique(old_cols.as_ref(), constraint))
                                || wider_foreign_key(old, old_cols.as_ref(), constraint)
                        }
                        _ => false,
                    })
            }
            _ => false,
        })
}

/// True when the same statement or a later one of the file drops a column of the dropped key,
/// foreign key or index: PostgreSQL drops the constraint or index with any of its columns
/// ("Indexes and table constraints involving the column will be automatically dropped as
/// well", `ALTER TABLE`), so the column drop is the change to report (`drop-column`), not the
/// foreign key or index a generator drops explicitly just before it (Prisma drops them first).
/// The columns come from the migration that created the constraint or index; when no
/// migration of the set did, nothing is known and the drop is reported.
fn dropped_with_its_columns(
    cx: &StatementCx<'_>,
    kind: ObjectKind,
    name: &QualName,
    on: Option<&QualName>,
) -> bool {
    let facts = &cx.state.facts;
    let (key, cols) = match (kind, on) {
        (ObjectKind::Constraint, Some(t)) => {
            let key = cx.state.resolve_table(t);
            match cx.state.key_columns(&key, &name.name) {
                Some(cols) => (key, cols),
                None => return false,
            }
        }
        (ObjectKind::Index, _) => match (
            facts.index_table(&name.name),
            facts.index_columns.get(&name.name),
        ) {
            (Some(key), Some(cols)) => (key.clone(), cols.clone()),
            _ => return false,
        },
        _ => return false,
    };
    cx.later_naming(Act::DropsColumnOf, &key.1, true)
        .flat_map(|s| &s.effects)
        .any(|e| match e {
            Effect::DropColumn { table, column } => {
                cols.contains(column) && cx.state.resolve_table(table) == key
            }
            _ => false,
        })
}

/// True when the statement is `DROP INDEX CONCURRENTLY` of an index the set created without
/// `UNIQUE`: the author chose the form that takes no lock readers or writers wait for, and a
/// plain index enforces nothing, so dropping it changes plans, not what clients can do (the
/// peers accept it: squawk's `require-concurrent-index-deletion` asks for exactly this). A
/// unique index stops enforcing uniqueness, and an index the set did not create may be
/// unique: both are still reported.
fn concurrent_drop_of_plain_index(cx: &StatementCx<'_>, name: &QualName) -> bool {
    let facts = &cx.state.facts;
    facts.index_table(&name.name).is_some()
        && !facts.unique_index_columns.contains_key(&name.name)
        && leading_words(cx).take(3).any(|w| w == "CONCURRENTLY")
}

/// True when the dropped constraint is a `CHECK (col IS NOT NULL)` and the column is NOT NULL
/// at this point: the column's own NOT NULL enforces the same, so nothing is lost. This is the
/// last step of the safe way to make a column NOT NULL (`set-not-null`: add the check NOT
/// VALID, validate it, SET NOT NULL, drop the check).
fn not_null_check_made_redundant(cx: &StatementCx<'_>, name: &QualName, table: &QualName) -> bool {
    let key = cx.state.resolve_table(table);
    cx.state
        .facts
        .not_null_checks
        .get(&(key.clone(), name.name.clone()))
        .is_some_and(|proven| {
            cx.state
                .columns_of(&key)
                .is_some_and(|cols| proven.iter().all(|c| cols.is_not_null(c)))
        })
}

/// True when the statement drops, without `CASCADE`, a function the set declared `RETURNS
/// trigger`: no client can call a trigger function, and PostgreSQL refuses the drop while a
/// trigger still uses it, so nothing still deployed depends on it (the trigger's own drop or
/// replacement is the change, reported as such). With `CASCADE` the triggers go with it: reported.
fn trigger_function_drop(cx: &StatementCx<'_>, name: &QualName) -> bool {
    cx.state.facts.trigger_functions.contains(&name.name)
        && !tokens(&cx.unit.source.text[cx.stmt.span.clone()])
            .iter()
            .any(|t| matches!(t, Tok::Word(w, _) if w == "CASCADE"))
}

/// True when a primary key is replaced by a unique constraint over the same columns: dropping
/// the key leaves its columns NOT NULL, so the unique constraint enforces what the key did.
fn key_kept_unique(key_cols: Option<&Vec<String>>, new: &sqlparser::ast::TableConstraint) -> bool {
    matches!(new, sqlparser::ast::TableConstraint::Unique(_))
        && key_cols.is_some_and(|k| crate::facts::constraint_columns(new).as_ref() == Some(k))
}

/// True when the dropped constraint is a foreign key and `new` is one over the same columns and
/// more (`(dataset_id)` re-added as `(dataset_id, project_id)` when the referenced table's key
/// gains a column): every row the old one checked is still checked, against a stricter key.
fn wider_foreign_key(
    old_shape: Option<&String>,
    old_cols: Option<&Vec<String>>,
    new: &sqlparser::ast::TableConstraint,
) -> bool {
    let (Some(old_cols), sqlparser::ast::TableConstraint::ForeignKey(_)) = (old_cols, new) else {
        return false;
    };
    old_shape.is_some_and(|s| s.starts_with("foreign key"))
        && crate::facts::constraint_columns(new)
            .is_some_and(|cols| old_cols.iter().all(|c| cols.contains(c)))
}

/// True when a later statement of the same file drops the table the object belongs to: the
/// table drop is the change to report (`drop-table`), not each of its indexes, triggers or
/// policies dropped just before it.
pub(super) fn table_dropped_later(
    cx: &StatementCx<'_>,
    kind: ObjectKind,
    name: &QualName,
    on: Option<&QualName>,
) -> bool {
    let key = match (on, kind) {
        (Some(t), _) => cx.state.resolve_table(t),
        (None, ObjectKind::Index) => match cx.state.facts.index_table(&name.name) {
            Some(k) => k.clone(),
            None => return false,
        },
        _ => return false,
    };
    cx.later_naming(Act::Drops, &key.1, false)
        .flat_map(|s| &s.effects)
        .any(|e| matches!(e, Effect::DropTable { table: t } if cx.state.resolve_table(t) == key))
}
