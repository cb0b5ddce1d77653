//! Where the rule docs that `rules::rule_meta!` embeds come from.
//!
//! The repository's top-level `rules/` is the source people browse and edit. A published crate
//! cannot reach outside its own directory, so `crates/migcheck-core/rules/` holds a copy that
//! `cargo package` ships. In the workspace the top-level folder is embedded (a new or edited
//! rule page is used at once); in a packaged crate, where it does not exist, the copy is.
//! `tests/rule_docs.rs` fails when the two differ and says how to sync them.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let top = manifest.join("../../rules");
    let dir = if top.join("drop-table.md").is_file() {
        top
    } else {
        manifest.join("rules")
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rustc-env=MIGCHECK_RULE_DOCS={}", dir.display());
}
