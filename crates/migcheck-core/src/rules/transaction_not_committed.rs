use super::transaction::{control, wrapping, Control};
use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct TransactionNotCommitted;

static META: RuleMeta = rule_meta!(
    "transaction-not-committed",
    Error,
    Hygiene,
    "BEGIN without a matching COMMIT in a file the tool does not wrap in a transaction"
);

impl Rule for TransactionNotCommitted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        // A tool that wraps the file commits its own transaction, which absorbs a stray BEGIN.
        if wrapping(cx.set, cx.unit).wraps_whole_file() {
            return;
        }
        let mut open = None;
        for s in &cx.unit.parsed.statements {
            match control(s) {
                Some(Control::Begin) if open.is_none() => open = Some(s),
                Some(Control::End) => open = None,
                _ => {}
            }
        }
        let Some(begin) = open else { return };
        out.push(Hit {
            fix: None,
            suggestion: None,
            file: cx.unit.source.clone(),
            span: begin.span.clone(),
            message: "This transaction is never committed: the file ends with it open, so when the session closes everything after the BEGIN is rolled back (or the tool's own bookkeeping runs inside it)".into(),
            help: "Add `COMMIT;` at the end of the file.".into(),
        });
    }
}
