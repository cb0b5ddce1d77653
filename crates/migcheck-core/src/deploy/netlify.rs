//! Netlify, `netlify.toml` (Netlify's "File-based configuration",
//! https://docs.netlify.com/configure-builds/file-based-configuration/): `[build] command`, run
//! on every build of every deploy context, and `[context.<name>] command`, which replaces it for
//! one context (`production`, `deploy-preview`, `branch-deploy`, `preview-server` or a branch
//! name; the `dev` context is `netlify dev`'s, not read). Builds get the
//! site's environment variables and run in `[build] base` ("the directory to change to before
//! starting a build", where the package.json is). `[dev] command` runs only on a developer's
//! machine (`netlify dev`) and is not read.

use super::tree;
use super::{file_name, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let root = tree::toml(ctx.file)?;
    let name = file_name(ctx.file);
    // "Directory to change to before starting a build": where the package.json is.
    ctx.set_workdir(
        root.get("build")
            .and_then(|(_, b)| b.get("base"))
            .and_then(|(_, v)| v.str()),
    );
    if let Some((key_at, value)) = root.get("build").and_then(|(_, b)| b.get("command")) {
        let place = Place {
            subject: format!("{name} build.command"),
            when: "every Netlify build".into(),
            fix: "keep only build steps such as `prisma generate` in the build command".into(),
            anchors: std::iter::once(key_at).chain(value.at()).collect(),
            scripts: Vec::new(),
        };
        tree::command(ctx, &place, value, out);
    }
    if let Some((_, contexts)) = root.get("context") {
        for (context, _, cfg) in contexts.entries() {
            // The `dev` context is `netlify dev` on a developer's machine.
            if context == "dev" {
                continue;
            }
            let Some((key_at, value)) = cfg.get("command") else {
                continue;
            };
            let place = Place {
                subject: format!("{name} context.{context}.command"),
                when: format!("every Netlify `{context}` build"),
                fix: "keep only build steps such as `prisma generate` in the build command".into(),
                anchors: std::iter::once(key_at).chain(value.at()).collect(),
                scripts: Vec::new(),
            };
            tree::command(ctx, &place, value, out);
        }
    }
    Ok(())
}
