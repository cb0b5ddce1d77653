use std::collections::HashMap;

use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;

pub struct DuplicateMigrationVersion;

static META: RuleMeta = rule_meta!(
    "duplicate-migration-version",
    Error,
    Input,
    "Two files of one migration set share a version"
);

impl Rule for DuplicateMigrationVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        let mut seen: HashMap<(String, bool), &str> = HashMap::new();
        for u in cx.units {
            let Some(v) = &u.migration.version else { continue };
            if matches!(u.migration.role, Role::Unapplied | Role::Repeatable) {
                continue;
            }
            // The tool decides which versions are the same: `0002` and `2` are one integer to
            // sqlx or golang-migrate, two strings to the Supabase CLI.
            let key = (
                cx.set.tool.version_key(v),
                u.migration.role == Role::Down,
            );
            if let Some(first) = seen.get(&key) {
                let first_line = u.source.text.find('\n').unwrap_or(u.source.text.len());
                out.push(Hit {
                    fix: None,
                    suggestion: None,
                    file: u.source.clone(),
                    span: 0..first_line,
                    message: format!(
                        "`{}` has version {v}, like `{first}`: the tool records one version once, so one of the two is skipped or the run fails",
                        u.source.display
                    ),
                    help: "Give this migration a new, later version (for Supabase: `supabase migration new <name>` and move the SQL there).".into(),
                });
            } else {
                seen.insert(key, &u.source.display);
            }
        }
    }
}
