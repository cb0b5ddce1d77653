-- peer: django-pg-zero-downtime-migrations #17 ALTER TABLE DROP COLUMN
-- also-reported: drop-column (migcheck reports a column the running release may still read on purpose; the peer judges only the lock)
set lock_timeout = '2s';
alter table public.accounts drop column nickname;
