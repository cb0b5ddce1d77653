-- peer: django-pg-zero-downtime-migrations #25 ALTER TABLE ADD CONSTRAINT UNIQUE
-- catch: unique-constraint-without-index
alter table public.accounts add constraint accounts_email_key unique (email);
