//! Flyway (`flyway migrate`).
//!
//! Modelled on flyway/flyway: `V<version>__<description>.sql` versioned migrations ordered by
//! `MigrationVersion.compareTo` (version parts compared as numbers, `_` read as `.`),
//! `U<version>__` undo scripts, `R__` repeatable migrations applied after the versioned ones.
//! Each migration runs in a transaction unless its script config file `<script>.conf` says
//! `executeInTransaction=false` (`ResourceProvider` / script configuration); a migration whose
//! statements cannot all run in a transaction is run without one (the PostgreSQL parser's
//! `detectCanExecuteInTransaction`). History: `flyway_schema_history`.

use std::path::Path;

use super::{stem, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Flyway;

static HISTORY: History = History {
    table: "public.flyway_schema_history",
    create: "CREATE TABLE IF NOT EXISTS public.flyway_schema_history (\
             installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, \
             type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL, success BOOLEAN NOT NULL)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!("SELECT version FROM public.flyway_schema_history WHERE success AND version = ANY({ids})")
        },
        advice: "`flyway migrate` would apply it again; if it was applied by hand, record it with `flyway migrate -baselineVersion` or a history repair",
    }),
    id: |f| (f.role == Role::Up).then(|| f.version.clone()).flatten(),
};

fn record(a: &Applied<'_>) -> String {
    let f = a.file;
    format!(
        "INSERT INTO public.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) \
         SELECT coalesce(max(installed_rank), 0) + 1, {}, {}, 'SQL', {}, NULL, current_user, 0, true FROM public.flyway_schema_history",
        f.version.as_deref().map_or("NULL".to_string(), super::quote_literal),
        super::quote_literal(&f.name.replace('_', " ")),
        super::quote_literal(&super::file_name(&f.path)),
    )
}

pub(crate) fn is_flyway_name(n: &str) -> bool {
    let upper = n.to_ascii_uppercase();
    (upper.starts_with('V') || upper.starts_with('U'))
        && upper[1..].contains("__")
        && upper[1..].starts_with(|c: char| c.is_ascii_digit())
        || upper.starts_with("R__")
}

impl Tool for Flyway {
    fn id(&self) -> &'static str {
        "flyway"
    }
    fn name(&self) -> &'static str {
        "Flyway"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.names().iter().any(|n| is_flyway_name(n))
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        if let Some(desc) = stem
            .strip_prefix("R__")
            .or_else(|| stem.strip_prefix("r__"))
        {
            return (None, desc.to_string(), Role::Repeatable);
        }
        let role = match stem.as_bytes().first() {
            Some(b'V' | b'v') => Role::Up,
            Some(b'U' | b'u') => Role::Down,
            _ => return (None, stem, Role::Unapplied),
        };
        match stem[1..].split_once("__") {
            Some((v, d))
                if !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == '_') =>
            {
                (Some(v.replace('_', ".")), d.to_string(), role)
            }
            _ => (None, stem.clone(), Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`V<version>__<description>.sql`, `U<version>__...` or `R__...`"
    }
    fn wrapping(&self, file: &MigrationFile, _text: &str) -> Wrapping {
        if opts_out(&file.path) {
            return Wrapping::None;
        }
        Wrapping::Script(
            "Flyway runs each migration in a transaction unless its script config says `executeInTransaction=false` or a statement in it cannot run in one",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}

/// `executeInTransaction=false` in the script config file next to the migration
/// (`V1__init.sql.conf`).
fn opts_out(path: &Path) -> bool {
    let mut conf = path.as_os_str().to_owned();
    conf.push(".conf");
    crate::fsio::read_to_string(Path::new(&conf)).is_ok_and(|t| {
        t.lines().any(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            l.eq_ignore_ascii_case("executeInTransaction=false")
        })
    })
}
