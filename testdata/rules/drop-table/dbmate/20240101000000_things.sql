-- migrate:up
create table things (id int);
alter table things enable row level security;
create policy "read things" on things for select to authenticated using (true);
-- expect: drop-table
drop table old_things;

-- migrate:down
drop table things;
