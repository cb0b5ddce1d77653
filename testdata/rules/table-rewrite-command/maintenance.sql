-- expect: table-rewrite-command
vacuum full public.events;

-- expect: table-rewrite-command
VACUUM (FULL, ANALYZE) public.events;

-- expect: table-rewrite-command
cluster public.events using events_created_at_idx;

-- expect: table-rewrite-command
reindex index public.events_created_at_idx;

-- expect: table-rewrite-command
REINDEX (CONCURRENTLY false) INDEX public.events_created_at_idx;

-- expect: table-rewrite-command
reindex table public.events;

-- REINDEX SYSTEM has no concurrent form: reported without advising one.
-- expect: table-rewrite-command
reindex system app;

-- OK: no blocking lock.
vacuum public.events;
vacuum (analyze, verbose) public.events;
analyze public.events;
reindex index concurrently public.events_created_at_idx;
REINDEX (CONCURRENTLY) TABLE public.events;
