-- A table created earlier in the same file can be dropped: nothing outside this migration
-- has seen it yet.
create table scratch (id int);
alter table scratch enable row level security;
drop table scratch;

create table "Staging" (id int);
alter table "Staging" enable row level security;
drop table if exists "Staging";

-- Text that merely mentions a drop.
comment on table public.notes is 'drop table notes; is never run';
select 'drop table users' as hint;
/* drop table users; */
-- drop table users;

-- A function body runs later, when called, not during the migration.
create function purge() returns void language plpgsql as $$
begin
  drop table users;
end
$$;

create function purge_sql() returns void language sql begin atomic
  delete from users where false;
end;

-- A reviewed drop with a reason is silenced.
-- migcheck:allow drop-table reason: replaced by events_v2 in release 41, unused since
drop table events;

-- OK: a temporary table of this session (never part of the schema), dropped when done.
create temporary table scratch_prices as select 1 as id;
drop table scratch_prices;
