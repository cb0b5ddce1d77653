//! Railway config as code, `railway.json` and `railway.toml` (Railway's "Config as Code"
//! reference, https://docs.railway.com/config-as-code/reference): `build.buildCommand`,
//! `deploy.preDeployCommand` and `deploy.startCommand`, and the same keys under
//! `environments.<name>`, which override them for that environment. The file's values override
//! the dashboard's for every deployment.
//!
//! Railway runs the build command when it builds the image, the pre-deploy command in a
//! container of the new image before the deployment goes live, and the start command in each
//! replica ("Build and Start Commands", https://docs.railway.com/reference/build-and-start-commands);
//! with `deploy.cronSchedule` set, the start command runs on the schedule instead. Each has the
//! service's variables (its `DATABASE_URL` included). `preDeployCommand` is a list of commands.

use super::tree::{self, Node};
use super::{file_name, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let json = ctx
        .file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let root = if json {
        tree::json(ctx.file)?
    } else {
        tree::toml(ctx.file)?
    };
    let name = file_name(ctx.file);
    config(ctx, &name, "", &root, out);
    if let Some((_, envs)) = root.get("environments") {
        for (env, _, cfg) in envs.entries() {
            config(ctx, &name, &format!("environments.{env}."), cfg, out);
        }
    }
    Ok(())
}

/// One configuration: the root, or one environment's overrides.
fn config(ctx: &mut Ctx<'_>, name: &str, prefix: &str, cfg: &Node, out: &mut Vec<Hit>) {
    let cron = cfg
        .get("deploy")
        .and_then(|(_, d)| d.get("cronSchedule"))
        .and_then(|(_, v)| v.str())
        .is_some_and(|s| !s.trim().is_empty());
    for (section, key) in [
        ("build", "buildCommand"),
        ("deploy", "preDeployCommand"),
        ("deploy", "startCommand"),
    ] {
        let Some((key_at, value)) = cfg.get(section).and_then(|(_, s)| s.get(key)) else {
            continue;
        };
        let (when, fix) = match key {
            "buildCommand" => (
                "every Railway build".to_string(),
                "keep only build steps such as `prisma generate` in `buildCommand`".to_string(),
            ),
            "preDeployCommand" => (
                "every Railway deploy".to_string(),
                "remove it from `preDeployCommand`".to_string(),
            ),
            _ if cron => (
                "every scheduled run of the service".to_string(),
                "remove it from `startCommand`".to_string(),
            ),
            _ => (
                "every start of the service".to_string(),
                "start the service without it (`startCommand`)".to_string(),
            ),
        };
        let place = Place {
            subject: format!("{name} {prefix}{section}.{key}"),
            when,
            fix,
            anchors: std::iter::once(key_at).chain(value.at()).collect(),
            scripts: Vec::new(),
        };
        tree::command(ctx, &place, value, out);
    }
}
