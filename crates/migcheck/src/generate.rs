//! Shell completions and the man page, generated from the clap definitions in `cli.rs`.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::{emit, CLEAN, TROUBLE};

pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "migcheck", &mut out);
    emit(&String::from_utf8_lossy(&out));
    CLEAN
}

pub fn man() -> u8 {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => {
            emit(&String::from_utf8_lossy(&out));
            CLEAN
        }
        Err(e) => {
            eprintln!("error: cannot render the man page: {e}");
            TROUBLE
        }
    }
}
