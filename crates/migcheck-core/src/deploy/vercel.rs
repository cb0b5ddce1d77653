//! Vercel, `vercel.json` (Vercel's "Project Configuration" reference,
//! https://vercel.com/docs/project-configuration): `buildCommand` and `installCommand` override
//! the project's Build and Install commands for deployments built from that commit
//! ("Conditional Build Commands", https://vercel.com/kb/guide/dynamic-build-commands: vercel.json
//! first, then the project settings, then the framework preset). Both run in the build step of
//! every deployment ("Builds", https://vercel.com/docs/builds), with the project's environment
//! variables.
//!
//! Without a `buildCommand`, Vercel runs the package.json `vercel-build` script, or else `build`
//! ("How can I add a custom build step", https://vercel.com/guides/how-can-i-add-a-custom-build-step-to-my-project):
//! those are package.json entry points already (see `package.rs`). `devCommand` runs only on a
//! developer's machine (`vercel dev`) and is not read.

use super::tree::{self, Node};
use super::{file_name, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let root = tree::json(ctx.file)?;
    let name = file_name(ctx.file);
    for (key, step) in [("installCommand", "install"), ("buildCommand", "build")] {
        let Some((key_at, value)) = root.get(key) else {
            continue;
        };
        if !matches!(value, Node::Str { .. }) {
            continue;
        }
        let place = Place {
            subject: format!("{name} {key}"),
            when: format!("every Vercel deployment ({step} step)"),
            fix: format!("keep only build steps such as `prisma generate` in `{key}`"),
            anchors: std::iter::once(key_at).chain(value.at()).collect(),
            scripts: Vec::new(),
        };
        tree::command(ctx, &place, value, out);
    }
    Ok(())
}
