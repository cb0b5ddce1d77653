-- peer: django-pg-zero-downtime-migrations #13 ALTER TABLE ALTER COLUMN SET NOT NULL
-- catch: set-not-null
alter table public.accounts alter column email set not null;
