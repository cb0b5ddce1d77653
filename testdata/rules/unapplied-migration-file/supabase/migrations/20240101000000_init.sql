create table public.accounts (id bigint primary key);
alter table public.accounts enable row level security;
create policy "read accounts" on public.accounts for select to authenticated using (true);
