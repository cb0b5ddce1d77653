-- peer: django-pg-zero-downtime-migrations #20 ALTER TABLE DROP CONSTRAINT (CHECK)
-- also-reported: drop-object (migcheck reports a constraint that existed before this migration as non-additive on purpose: the running release may rely on it, e.g. ON CONFLICT on a unique key; the peer judges only the lock)
set lock_timeout = '2s';
alter table public.accounts drop constraint accounts_balance_check;
