alter table public.orders enable row level security;
create policy "read own orders" on public.orders for select to authenticated using (true);
alter table public.refunds enable row level security;
