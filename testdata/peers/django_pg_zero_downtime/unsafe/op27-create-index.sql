-- peer: django-pg-zero-downtime-migrations #27 CREATE INDEX
-- catch: require-concurrent-index
create index accounts_email_idx on public.accounts (email);
