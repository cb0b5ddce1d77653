-- A function the migration creates and calls runs now, like a DO block: its statements count.
create function pg_temp_cleanup() returns void language plpgsql as $$
begin
  -- expect: drop-column
  alter table public.accounts drop column legacy_plan;
  -- expect: drop-column
  execute 'alter table public.accounts drop column legacy_seats';
end
$$;
select pg_temp_cleanup();
drop function pg_temp_cleanup();

-- Created but not called by the migration: its body runs later, when the application calls it.
create function public.archive_account(id bigint) returns void language plpgsql as $$
begin
  alter table public.accounts drop column archived_note;
end
$$;
