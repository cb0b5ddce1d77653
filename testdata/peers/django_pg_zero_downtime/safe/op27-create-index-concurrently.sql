-- peer: django-pg-zero-downtime-migrations #27 CREATE INDEX, its safe alternative
create index concurrently accounts_email_idx on public.accounts (email);
