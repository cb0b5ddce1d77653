create table public.widgets (id bigint primary key);
alter table public.widgets enable row level security;
create policy "read widgets" on public.widgets for select to authenticated using (true);
