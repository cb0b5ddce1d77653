-- peer: django-pg-zero-downtime-migrations #7 ALTER TABLE ADD COLUMN
set lock_timeout = '2s';
alter table public.accounts add column nickname text;
