-- peer: django-pg-zero-downtime-migrations #10 ALTER TABLE ADD COLUMN PRIMARY KEY
-- catch: unique-constraint-without-index, add-column-rewrites-table, lock-timeout-missing
alter table public.events add column id bigint primary key;
