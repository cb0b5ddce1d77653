-- peer: django-pg-zero-downtime-migrations #9 ALTER TABLE ADD COLUMN SET NOT NULL
-- catch: add-column-not-null-without-default
alter table public.accounts add column plan text not null;
