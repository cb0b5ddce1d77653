-- peer: eugene E9 taking_dangerous_lock_without_timeout
select set_config('lock_timeout', '2s', false);
alter table public.items add column color text;
