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
