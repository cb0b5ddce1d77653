-- peer: django-pg-zero-downtime-migrations #11 ALTER TABLE ADD COLUMN UNIQUE
-- catch: unique-constraint-without-index, lock-timeout-missing
alter table public.accounts add column slug text unique;
