use super::{Hit, Hits, Rule, RuleMeta, SetCx};
use crate::discover::Role;

pub struct UnappliedMigrationFile;

static META: RuleMeta = rule_meta!(
    "unapplied-migration-file",
    Warning,
    Input,
    "A file in a migrations folder that its tool will never apply (bad name)"
);

impl Rule for UnappliedMigrationFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_set(&self, cx: &SetCx<'_>, out: &mut Hits<'_>) {
        for u in cx.units {
            if u.migration.role != Role::Unapplied {
                continue;
            }
            let expected = cx.set.tool.expected_names();
            let first_line = u.source.text.find('\n').unwrap_or(u.source.text.len());
            out.push(Hit {
                fix: None,
                suggestion: None,
                file: u.source.clone(),
                span: 0..first_line,
                message: format!(
                    "`{}` sits in a {} migrations folder but its name does not match {expected}, so the tool never applies it: whatever it contains silently does not happen (or someone runs it by hand, unreviewed)",
                    u.source.display,
                    cx.set.tool.id()
                ),
                help: "Rename it to the tool's pattern if it is a migration, or move it out of the migrations folder (for example to `supabase/snippets/` or `docs/`) if it is a manual script.".into(),
            });
        }
    }
}
