set lock_timeout = '5s';
-- OK: lock_timeout is set.
alter table public.orders add column note text;
