select set_config('lock_timeout', '4s', true);
-- OK: set_config sets it.
alter table public.orders add column c text;
