//! Parse coverage on a directory of real migrations:
//! `cargo run --release -p migcheck-core --example parse_coverage -- ../shared/corpus`
//!
//! Prints the share of statements read (by sqlparser, or by our own per-family reader in
//! `recognise.rs`), the share only recognised by the token-level fallback (a non-additive or
//! schema-changing form found, the rest unread), the share left unread, and the unread ones by
//! construct (leading keywords) with the parser's most common reasons.

use std::collections::BTreeMap;
use std::path::PathBuf;

use migcheck_core::parse::parse_file;
use migcheck_core::recognise::Reading;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
    // `--show`: also print where each unread statement is, with its first line.
    let show = std::env::args().any(|a| a == "--show");
    let (mut files, mut total, mut parsed, mut ours, mut invalid, mut fallback, mut unread) =
        (0, 0, 0, 0, 0, 0, 0);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut families: BTreeMap<String, usize> = BTreeMap::new();
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
            if &*s.head == "DO" && s.unparsed.is_none() {
                // A DO block: its inner statements are counted on their own.
                continue;
            }
            total += 1;
            let recognised = s.unparsed.as_ref().and_then(|u| u.recognised.clone());
            match (s.unparsed.as_ref().map(|u| &u.reason), recognised) {
                (None, _) => parsed += 1,
                (Some(_), Some(Reading::Valid(f))) => {
                    ours += 1;
                    *families.entry(f.into_owned()).or_default() += 1;
                }
                (Some(_), Some(Reading::Invalid(_))) => invalid += 1,
                (Some(reason), None) => {
                    if show {
                        let first = text[s.span.clone()].lines().next().unwrap_or("");
                        eprintln!("{}: {first}", e.path().display());
                    }
                    if s.effects.is_empty() {
                        unread += 1;
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
    println!(
        "read by sqlparser                  {parsed:>6} ({:.2}%)",
        pct(parsed)
    );
    println!(
        "read by migcheck's own reader      {ours:>6} ({:.2}%)",
        pct(ours)
    );
    println!(
        "not valid PostgreSQL (will fail)   {invalid:>6} ({:.2}%)",
        pct(invalid)
    );
    println!(
        "unread, token reader recognised    {fallback:>6} ({:.2}%)",
        pct(fallback)
    );
    println!(
        "unread, nothing recognised         {unread:>6} ({:.2}%)",
        pct(unread)
    );
    println!(
        "left unread (unparsed-statement)   {:>6} ({:.2}%)",
        fallback + unread,
        pct(fallback + unread)
    );
    println!("\nread by migcheck's own reader, by family:");
    let mut families: Vec<_> = families.into_iter().collect();
    families.sort_by_key(|k| std::cmp::Reverse(k.1));
    for (k, n) in &families {
        println!("  {n:>5}  {k}");
    }
    println!("\nunread statements by construct (leading keywords):");
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    for (k, n) in kinds.iter().take(25) {
        println!("  {n:>5}  {k}");
    }
    println!("\nmost common parser reasons among the unread:");
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by_key(|k| std::cmp::Reverse(k.1));
    for (k, n) in reasons.iter().take(15) {
        println!("  {n:>5}  {k}");
    }
}
