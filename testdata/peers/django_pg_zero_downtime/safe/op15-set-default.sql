-- peer: django-pg-zero-downtime-migrations #15 ALTER TABLE ALTER COLUMN SET DEFAULT
set lock_timeout = '2s';
alter table public.accounts alter column plan set default 'free';
