-- peer: squawk ban-concurrent-index-creation-in-transaction
-- catch: concurrently-in-transaction
begin;
create index concurrently orders_created_idx on public.orders (created_at);
commit;
