-- peer: django-pg-zero-downtime-migrations #14 ALTER TABLE ALTER COLUMN DROP NOT NULL
set lock_timeout = '2s';
alter table public.accounts alter column nickname drop not null;
