set lock_timeout = '5s';
set local statement_timeout to '30s';
-- OK: both are set.
alter table public.orders add column note text;
