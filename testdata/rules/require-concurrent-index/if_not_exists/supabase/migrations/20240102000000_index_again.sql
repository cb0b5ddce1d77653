-- The index exists (the previous migration built it): PostgreSQL skips the statement, so it
-- locks nothing and is not reported.
create index if not exists orders_placed_at_idx on public.orders (placed_at);

-- An index that does not exist yet is built here: reported.
-- expect: require-concurrent-index
create index if not exists orders_shipped_at_idx on public.orders (shipped_at);

