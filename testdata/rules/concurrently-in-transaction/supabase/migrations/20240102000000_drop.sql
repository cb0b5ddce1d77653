set lock_timeout = '2s';

-- After another statement of the pipeline: "cannot be executed within a pipeline".
-- expect: concurrently-in-transaction
drop index concurrently if exists public.orders_customer_id_idx;

-- OK: REFRESH ... CONCURRENTLY may run in a transaction.
refresh materialized view concurrently public.order_totals;
