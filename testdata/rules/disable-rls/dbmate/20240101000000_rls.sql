-- migrate:up
alter table public.carts enable row level security;
create policy "own carts" on public.carts for all to authenticated using (true);

-- migrate:down
drop policy "own carts" on public.carts;
alter table public.carts disable row level security;
