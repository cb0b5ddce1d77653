-- expect: delete-all-rows
delete from public.sessions;

-- An always-true condition deletes everything too.
-- expect: delete-all-rows
DELETE FROM sessions WHERE true;

-- expect: delete-all-rows
delete from sessions where 1 = 1;

-- A restricting WHERE is fine.
delete from sessions where expires_at < now() - interval '30 days';
delete from sessions where id in (select id from sessions order by id limit 1000);

-- A table created in this file is empty.
create table tmp_rows (id int);
alter table tmp_rows enable row level security;
create policy "none" on tmp_rows for select to service_role using (true);
delete from tmp_rows;

select 'delete from users';

do $$
begin
  -- expect: delete-all-rows
  delete from carts;
end
$$;

-- A data-modifying WITH runs to completion even when the outer query ignores its rows: moving
-- rows with `WITH moved AS (DELETE ... RETURNING *) INSERT ...` empties the table.
-- expect: delete-all-rows
with moved as (delete from public.carts returning *)
insert into public.carts_archive select * from moved;

-- expect: delete-all-rows
with gone as (delete from public.sessions returning id) select count(*) from gone;

-- A restricting WHERE inside the WITH is fine.
with old as (delete from public.sessions where expires_at < now() returning id) select 1;
