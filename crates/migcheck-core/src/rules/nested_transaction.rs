use super::transaction::{control, Control};
use super::{FileCx, Hit, Hits, Rule, RuleMeta};

pub struct NestedTransaction;

static META: RuleMeta = rule_meta!(
    "nested-transaction",
    Warning,
    Hygiene,
    "BEGIN while a transaction opened by an earlier BEGIN in the file is still open"
);

impl Rule for NestedTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx<'_>, out: &mut Hits<'_>) {
        let mut open: Option<usize> = None;
        for s in &cx.unit.parsed.statements {
            match control(s) {
                Some(Control::Begin) => {
                    if let Some(outer) = open {
                        let line = cx.unit.source.line_col(outer).line;
                        out.push(Hit {
                            fix: None,
                            suggestion: None,
                            file: cx.unit.source.clone(),
                            span: s.span.clone(),
                            message: format!(
                                "PostgreSQL has no nested transactions: this BEGIN is ignored (with a warning) because the one on line {line} is still open, and the first COMMIT ends both, so what follows it runs outside a transaction"
                            ),
                            help: "Remove the inner BEGIN and its COMMIT, or use SAVEPOINT for a nested unit of work.".into(),
                        });
                    } else {
                        open = Some(s.span.start);
                    }
                }
                Some(Control::End) => open = None,
                None => {}
            }
        }
    }
}
