//! `replay` for real: throwaway servers, the example sets of `testdata/`.

use std::path::{Path, PathBuf};

use migcheck_core::finding::Finding;
use migcheck_core::LineCol;
use migcheck_pg::replay::{bin_dir, run_blocking, ReplayOptions};
use migcheck_pg::{checks, Status};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn at(f: &Finding) -> String {
    let name = f.file.path.file_name().unwrap().to_string_lossy();
    let LineCol { line, column } = f.start();
    format!("{} {name}:{line}:{column}", f.rule)
}

#[test]
fn hotdash_supabase_and_prisma() {
    let o = run_blocking(
        &[root().join("testdata/examples/hotdash")],
        &ReplayOptions::default(),
    )
    .expect("replay runs");
    let failed: Vec<&Finding> = o
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "replay-failed")
        .collect();
    assert_eq!(failed.len(), 1, "{:#?}", o.report.findings);
    assert_eq!(
        at(failed[0]),
        "replay-failed 20251022080000_tile_settings.sql:10:13"
    );
    assert!(
        failed[0]
            .message
            .contains(r#"relation "tile_setting" does not exist"#),
        "{}",
        failed[0].message
    );
    let lock = o
        .report
        .findings
        .iter()
        .find(|f| f.rule == "replay-lock" && f.message.contains("public.sales_pulse_actions"))
        .expect("lock on sales_pulse_actions");
    assert_eq!(at(lock), "replay-lock 20251021093000_tile_cleanup.sql:2:1");
    assert!(
        lock.message.contains("ACCESS EXCLUSIVE"),
        "{}",
        lock.message
    );
    assert!(
        lock.message.contains("blocks reads and writes"),
        "{}",
        lock.message
    );
    let rewrites: Vec<String> = o
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "replay-table-rewrite")
        .map(at)
        .collect();
    assert_eq!(
        rewrites,
        ["replay-table-rewrite 20251021093000_tile_cleanup.sql:8:1"]
    );

    let supabase = o.sets.iter().find(|s| s.tool.id() == "supabase").unwrap();
    assert_eq!((supabase.applied, supabase.files), (5, 6));
    assert!(supabase
        .stopped_at
        .as_deref()
        .unwrap()
        .ends_with("20251022080000_tile_settings.sql"));
    assert!(supabase.verify.is_none());

    let prisma = o.sets.iter().find(|s| s.tool.id() == "prisma").unwrap();
    assert_eq!((prisma.applied, prisma.files), (1, 1));
    let v = prisma.verify.as_ref().expect("verified");
    let session = v
        .checks
        .iter()
        .find(|c| c.check == checks::RLS_ENABLED && c.object == "public.\"Session\"")
        .expect("RLS check on Session");
    assert_eq!(session.status, Status::Fail);
    assert!(v
        .checks
        .iter()
        .any(|c| c.check == checks::MIGRATION_RECORDED && c.status == Status::Pass));
    assert!(o.failed());
    assert_ne!(supabase.database, prisma.database);
}

#[test]
fn fixtures_locks_rewrites_concurrently_plain() {
    let o = run_blocking(&[root().join("testdata/replay")], &ReplayOptions::default())
        .expect("replay runs");
    let found: Vec<String> = o.report.findings.iter().map(at).collect();
    assert_eq!(
        found,
        [
            // CREATE INDEX on an existing table: SHARE (writes wait). The ADD COLUMN's lock
            // is allowed by a directive.
            "replay-lock b_accounts_plan.sql:2:1",
            // The first ACCESS EXCLUSIVE on events; the type change to bigint rewrites it.
            "replay-lock 0002_widen.sql:2:1",
            "replay-table-rewrite 0002_widen.sql:4:1",
        ],
        "{:#?}",
        o.report.findings
    );
    assert!(o.report.findings[0]
        .message
        .contains("a SHARE lock on public.accounts"));
    assert!(o.report.findings[0]
        .message
        .contains("while the statement runs"));
    // CREATE INDEX CONCURRENTLY: outside a transaction, not flagged.
    assert!(!o
        .report
        .findings
        .iter()
        .any(|f| f.file.display.contains("concurrently")));
    for s in &o.sets {
        assert_eq!(s.applied, s.files, "{s:?}");
        assert!(s.verify.as_ref().unwrap().ok(), "{s:?}");
    }
    assert_eq!(o.sets.len(), 3);
    assert!(!o.failed());
}

#[test]
fn missing_binaries_say_how_to_install() {
    let e = bin_dir(Some(Path::new("/nonexistent/bin")), None).unwrap_err();
    assert!(e.to_string().contains("does not contain"), "{e}");
    let e = bin_dir(None, Some(99)).unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("/usr/lib/postgresql/99/bin"), "{shown}");
    assert!(shown.contains("install"), "{shown}");
}
