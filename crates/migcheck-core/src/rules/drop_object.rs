use super::{Hit, Rule, RuleMeta, StatementCx};
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

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
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

/// True when the statement is a `DROP <kind> [CONCURRENTLY] IF EXISTS ...`.
fn has_if_exists(cx: &StatementCx<'_>) -> bool {
    let toks = tokens(&cx.unit.source.text[cx.stmt.span.clone()]);
    let mut words = toks.iter().take(6).filter_map(|t| match t {
        Tok::Word(w, _) => Some(w.as_str()),
        _ => None,
    });
    words.next() == Some("DROP")
        && words
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w == ["IF", "EXISTS"])
}

/// True when the same statement or a later one of the same file creates an object of the same
/// kind and name again: `drop policy if exists p on t; create policy p on t ...` replaces, it does not remove.
pub(super) fn recreated_later(cx: &StatementCx<'_>, kind: ObjectKind, name: &str) -> bool {
    cx.unit
        .parsed
        .statements
        .iter()
        // The statement itself counts: `drop constraint c, add constraint c ...` replaces `c`.
        .filter(|s| s.span.start >= cx.stmt.span.start && !s.rollback)
        .flat_map(|s| &s.effects)
        .any(|e| match e {
            Effect::CreateObject { kind: k, name: n, .. } => *k == kind && n.name == name,
            Effect::CreatePolicy { name: n, .. } => kind == ObjectKind::Policy && n == name,
            _ => false,
        })
}
