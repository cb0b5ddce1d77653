-- expect: lock-timeout-missing
alter table public.orders add column note text;
