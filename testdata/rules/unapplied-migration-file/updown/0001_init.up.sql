create table public.tags (id int primary key);
alter table public.tags enable row level security;
create policy "read tags" on public.tags for select to authenticated using (true);
