use super::{Hits, Rule, RuleMeta, StatementCx};

pub struct UnparsedStatement;

static META: RuleMeta = rule_meta!(
    "unparsed-statement",
    Warning,
    Input,
    "A statement the SQL parser could not read (the fallback still checks it for non-additive forms)"
);

impl Rule for UnparsedStatement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some(unparsed) = &cx.stmt.unparsed else {
            return;
        };
        let reason = &unparsed.reason;
        match &unparsed.recognised {
            // Our own reader understood it: nothing to review.
            Some(crate::recognise::Reading::Valid(_)) => return,
            Some(crate::recognise::Reading::Invalid(why)) => {
                out.push(cx.hit(
                    format!("This statement will fail when applied: {why}"),
                    "Rewrite it as valid PostgreSQL (for a role: `DO $$ BEGIN CREATE ROLE r; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`, or a `SELECT` on `pg_roles` first), and run the migration against a scratch database (`migcheck replay`) before merging.",
                ));
                return;
            }
            None => {}
        }
        let recognised = if cx.stmt.effects.is_empty() {
            "only a token-level scan looked at it".to_string()
        } else {
            "a token-level scan still recognised what it changes".to_string()
        };
        // The leading words as written: the upper-cased `head` would shout identifiers.
        let text = cx.unit.source.slice(&cx.stmt.span);
        let lead = text
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        let lead = lead.trim_end_matches(';');
        out.push(cx.hit(
            format!(
                "migcheck could not parse this `{lead}` statement ({reason}); {recognised}, but rules that need the whole statement (locks, table rewrites) did not run on it"
            ),
            "Review this statement by hand; if it is valid PostgreSQL, allow it with `-- migcheck:allow unparsed-statement reason: ...` and report the parser gap.",
        ));
    }
}
