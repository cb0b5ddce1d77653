-- The Supabase CLI wraps each file in a transaction.
-- expect: concurrently-in-transaction
create index concurrently orders_customer_id_idx on public.orders (customer_id);
