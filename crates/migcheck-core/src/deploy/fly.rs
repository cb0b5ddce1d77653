//! fly.toml and fly.*.toml: `[deploy] release_command`, `[processes]`, `[experimental] cmd` and
//! `entrypoint`. Services and checks do not run commands and are not read.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::located::toml_string;
use super::{error_at, file_name, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let root = DeTable::parse(&file.text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        error_at(file, at, format!("invalid TOML: {}", e.message().trim()))
    })?;
    let name = file_name(file);
    let root = root.get_ref();
    let table = |key: &str| root.get(key).and_then(|v| v.get_ref().as_table());

    if let Some(deploy) = table("deploy") {
        if let Some((k, v)) = deploy.get_key_value("release_command") {
            let place = Place {
                subject: format!("{name} release_command"),
                when: "every deploy".into(),
                fix: "keep only `prisma generate` in the release command".into(),
                anchors: vec![k.span().start, v.span().start],
                scripts: Vec::new(),
            };
            command_value(ctx, &place, v, out);
        }
    }
    if let Some(processes) = table("processes") {
        for (k, v) in processes.iter() {
            let place = Place {
                subject: format!("{name} process `{}`", k.get_ref()),
                when: format!("every start of the `{}` machines", k.get_ref()),
                fix: "start the process without it".into(),
                anchors: vec![k.span().start, v.span().start],
                scripts: Vec::new(),
            };
            command_value(ctx, &place, v, out);
        }
    }
    if let Some(experimental) = table("experimental") {
        for key in ["cmd", "entrypoint"] {
            if let Some((k, v)) = experimental.get_key_value(key) {
                let place = Place {
                    subject: format!("{name} experimental.{key}"),
                    when: "every machine start".into(),
                    fix: format!("remove it from `experimental.{key}`"),
                    anchors: vec![k.span().start, v.span().start],
                    scripts: Vec::new(),
                };
                command_value(ctx, &place, v, out);
            }
        }
    }
    Ok(())
}

/// A command given as a string (a shell line) or an array of strings (exec form).
fn command_value(ctx: &mut Ctx<'_>, place: &Place, v: &Spanned<DeValue<'_>>, out: &mut Vec<Hit>) {
    let text = &ctx.file.text;
    match v.get_ref() {
        DeValue::String(s) => {
            let located = toml_string(text, v.span(), s);
            let items = ctx.analyze(&located.text);
            ctx.report(place, &items, &|r| located.span(r), out);
        }
        DeValue::Array(a) => {
            let words: Option<Vec<String>> = a
                .iter()
                .map(|e| e.get_ref().as_str().map(str::to_string))
                .collect();
            let Some(words) = words else { return };
            let span = match (a.first(), a.last()) {
                (Some(f), Some(l)) => f.span().start..l.span().end,
                _ => v.span(),
            };
            let items = ctx.analyze_words(&words, span);
            ctx.report(place, &items, &|r| r, out);
        }
        _ => {}
    }
}
