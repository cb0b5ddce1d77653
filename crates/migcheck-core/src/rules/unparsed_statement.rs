use super::{Hit, Rule, RuleMeta, StatementCx};

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

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        let Some(reason) = &cx.stmt.unparsed else {
            return;
        };
        let recognised = if cx.stmt.effects.is_empty() {
            "only a token-level scan checked it".to_string()
        } else {
            "a token-level scan still checked it for non-additive changes".to_string()
        };
        out.push(cx.hit(
            format!(
                "migcheck could not parse this `{}` statement ({reason}); {recognised}, but locking and security rules did not run on it",
                cx.stmt.head
            ),
            "Review this statement by hand; if it is valid PostgreSQL, allow it with `-- migcheck:allow unparsed-statement reason: ...` and report the parser gap.",
        ));
    }
}
