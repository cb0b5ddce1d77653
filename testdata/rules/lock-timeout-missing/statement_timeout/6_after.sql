set lock_timeout = '5s';
-- expect: lock-timeout-missing
alter table public.orders add column note text;
-- Too late: the statement above already ran without it.
set statement_timeout = '30s';
alter table public.orders add column memo text;
