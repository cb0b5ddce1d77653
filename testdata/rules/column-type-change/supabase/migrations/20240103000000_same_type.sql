-- OK for this rule: `integer` is already the column's type; clients see no change. (The USING
-- still rewrites the table: `table-rewrite-command` reports that.)
alter table public.accounts alter column build_count type integer using coalesce(build_count, 0);

-- A real change of type is still reported.
-- expect: column-type-change
alter table public.accounts alter column build_count type bigint;
