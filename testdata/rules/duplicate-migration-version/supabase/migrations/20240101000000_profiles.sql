-- expect-file: duplicate-migration-version
-- Two branches picked the same timestamp.
create table public.profiles (id bigint primary key);
alter table public.profiles enable row level security;
create policy "read profiles" on public.profiles for select to authenticated using (true);
