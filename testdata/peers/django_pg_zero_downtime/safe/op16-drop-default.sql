-- peer: django-pg-zero-downtime-migrations #16 ALTER TABLE ALTER COLUMN DROP DEFAULT
set lock_timeout = '2s';
alter table public.accounts alter column plan drop default;
