-- peer: eugene E9 taking_dangerous_lock_without_timeout
set local lock_timeout = '2s';
alter table public.items add column color text;
