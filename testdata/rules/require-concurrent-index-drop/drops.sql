-- expect: require-concurrent-index-drop
drop index public.orders_status_idx;

-- expect: require-concurrent-index-drop
drop index orders_a_idx, orders_b_idx;

-- `IF EXISTS` of an index no migration created: a lone file does not start from an empty
-- database, so the index may exist and the lock is real (issue 28 item 9; the set in
-- `prisma/` and `baseline/` show when it is a no-op).
-- expect: require-concurrent-index-drop
drop index if exists orders_c_idx;

-- expect: require-concurrent-index-drop
reindex index public.orders_customer_id_idx;

-- OK for this rule: REINDEX SYSTEM has no CONCURRENTLY form (table-rewrite-command reports it).
reindex system app;

-- OK: concurrently (the parser does not read this form; the check still does).
drop index concurrently if exists public.orders_old_idx;
reindex index concurrently public.orders_customer_id_idx;

-- OK: an index created in this same file.
create index concurrently orders_tmp_idx on public.orders (id);
drop index orders_tmp_idx;

-- OK: the word only appears in a string.
select 'drop index orders_status_idx';
