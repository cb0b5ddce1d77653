create table "Session" (id text primary key);
alter table "Session" enable row level security;
create policy "own sessions" on "Session" for all to authenticated using (true);
