-- The plain form takes ACCESS EXCLUSIVE on the partitioned table.
-- expect: lock-timeout-missing
alter table public.events detach partition public.events_2023;
