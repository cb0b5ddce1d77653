-- peer: strong_migrations adding a reference
-- catch: constraint-without-not-valid, lock-timeout-missing
-- (issue 28 item 1: a new column has only NULLs, so no row is scanned; what remains is ACCESS EXCLUSIVE on the table and SHARE ROW EXCLUSIVE on the referenced one, queued without a lock timeout)
alter table public.users add column team_id bigint references public.teams (id);
