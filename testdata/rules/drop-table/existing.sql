-- Tables this file did not create existed before the migration: dropping them loses data.

-- expect: drop-table
drop table legacy_cache;

-- expect: drop-table
DROP TABLE IF EXISTS public.audit_log CASCADE;

-- Two tables in one statement: both reported on the same line.
-- expect: drop-table
drop table old_a, old_b;

-- Quoted names keep their case.
-- expect: drop-table
drop table "TileCache";

-- A created "Report" is not the unquoted report (which folds to lower case).
create table "Report" (id int);
alter table "Report" enable row level security;
create policy "read reports" on "Report" for select to authenticated using (true);
-- expect: drop-table
drop table report;

-- A DO block runs during the migration: the drop inside it happens.
do $$
begin
  if exists (select 1 from pg_tables where tablename = 'stale') then
    -- expect: drop-table
    drop table stale;
  end if;
end
$$;

-- The parser cannot read this (a typo'd option); the drop is still reported.
-- expect: drop-table, unparsed-statement
drop table sessions cascade please;
