//! Heroku, `heroku.yml` (Heroku's "Building Docker Images with heroku.yml",
//! https://devcenter.heroku.com/articles/build-docker-images-heroku-yml, and the changelog entry
//! "heroku.yml manifest now supports release phase", https://devcenter.heroku.com/changelog-items/1390):
//! `release.command` runs in the release phase of every deploy ("running database schema
//! migrations" is the changelog's own example), and each process of `run` (`web: …`, or
//! `web: command: […]`) on every dyno start, as in a Procfile.
//!
//! `app.json` is not read: its `scripts.postdeploy` runs once, after an app is first created
//! from it (review apps, the Heroku Button), against that new app's own add-on database
//! ("app.json Schema", https://devcenter.heroku.com/articles/app-json-schema).

use super::tree::{self, Node};
use super::{file_name, Ctx, DeployError, Hit, Place};

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let root = tree::yaml(ctx.file)?;
    let name = file_name(ctx.file);
    if let Some((key_at, value)) = root.get("release").and_then(|(_, r)| r.get("command")) {
        let place = Place {
            subject: format!("{name} release.command"),
            when: "every release".into(),
            fix: "keep only safe steps such as `prisma generate` in the release phase".into(),
            anchors: std::iter::once(key_at).chain(value.at()).collect(),
            scripts: Vec::new(),
        };
        tree::command(ctx, &place, value, out);
    }
    if let Some((_, run)) = root.get("run") {
        for (process, process_at, cfg) in run.entries() {
            let (key_at, value) = match cfg {
                Node::Map(_) => match cfg.get("command") {
                    Some(c) => c,
                    None => continue,
                },
                _ => (process_at, cfg),
            };
            let place = Place {
                subject: format!("{name} process `{process}`"),
                when: format!("every start of the `{process}` process"),
                fix: format!("remove it from the `{process}` process"),
                anchors: vec![process_at, key_at],
                scripts: Vec::new(),
            };
            tree::command(ctx, &place, value, out);
        }
    }
    Ok(())
}
