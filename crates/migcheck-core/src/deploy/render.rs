//! Render Blueprints, `render.yaml` (Render's "Blueprint YAML Reference",
//! https://render.com/docs/blueprint-spec): each entry of `services` may set `buildCommand`,
//! `preDeployCommand`, `startCommand` and, for Docker services, `dockerCommand`.
//!
//! Render's "Deploy steps" (https://render.com/docs/deploys) run, on every deploy, the build
//! command, then the pre-deploy command ("runs before each deploy of your service"), then the
//! start command; `dockerCommand` replaces the image's `CMD` at start. The service's environment
//! variables (a `fromDatabase` connection string included) are set for all of them, so each one
//! reaches the production database. A `type: cron` service runs its start command on its
//! `schedule`. The commands run in the service's `rootDir`, where its package.json is read.

use super::tree::{self, Node};
use super::{file_name, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let root = tree::yaml(ctx.file)?;
    let name = file_name(ctx.file);
    let Some((_, Node::Seq(services))) = root.get("services") else {
        return Ok(());
    };
    for (n, service) in services.iter().enumerate() {
        let service_name = service
            .get("name")
            .and_then(|(_, v)| v.str())
            .map_or_else(|| format!("{}", n + 1), str::to_string);
        let cron = service.get("type").and_then(|(_, v)| v.str()) == Some("cron");
        // The commands run in the service's `rootDir` (relative to the repository root, where
        // render.yaml is).
        ctx.set_workdir(service.get("rootDir").and_then(|(_, v)| v.str()));
        for key in [
            "buildCommand",
            "preDeployCommand",
            "startCommand",
            "dockerCommand",
        ] {
            let Some((key_at, value)) = service.get(key) else {
                continue;
            };
            let (when, fix) = match key {
                "buildCommand" => (
                    format!("every build of the `{service_name}` service"),
                    "keep only build steps such as `prisma generate` in `buildCommand`".to_string(),
                ),
                "preDeployCommand" => (
                    format!("every deploy of the `{service_name}` service"),
                    "remove it from `preDeployCommand`".to_string(),
                ),
                _ if cron => (
                    format!("every scheduled run of the `{service_name}` cron job"),
                    format!("remove it from `{key}`"),
                ),
                _ => (
                    format!("every start of the `{service_name}` service"),
                    format!("start the service without it (`{key}`)"),
                ),
            };
            let place = Place {
                subject: format!("{name} service `{service_name}` {key}"),
                when,
                fix,
                anchors: std::iter::once(key_at).chain(value.at()).collect(),
                scripts: Vec::new(),
            };
            tree::command(ctx, &place, value, out);
        }
    }
    Ok(())
}
