use std::cmp::Ordering;

use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;
#[cfg(test)]
use crate::discover::compare_versions as cmp_versions;

pub struct MigrationVersionOutOfOrder;

static META: RuleMeta = rule_meta!(
    "migration-version-out-of-order",
    Error,
    Input,
    "A new migration whose version sorts before a migration already in the set"
);

/// Compares versions in the order the set's tool applies them (see [`crate::tool::Tool::order`]).
impl Rule for MigrationVersionOutOfOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        let up = |r: Role| r == Role::Up;
        // The newest migration that is not part of the change being checked.
        let Some(latest) = cx
            .units
            .iter()
            .filter(|u| up(u.migration.role) && !u.migration.is_new)
            .filter_map(|u| u.migration.version.as_deref().map(|v| (v, u)))
            .max_by(|a, b| cx.set.tool.order(&a.1.migration, &b.1.migration))
        else {
            return;
        };
        for u in cx.units {
            if !up(u.migration.role) || !u.migration.is_new {
                continue;
            }
            let Some(v) = u.migration.version.as_deref() else {
                continue;
            };
            if cx.set.tool.order(&u.migration, &latest.1.migration) != Ordering::Less {
                continue;
            }
            // Point at the first statement (the whole file is the problem).
            let span = u.parsed.statements.first().map_or_else(
                || 0..u.source.text.find('\n').unwrap_or(u.source.text.len()),
                |s| s.span.clone(),
            );
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: u.source.clone(),
                span,
                message: format!(
                    "`{}` has version {v}, older than `{}` ({}) which is already in the set: databases that applied that one will not run this one in order (the Supabase CLI refuses to push it; other tools skip it or apply it out of order)",
                    u.source.display, latest.1.source.display, latest.0
                ),
                help: "Give the migration a version later than every existing one (for Supabase: `supabase migration new <name>` and move the SQL there).".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::lint::{check, CheckOptions};

    #[test]
    fn versions_compare_numerically() {
        use super::cmp_versions;
        use std::cmp::Ordering::*;
        assert_eq!(cmp_versions("0002", "2"), Equal);
        assert_eq!(cmp_versions("1.10", "1.9"), Greater);
        assert_eq!(cmp_versions("20240101000000", "20240215000000"), Less);
    }

    /// The harness checks whole directories, where every file is new; this rule needs a change.
    #[test]
    fn a_new_file_older_than_the_set_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("supabase/migrations");
        std::fs::create_dir_all(&m).unwrap();
        let old = m.join("20240101000000_add_orders.sql");
        let newer = m.join("20240215000000_add_invoices.sql");
        std::fs::write(&old, "create table orders (id int primary key);\n").unwrap();
        std::fs::write(&newer, "create table invoices (id int primary key);\n").unwrap();
        let only = |p: &std::path::Path| {
            let changed = HashSet::from([std::fs::canonicalize(p).unwrap()]);
            CheckOptions {
                only: Some(changed.clone()),
                added: Some(changed),
                config: None,
                force_exclude: false,
                no_ignore: false,
                overrides: Default::default(),
                cache: None,
            }
        };
        let rule = "migration-version-out-of-order";
        let report = check(&[dir.path().to_path_buf()], &only(&old));
        let hits: Vec<_> = report.findings.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(hits.len(), 1, "{:?}", report.findings);
        assert!(hits[0].message.contains("20240215000000_add_invoices.sql"));
        let report = check(&[dir.path().to_path_buf()], &only(&newer));
        assert!(!report.findings.iter().any(|f| f.rule == rule));
        let report = check(&[dir.path().to_path_buf()], &CheckOptions::default());
        assert!(!report.findings.iter().any(|f| f.rule == rule));
        // Naming an old file (an edit, as far as migcheck knows) is not an out-of-order add.
        let named = CheckOptions {
            only: Some(HashSet::from([std::fs::canonicalize(&old).unwrap()])),
            ..CheckOptions::default()
        };
        let report = check(&[dir.path().to_path_buf()], &named);
        assert!(!report.findings.iter().any(|f| f.rule == rule));
    }
}
