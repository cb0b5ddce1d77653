-- peer: django-pg-zero-downtime-migrations #8 ALTER TABLE ADD COLUMN SET DEFAULT
-- out-of-scope: since PostgreSQL 11 a constant default is stored in the catalog and no row is written (ALTER TABLE, Notes); a volatile default is the rewrite add-column-rewrites-table reports
alter table public.accounts add column plan text default 'free';
