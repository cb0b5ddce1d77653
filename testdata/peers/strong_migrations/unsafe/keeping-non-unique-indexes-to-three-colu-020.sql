-- peer: strong_migrations keeping non-unique indexes to three columns
-- out-of-scope: index design, not a lock or compatibility hazard
create index concurrently users_abcd_idx on public.users (a, b, c, d);
