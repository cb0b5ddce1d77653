//! Renderers for a [`VerifyReport`]: human text, JSON, Markdown. Pure functions returning a
//! `String`, shared by `migcheck verify` and `migcheck replay`.

use serde::Serialize;

use migcheck_core::render::markdown::{fit, COMMENT_BUDGET};

use crate::verify::{CheckResult, Status, Summary, VerifyReport};

fn label(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "FAIL",
        Status::Warn => "warn",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `12 checks: 10 passed, 1 failed, 1 warning`
pub fn summary_line(report: &VerifyReport) -> String {
    let s = report.summary();
    format!(
        "{}: {} passed, {} failed, {}",
        plural(s.pass + s.fail + s.warn, "check", "checks"),
        s.pass,
        s.fail,
        plural(s.warn, "warning", "warnings")
    )
}

/// The object relative to its table heading (`title`, `policy "x"`), or `None` for the table
/// itself.
fn relative_object(c: &CheckResult) -> Option<String> {
    match &c.table {
        Some(t) if c.object == *t => None,
        Some(t) => match c.object.strip_prefix(t.as_str()) {
            Some(rest) => Some(rest.trim_start_matches(['.', ' ']).to_string()),
            None => Some(c.object.clone()),
        },
        None => Some(c.object.clone()),
    }
}

/// One line per check, grouped by table (migration checks last), then a summary line.
pub fn render_human(report: &VerifyReport) -> String {
    let mut out = String::new();
    if !report.database.is_empty() {
        out.push_str(&format!("database: {}\n", report.database));
    }
    let width = report
        .checks
        .iter()
        .map(|c| c.check.len())
        .max()
        .unwrap_or(0);
    let mut groups: Vec<(Option<&str>, Vec<&CheckResult>)> = Vec::new();
    for c in &report.checks {
        let key = c.table.as_deref();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(c),
            None => groups.push((key, vec![c])),
        }
    }
    // Checks that belong to no table (migration history) come last.
    groups.sort_by_key(|(k, _)| k.is_none());
    for (key, checks) in groups {
        out.push('\n');
        out.push_str(key.unwrap_or("migration history"));
        out.push('\n');
        for c in checks {
            let what = match relative_object(c) {
                Some(o) => format!("{o}: {}", c.message),
                None => c.message.clone(),
            };
            out.push_str(&format!(
                "  {}  {:<width$}  {}\n",
                label(c.status),
                c.check,
                what
            ));
        }
    }
    out.push('\n');
    if let Some(sizes) = &report.sizes {
        out.push_str(&sizes_text(sizes));
    }
    let verdict = if report.ok() { "ok" } else { "verify failed" };
    out.push_str(&format!("{verdict}: {}\n", summary_line(report)));
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    ok: bool,
    database: &'a str,
    checks: &'a [CheckResult],
    summary: Summary,
    /// `--sizes`: the live figures of the tables checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    sizes: Option<&'a [migcheck_core::impact::TableStats]>,
}

/// `{"version": 1, "ok": …, "database": …, "checks": [{"check","object","status","message"}],
/// "summary": {"pass","fail","warn"}}`, pretty-printed.
pub fn render_json(report: &VerifyReport) -> String {
    let j = JsonReport {
        version: 1,
        ok: report.ok(),
        database: &report.database,
        checks: &report.checks,
        summary: report.summary(),
        sizes: report.sizes.as_deref(),
    };
    let mut s = serde_json::to_string_pretty(&j).expect("a report always serializes");
    s.push('\n');
    s
}

/// `--sizes`: one line per table, largest first (at most 50; JSON has them all).
fn sizes_text(sizes: &[migcheck_core::impact::TableStats]) -> String {
    use migcheck_core::impact::{bytes_text, rows_text};
    let mut out = String::from("sizes (largest first)\n");
    let width = sizes
        .iter()
        .take(50)
        .map(|t| crate::verify::display_table(&t.schema, &t.name).len())
        .max()
        .unwrap_or(0);
    for t in sizes.iter().take(50) {
        let writes = t
            .writes_per_second
            .map(|w| format!(", {w:.1} writes/s"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<width$}  {:>8} rows  {:>9} (heap {}, indexes {}, TOAST {}){writes}\n",
            crate::verify::display_table(&t.schema, &t.name),
            rows_text(t.rows),
            bytes_text(t.total_bytes()),
            bytes_text(t.heap_bytes),
            bytes_text(t.index_bytes),
            bytes_text(t.toast_bytes),
        ));
    }
    if sizes.len() > 50 {
        out.push_str(&format!(
            "  …and {} smaller tables (see --format json)\n",
            sizes.len() - 50
        ));
    }
    out.push('\n');
    out
}

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// A heading, a status line (healthy / issues found), a table of the failures then the
/// warnings, and the passed checks counted: see [`render_markdown_for`].
pub fn render_markdown(report: &VerifyReport) -> String {
    render_markdown_for(report, "migcheck verify")
}

/// [`render_markdown`], pointing to `command --format json` for the full report. Failures
/// first, then warnings; passed checks are counted, not listed (2,000 healthy tables were
/// 1,384,200 characters listed, 21 times what a pull-request comment holds); rows stop at
/// three quarters of [`COMMENT_BUDGET`] and the whole text is cut to it (issue 29 item 4).
pub fn render_markdown_for(report: &VerifyReport, command: &str) -> String {
    let s = report.summary();
    let mut out = String::from("## migcheck verify\n\n");
    let status = if s.fail > 0 {
        "❌ **Issues found**"
    } else if s.warn > 0 {
        "⚠️ **Healthy, with warnings**"
    } else {
        "✅ **Healthy**"
    };
    out.push_str(&format!("{status}: {}", summary_line(report)));
    if !report.database.is_empty() {
        out.push_str(&format!(" (`{}`)", report.database.replace('`', "'")));
    }
    out.push_str("\n\n");
    if let Some(sizes) = report.sizes.as_deref().filter(|s| !s.is_empty()) {
        use migcheck_core::impact::{bytes_text, rows_text};
        out.push_str("| Table | Rows | Size | Writes/s |\n| --- | ---: | ---: | ---: |\n");
        for t in sizes.iter().take(20) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                cell(&crate::verify::display_table(&t.schema, &t.name)).replace('`', "'"),
                rows_text(t.rows),
                bytes_text(t.total_bytes()),
                t.writes_per_second
                    .map_or("–".into(), |w| format!("{w:.1}")),
            ));
        }
        out.push('\n');
    }
    if report.checks.is_empty() {
        out.push_str("No checks ran.\n");
        return out;
    }
    let rank = |st: Status| match st {
        Status::Fail => 0,
        Status::Warn => 1,
        Status::Pass => 2,
    };
    let mut rows: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    rows.sort_by_key(|c| rank(c.status));
    let full = format!("`{command} --format json`");
    if !rows.is_empty() {
        out.push_str("| Status | Check | Object | Message |\n| --- | --- | --- | --- |\n");
    }
    let mut shown = 0;
    for c in &rows {
        let row = format!(
            "| {} | `{}` | {} | {} |\n",
            match c.status {
                Status::Fail => "**fail**",
                Status::Warn => "warn",
                Status::Pass => "pass",
            },
            c.check,
            cell(&c.object),
            cell(&c.message)
        );
        if out.len() + row.len() > COMMENT_BUDGET * 3 / 4 {
            break;
        }
        out.push_str(&row);
        shown += 1;
    }
    if !rows.is_empty() {
        out.push('\n');
    }
    if rows.len() > shown {
        let left = &rows[shown..];
        let fails = left.iter().filter(|c| c.status == Status::Fail).count();
        out.push_str(&format!(
            "…and {} more not listed ({fails} failed, {} warnings); {full} lists every check.\n\n",
            left.len(),
            left.len() - fails
        ));
    }
    if s.pass > 0 {
        out.push_str(&format!(
            "{} passed (not listed; {full} lists every check).\n",
            plural(s.pass, "check", "checks")
        ));
    }
    fit(out, &format!("run {full}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::checks;

    fn check(
        check: &'static str,
        object: &str,
        status: Status,
        message: &str,
        table: Option<&str>,
    ) -> CheckResult {
        CheckResult {
            check,
            object: object.into(),
            status,
            message: message.into(),
            table: table.map(str::to_string),
        }
    }

    fn mixed() -> VerifyReport {
        VerifyReport {
            database: "postgresql://app:****@db.example.com:6543/postgres?sslmode=require".into(),
            checks: vec![
                check(checks::TABLE_EXISTS, "public.todos", Status::Pass, "table exists", Some("public.todos")),
                check(checks::COLUMN_EXISTS, "public.todos.title", Status::Pass, "column exists", Some("public.todos")),
                check(checks::RLS_ENABLED, "public.todos", Status::Fail, "row level security is off: the table is in an exposed schema, so the API roles read and write every row", Some("public.todos")),
                check(checks::POLICY_EXISTS, "public.\"TileSetting\" policy \"a|b\"", Status::Fail, "policy is missing", Some("public.\"TileSetting\"")),
                check(checks::TABLE_EXISTS, "public.\"TileSetting\"", Status::Pass, "table exists", Some("public.\"TileSetting\"")),
                check(checks::RLS_HAS_POLICY, "public.\"TileSetting\"", Status::Warn, "row level security is on but the table has no policy: nobody but the owner (and roles that bypass RLS) can read or change it", Some("public.\"TileSetting\"")),
                check(checks::MIGRATION_RECORDED, "20240101000000_init", Status::Warn, "not recorded in supabase_migrations.schema_migrations: applied by hand?", None),
                check(checks::MIGRATION_RECORDED, "20240102000000_todos", Status::Pass, "recorded in supabase_migrations.schema_migrations", None),
            ],
            round_trips: 2,
            elapsed: std::time::Duration::from_millis(3),
            sizes: None,
        }
    }

    #[test]
    fn human() {
        insta::assert_snapshot!(render_human(&mixed()));
    }

    #[test]
    fn json() {
        let s = render_json(&mixed());
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec!["version", "ok", "database", "checks", "summary"];
        expected.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, expected);
        assert_eq!(v["checks"][0].as_object().unwrap().len(), 4);
        insta::assert_snapshot!(s);
    }

    #[test]
    fn markdown() {
        let md = render_markdown(&mixed());
        assert!(md.contains("a\\|b"));
        insta::assert_snapshot!(md);
    }

    /// 2,000 tables, each with its checks (exists, a column, RLS, a policy): what a big
    /// Supabase project's verify reports.
    fn tables(n: usize, failing: usize) -> VerifyReport {
        let mut checks_ = Vec::new();
        for i in 0..n {
            let t = format!("public.table_{i:04}");
            let st = |ok: bool| if ok { Status::Pass } else { Status::Fail };
            checks_.push(check(
                checks::TABLE_EXISTS,
                &t,
                Status::Pass,
                "table exists",
                Some(&t),
            ));
            checks_.push(check(
                checks::COLUMN_EXISTS,
                &format!("{t}.id"),
                Status::Pass,
                "column exists",
                Some(&t),
            ));
            checks_.push(check(checks::RLS_ENABLED, &t, st(i >= failing), if i >= failing { "row level security is on" } else { "row level security is off: the table is in an exposed schema, so the API roles read and write every row" }, Some(&t)));
            checks_.push(check(
                checks::POLICY_EXISTS,
                &format!("{t} policy \"owner reads\""),
                Status::Pass,
                "policy exists",
                Some(&t),
            ));
        }
        VerifyReport {
            database: "replay_1_supabase".into(),
            checks: checks_,
            round_trips: 2,
            elapsed: std::time::Duration::from_millis(3),
            sizes: None,
        }
    }

    /// Issue 29 item 4: 2,000 healthy tables were 1,384,200 characters of markdown; a
    /// pull-request comment holds 65,536. Passes are counted, not listed.
    #[test]
    fn markdown_at_2000_healthy_tables_fits_a_comment() {
        let md = render_markdown(&tables(2000, 0));
        assert!(md.len() < 60_000, "{}", md.len());
        insta::assert_snapshot!(md);
    }

    /// Failures first, as many as fit, then how many more and where the full report is.
    #[test]
    fn markdown_at_2000_failing_tables_fits_a_comment() {
        let md = render_markdown(&tables(2000, 2000));
        assert!(md.len() < 60_000, "{}", md.len());
        assert!(
            md.contains("| **fail** | `rls-enabled` | public.table_0000 |"),
            "{md}"
        );
        assert!(
            md.contains("more not listed (")
                && md.contains(
                    "failed, 0 warnings); `migcheck verify --format json` lists every check."
                ),
            "{}",
            &md[md.len() - 400..]
        );
        assert!(md.ends_with("6000 checks passed (not listed; `migcheck verify --format json` lists every check).\n"), "{}", &md[md.len() - 400..]);
    }

    #[test]
    fn healthy_and_empty() {
        let mut r = mixed();
        r.checks.retain(|c| c.status == Status::Pass);
        assert!(render_markdown(&r).contains("✅ **Healthy**"));
        assert!(render_human(&r).ends_with("ok: 4 checks: 4 passed, 0 failed, 0 warnings\n"));
        r.checks.clear();
        assert!(render_markdown(&r).contains("No checks ran."));
        assert_eq!(summary_line(&r), "0 checks: 0 passed, 0 failed, 0 warnings");
    }
}
