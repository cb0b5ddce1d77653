-- peer: squawk ban-concurrent-index-creation-in-transaction
create index concurrently orders_created_idx on public.orders (created_at);
