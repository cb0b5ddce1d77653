//! Parse coverage on a directory of real migrations:
//! `cargo run --release -p migcheck-core --example parse_coverage -- ../shared/corpus`
//!
//! Prints how many statements sqlparser reads, how many of the rest the token-level fallback
//! recognises (a non-additive or schema-changing form), how many stay unparsed, and the most
//! common leading keywords of the unparsed ones.

use std::collections::BTreeMap;
use std::path::PathBuf;

use migcheck_core::parse::parse_file;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
    let (mut files, mut total, mut parsed, mut fallback, mut unparsed) = (0, 0, 0, 0, 0);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let Ok(e) = e else { continue };
        if e.path().extension().is_none_or(|x| x != "sql") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        files += 1;
        for s in parse_file(&text).statements {
            if s.head == "DO" && s.unparsed.is_none() && s.ast.is_none() {
                // A DO block: its inner statements are counted on their own.
                continue;
            }
            total += 1;
            match &s.unparsed {
                None => parsed += 1,
                Some(reason) => {
                    if s.effects.is_empty() {
                        unparsed += 1;
                    } else {
                        fallback += 1;
                    }
                    let head: Vec<&str> = s.head.split(' ').take(2).collect();
                    *kinds.entry(head.join(" ")).or_default() += 1;
                    let short: String = reason.chars().take(60).collect();
                    *reasons.entry(short).or_default() += 1;
                }
            }
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    println!("files {files}, statements {total}");
    println!("parsed by sqlparser      {parsed:>6} ({:.1}%)", pct(parsed));
    println!(
        "unparsed, fallback found {fallback:>6} ({:.1}%)",
        pct(fallback)
    );
    println!(
        "unparsed, nothing found  {unparsed:>6} ({:.1}%)",
        pct(unparsed)
    );
    println!("\nunparsed statements by leading keywords:");
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    for (k, n) in kinds.iter().take(25) {
        println!("  {n:>5}  {k}");
    }
    println!("\nmost common parser reasons:");
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by_key(|k| std::cmp::Reverse(k.1));
    for (k, n) in reasons.iter().take(15) {
        println!("  {n:>5}  {k}");
    }
}
