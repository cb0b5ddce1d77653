-- Not a type change (the column is already `integer`), but USING rewrites every row.
-- expect: table-rewrite-command
alter table public.daily_stats alter column builds type int using coalesce(builds, 0);

-- OK: the same type without USING: PostgreSQL does nothing.
alter table public.daily_stats alter column ratio type numeric(5, 2);

-- A real type change in the same statement: `column-type-change` reports it, and says the table
-- is rewritten; not reported twice.
alter table public.daily_stats
  alter column builds type integer using coalesce(builds, 0),
  alter column ratio type numeric(4, 1);
