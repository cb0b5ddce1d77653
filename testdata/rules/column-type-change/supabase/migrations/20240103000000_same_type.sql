alter table public.accounts rename column build_count to builds_android;

-- OK for this rule: `integer` is already the column's type (declared before the rename); clients see no change. (The USING
-- still rewrites the table: `table-rewrite-command` reports that.)
alter table public.accounts alter column builds_android type integer using coalesce(builds_android, 0);

-- A real change of type is still reported.
-- expect: column-type-change
alter table public.accounts alter column builds_android type bigint;
