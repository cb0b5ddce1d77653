use sqlparser::ast::DataType;

use super::sql::columns_of_type;
use super::{Hit, Rule, RuleMeta, StatementCx};

pub struct PreferJsonb;

static META: RuleMeta = rule_meta!(
    "prefer-jsonb",
    Warning,
    Hygiene,
    "A column declared as `json` instead of `jsonb`",
    offers: Fix
);

impl Rule for PreferJsonb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        let Some(columns) = columns_of_type(cx, |t| matches!(t, DataType::JSON)) else {
            return;
        };
        let hit = cx.hit(
            format!(
                "{columns} `json`, which stores the text as written and re-parses it on every access; it has no equality operator, so `DISTINCT`, `GROUP BY` and unique indexes fail on it",
            ),
            "Declare the column as `jsonb` (unless you must keep key order, duplicate keys or exact whitespace).",
        );
        out.push(hit.with_fix(fix(cx)));
    }
}

/// The fix: `jsonb` for every `json` column type the statement writes, when it creates the
/// table or adds the columns to a table created in this same file (no rows to convert) and
/// names no other `json` (a cast or default) that could change meaning.
fn fix(cx: &StatementCx<'_>) -> Option<crate::fix::Fix> {
    use sqlparser::ast::Statement as Ast;
    if cx.stmt.in_do_block {
        return None;
    }
    let stmt = cx.stmt.ast.as_deref()?;
    match stmt {
        Ast::CreateTable(_) => {}
        Ast::AlterTable(at) if cx.table_is_new(&crate::extract::qual(&at.name)) => {}
        _ => return None,
    }
    let bad = super::sql::declared_columns(stmt)
        .into_iter()
        .filter(|(_, t)| matches!(super::sql::element_type(t), DataType::JSON))
        .count();
    let found = crate::fix::column_type_words(&cx.unit.source.text, cx.stmt.span.clone(), "JSON")?;
    if found.len() != bad || bad == 0 {
        return None;
    }
    let mut edits = Vec::new();
    for (word, tail) in found {
        edits.push(crate::fix::Edit {
            start: word.start,
            end: word.end,
            replacement: "jsonb".into(),
        });
        if !tail.is_empty() {
            edits.push(crate::fix::Edit {
                start: tail.start,
                end: tail.end,
                replacement: String::new(),
            });
        }
    }
    Some(crate::fix::Fix {
        title: "Declare the column(s) as `jsonb`".into(),
        edits,
    })
}
