-- peer: django-pg-zero-downtime-migrations #5 ALTER TABLE RENAME TO
-- catch: rename-table
alter table public.accounts rename to customers;
