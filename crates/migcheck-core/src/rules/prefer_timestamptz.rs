use sqlparser::ast::{DataType, TimezoneInfo};

use super::sql::columns_of_type;
use super::{Hits, Rule, RuleMeta, StatementCx};

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

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some(columns) = columns_of_type(cx, without_time_zone) else {
            return;
        };
        let hit = cx.hit(
            format!(
                "{columns} `timestamp without time zone`, which stores a wall-clock time with no zone: the same instant reads differently depending on the session's TimeZone, and values shift when clients or servers change zones",
            ),
            "Declare the column as `timestamptz` (it stores an absolute instant; it does not store the zone either, and costs the same 8 bytes).",
        );
        out.push(hit.with_fix(super::sql::retype_fix(cx, "TIMESTAMP", "timestamptz", without_time_zone)));
    }
}

fn without_time_zone(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone)
    )
}
