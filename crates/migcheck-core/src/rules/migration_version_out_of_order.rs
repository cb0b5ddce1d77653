use std::cmp::Ordering;

use super::{Hit, Rule, RuleMeta, SetCx};
use crate::discover::Role;

pub struct MigrationVersionOutOfOrder;

static META: RuleMeta = rule_meta!(
    "migration-version-out-of-order",
    Error,
    Input,
    "A new migration whose version sorts before a migration already in the set"
);

/// Compares versions numerically, part by part (`2` = `0002`, `1.10` > `1.9`).
fn cmp_versions(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| -> Vec<String> {
        v.split(['.', '_'])
            .map(|p| p.trim_start_matches('0').to_string())
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

impl Rule for MigrationVersionOutOfOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Vec<Hit>) {
        let up = |r: Role| r == Role::Up;
        // The newest migration that is not part of the change being checked.
        let Some(latest) = cx
            .units
            .iter()
            .filter(|u| up(u.migration.role) && !u.migration.reported)
            .filter_map(|u| u.migration.version.as_deref().map(|v| (v, u)))
            .max_by(|a, b| cmp_versions(a.0, b.0))
        else {
            return;
        };
        for u in cx.units {
            if !up(u.migration.role) || !u.migration.reported {
                continue;
            }
            let Some(v) = u.migration.version.as_deref() else {
                continue;
            };
            if cmp_versions(v, latest.0) != Ordering::Less {
                continue;
            }
            let first_line = u.source.text.find('\n').unwrap_or(u.source.text.len());
            out.push(Hit {
                file: u.source.clone(),
                span: 0..first_line,
                message: format!(
                    "`{}` has version {v}, older than `{}` ({}) which is already in the set: databases that applied that one will not run this one in order (the Supabase CLI refuses to push it; other tools skip it or apply it out of order)",
                    u.source.display, latest.1.source.display, latest.0
                ),
                help: "Give the migration a version later than every existing one (for Supabase: `supabase migration new <name>` and move the SQL there).".into(),
            });
        }
    }
}
