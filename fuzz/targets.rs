//! The bodies of the fuzz targets, shared by `fuzz_targets/*.rs` (cargo-fuzz) and by
//! `crates/migcheck-core/tests/fuzz_seeds.rs`, which runs them over `fuzz/seeds/` in every
//! `cargo test`. Each one must return normally for any input: a panic, an abort (stack
//! overflow) or a hang is a bug.

use std::path::PathBuf;

use migcheck_core::lint::{check_sources, CheckOptions, Report};
use migcheck_core::render::{self, Format, RenderOptions};

/// Where the pieces of a `check` input go: a Supabase set, a Prisma set, a Flyway set.
const SQL_PATHS: &[&str] = &[
    "/fuzz/supabase/migrations/20240101000000_first.sql",
    "/fuzz/supabase/migrations/20240102000000_second.sql",
    "/fuzz/prisma/migrations/20240101000000_init/migration.sql",
    "/fuzz/db/migration/V1__init.sql",
];

/// Deployment files, by the first byte of a `deploy` input.
const DEPLOY_PATHS: &[&str] = &[
    "/fuzz/app/package.json",
    "/fuzz/app/fly.toml",
    "/fuzz/app/Procfile",
    "/fuzz/app/Dockerfile",
    "/fuzz/app/.github/workflows/deploy.yml",
    "/fuzz/app/render.yaml",
    "/fuzz/app/vercel.json",
    "/fuzz/app/railway.json",
    "/fuzz/app/railway.toml",
    "/fuzz/app/netlify.toml",
    "/fuzz/app/heroku.yml",
];

/// Checks that every finding's span lies inside its file on character boundaries, and that
/// every format renders.
fn assert_sane(report: &Report) {
    for f in &report.findings {
        let text = &f.file.text;
        assert!(
            f.span.start <= f.span.end && f.span.end <= text.len(),
            "{f:?}"
        );
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::Gitlab,
        Format::Junit,
    ] {
        let _ = render::render(format, report, RenderOptions::default());
    }
}

/// The whole `check` pipeline: the input, split at NUL bytes, is up to four migration files.
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let files: Vec<(PathBuf, String)> = text
        .split('\0')
        .zip(SQL_PATHS)
        .map(|(t, p)| (PathBuf::from(p), t.to_string()))
        .collect();
    assert_sane(&check_sources(&files, &CheckOptions::default()));
}

/// The splitter and parser on one file.
pub fn parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // As PostgreSQL's scanner splits it, and as psql does (plain SQL files).
    for client in [
        migcheck_core::split::Client::Server,
        migcheck_core::split::Client::Psql,
    ] {
        let parsed = migcheck_core::parse::parse_file_for(text, &[], client);
        let mut last = 0;
        for s in &parsed.statements {
            assert!(s.span.start <= s.span.end && s.span.end <= text.len());
            assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
            if !s.in_do_block {
                assert!(s.span.start >= last, "statements out of order");
                last = s.span.start;
            }
            let _ = s.tree(text);
        }
    }
}

/// One deployment file, its kind chosen by the first byte.
pub fn deploy(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let path = DEPLOY_PATHS[kind as usize % DEPLOY_PATHS.len()];
    let files = vec![(
        PathBuf::from(path),
        String::from_utf8_lossy(rest).into_owned(),
    )];
    assert_sane(&check_sources(&files, &CheckOptions::default()));
}
