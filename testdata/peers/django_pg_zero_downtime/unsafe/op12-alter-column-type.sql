-- peer: django-pg-zero-downtime-migrations #12 ALTER TABLE ALTER COLUMN TYPE
-- catch: column-type-change
alter table public.accounts alter column balance type bigint;
