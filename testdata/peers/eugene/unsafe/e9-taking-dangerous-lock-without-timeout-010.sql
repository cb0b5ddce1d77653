-- peer: eugene E9 taking_dangerous_lock_without_timeout
-- catch: lock-timeout-missing
alter table public.items add column color text;
