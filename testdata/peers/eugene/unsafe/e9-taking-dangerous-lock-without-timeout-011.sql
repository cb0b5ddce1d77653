-- peer: eugene E9 taking_dangerous_lock_without_timeout
-- catch: lock-timeout-missing
lock table public.items in access exclusive mode;
