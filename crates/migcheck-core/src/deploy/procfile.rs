//! Procfile: `name: command` lines. Every process is read; `release` runs on each deploy.

use super::located::Located;
use super::{error_at, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let mut offset = 0;
    for raw in file.text.split_inclusive('\n') {
        let line_at = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = line.len() - trimmed.len();
        let Some((name, command)) = trimmed.split_once(':') else {
            return Err(error_at(
                file,
                line_at,
                "expected `<process>: <command>` in the Procfile",
            ));
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(error_at(
                file,
                line_at,
                format!("`{name}` is not a Procfile process name (letters, digits, `_` and `-`)"),
            ));
        }
        let cmd_at = line_at + lead + name.len() + 1;
        let located = Located::verbatim(command, cmd_at);
        let (when, fix) = if name == "release" {
            (
                "every release".to_string(),
                "keep only safe steps such as `prisma generate` in the release process".to_string(),
            )
        } else {
            (
                format!("every start of the `{name}` process"),
                format!("remove it from the `{name}` process"),
            )
        };
        let place = Place {
            subject: format!("Procfile process `{name}`"),
            when,
            fix,
            anchors: vec![line_at],
            scripts: Vec::new(),
        };
        let items = ctx.analyze(&located.text);
        ctx.report(&place, &items, &|r| located.span(r), out);
    }
    Ok(())
}
