-- A custom setting that ends in lock_timeout is not PostgreSQL's lock_timeout.
set app.lock_timeout = '5s';
-- expect: lock-timeout-missing
alter table public.orders add column a text;
