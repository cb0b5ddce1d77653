use sqlparser::ast::{DataType, TimezoneInfo};

use super::sql::columns_of_type;
use super::{Hit, Rule, RuleMeta, StatementCx};

pub struct PreferTimestamptz;

static META: RuleMeta = rule_meta!(
    "prefer-timestamptz",
    Warning,
    Hygiene,
    "A column declared as `timestamp` (without time zone) instead of `timestamptz`",
    offers: Fix
);

impl Rule for PreferTimestamptz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        let Some(columns) = columns_of_type(cx, without_time_zone) else {
            return;
        };
        let hit = cx.hit(
            format!(
                "{columns} `timestamp without time zone`, which stores a wall-clock time with no zone: the same instant reads differently depending on the session's TimeZone, and values shift when clients or servers change zones",
            ),
            "Declare the column as `timestamptz` (it stores an absolute instant; it does not store the zone either, and costs the same 8 bytes).",
        );
        out.push(hit.with_fix(fix(cx)));
    }
}

fn without_time_zone(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone)
    )
}

/// The fix: `timestamptz` for every `timestamp` column type the statement writes, when it creates the
/// table or adds the columns to a table created in this same file (no rows to convert) and
/// names no other `timestamp` (a cast or default) that could change meaning.
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
        .filter(|(_, t)| without_time_zone(super::sql::element_type(t)))
        .count();
    let found = crate::fix::column_type_words(&cx.unit.source.text, cx.stmt.span.clone(), "TIMESTAMP")?;
    if found.len() != bad || bad == 0 {
        return None;
    }
    let mut edits = Vec::new();
    for (word, tail) in found {
        edits.push(crate::fix::Edit {
            start: word.start,
            end: word.end,
            replacement: "timestamptz".into(),
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
        title: "Declare the column(s) as `timestamptz`".into(),
        edits,
    })
}
