-- A directive without a reason is not honoured: the drop is still reported.
-- expect-next-line: invalid-allow
-- migcheck:allow drop-table
-- expect: drop-table
drop table legacy_cache;

-- An empty reason counts as none.
-- expect-next-line: invalid-allow
-- migcheck:allow truncate-table reason:
-- expect: truncate-table
truncate sessions;

-- An unknown rule id (a typo) silences nothing.
-- expect-next-line: invalid-allow
-- migcheck:allow drop-colum reason: unused since v3
-- expect: drop-column
alter table orders drop column note;

-- No rule at all.
-- expect-next-line: invalid-allow
-- migcheck:allow reason: trust me
-- expect: delete-all-rows
delete from carts;

-- A well-formed directive is fine.
-- migcheck:allow drop-table reason: replaced by events_v2 in release 41
drop table events;

-- So is a file-wide one.
-- migcheck:allow-file rename-column reason: the app reads through views that use the new names
alter table orders rename column ref to reference;

-- Mentioning migcheck:allowed in prose is not a directive.
select 1;
