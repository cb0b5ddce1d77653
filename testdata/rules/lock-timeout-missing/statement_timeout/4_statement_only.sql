select set_config('statement_timeout', '30s', false);
-- expect: lock-timeout-missing
alter table public.orders add column note text;
