create table public.posts (id int primary key);
alter table public.posts enable row level security;
create policy "read posts" on public.posts for select to authenticated using (true);
