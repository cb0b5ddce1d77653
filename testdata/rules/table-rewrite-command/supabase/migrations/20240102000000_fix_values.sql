-- Not a type change (the column is already `integer`), but USING rewrites every row.
-- expect: table-rewrite-command
alter table public.daily_stats alter column builds type int using coalesce(builds, 0);

-- OK: the same type without USING: PostgreSQL does nothing.
alter table public.daily_stats alter column ratio type numeric(5, 2);
