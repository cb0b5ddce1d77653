//! `cargo migcheck ...`: cargo runs `cargo-migcheck migcheck ...`; drop the extra word and run
//! the real binary next to this one.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "migcheck") {
        args.remove(0);
    }
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| {
            p.parent()
                .map(|d| d.join(format!("migcheck{}", std::env::consts::EXE_SUFFIX)))
        })
        .filter(|p| p.exists())
        .unwrap_or_else(|| "migcheck".into());
    match Command::new(&exe).args(&args).status() {
        Ok(s) => ExitCode::from(s.code().map_or(2, |c| c as u8)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", exe.display());
            ExitCode::from(2)
        }
    }
}
