-- peer: safe-pg-migrations Lock timeout (DDL under ACCESS EXCLUSIVE queued behind a long transaction)
-- catch: lock-timeout-missing
alter table public.users add column admin boolean;
