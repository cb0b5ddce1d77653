-- peer: django-pg-zero-downtime-migrations #26 ALTER TABLE DROP CONSTRAINT (UNIQUE)
-- also-reported: drop-object (migcheck reports a constraint that existed before this migration as non-additive on purpose: the running release may rely on it, e.g. ON CONFLICT on a unique key; the peer judges only the lock)
set lock_timeout = '2s';
alter table public.accounts drop constraint accounts_email_key;
