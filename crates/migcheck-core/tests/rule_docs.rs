//! The crate's copy of the rule docs (`crates/migcheck-core/rules/`, shipped by `cargo package`)
//! must equal the top-level `rules/` that people read and edit (see build.rs).

use std::collections::BTreeMap;
use std::path::Path;

fn md_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn crate_copy_of_rule_docs_matches_top_level_rules() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let top = manifest.join("../../rules");
    if !top.is_dir() {
        return; // a packaged crate: only the copy exists
    }
    let (top, copy) = (md_files(&top), md_files(&manifest.join("rules")));
    let differ: Vec<&String> = top
        .keys()
        .chain(copy.keys())
        .filter(|k| top.get(*k) != copy.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "crates/migcheck-core/rules/ differs from rules/ for {differ:?}; \
         sync it with `scripts/sync-rule-docs.sh`"
    );
}
