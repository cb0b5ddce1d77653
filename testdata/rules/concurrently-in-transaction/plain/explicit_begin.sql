begin;
-- expect: concurrently-in-transaction
create index concurrently orders_status_idx on public.orders (status);
commit;

-- OK: after the COMMIT each statement runs on its own.
create index concurrently orders_created_idx on public.orders (created_at);
reindex index concurrently public.orders_created_idx;
