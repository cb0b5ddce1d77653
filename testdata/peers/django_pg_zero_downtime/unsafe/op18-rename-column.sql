-- peer: django-pg-zero-downtime-migrations #18 ALTER TABLE RENAME COLUMN
-- catch: rename-column
alter table public.accounts rename column email to email_address;
