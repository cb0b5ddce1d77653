create table gadgets (id int);
alter table gadgets enable row level security;
create policy "read gadgets" on gadgets for select to authenticated using (true);
