-- peer: eugene E9 taking_dangerous_lock_without_timeout
-- catch: lock-timeout-missing
set lock_timeout = 0;
alter table public.items add column shade text;
