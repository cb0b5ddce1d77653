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

/// One page, `migcheck(1)`. clap_mangen's default SUBCOMMANDS section refers to pages such as
/// `migcheck-check(1)` that are not generated; this one lists the commands in place and points
/// at `migcheck <command> --help`.
pub fn man() -> u8 {
    let cmd = Cli::command();
    let page = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    let rendered = (|| -> std::io::Result<()> {
        page.render_title(&mut out)?;
        page.render_name_section(&mut out)?;
        page.render_synopsis_section(&mut out)?;
        page.render_description_section(&mut out)?;
        page.render_options_section(&mut out)?;
        out.extend_from_slice(b".SH COMMANDS\n");
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            out.extend_from_slice(
                format!(
                    ".TP\n\\fB{}\\fR\n{}\n",
                    roff_text(sub.get_name()),
                    roff_text(&about)
                )
                .as_bytes(),
            );
        }
        out.extend_from_slice(
            b".PP\nEach command's options follow, one section per command (also \\fBmigcheck\\fR \\fIcommand\\fR \\fB--help\\fR).\n",
        );
        // Every option of every command, as `--help` shows it: one section per command,
        // rendered by clap_mangen from the same definitions and retitled.
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_arguments().next().is_some())
        {
            let mut section = Vec::new();
            clap_mangen::Man::new(sub.clone()).render_options_section(&mut section)?;
            let section = String::from_utf8_lossy(&section).replace(
                "\n.SH OPTIONS\n",
                &format!("\n.SH \"{} OPTIONS\"\n", sub.get_name().to_uppercase()),
            );
            out.extend_from_slice(section.as_bytes());
        }
        page.render_version_section(&mut out)?;
        Ok(())
    })();
    match rendered {
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

/// Text safe in a roff line: backslashes escaped, no leading control character.
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}
