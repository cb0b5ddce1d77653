create table public.cache (id bigint primary key, body text);
alter table public.cache enable row level security;
create policy "read" on public.cache for select to anon using (true);
