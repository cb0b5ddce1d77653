-- expect: require-concurrent-index
create index orders_placed_at_idx on public.orders (placed_at);
