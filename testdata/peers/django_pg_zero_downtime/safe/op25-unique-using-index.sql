-- peer: django-pg-zero-downtime-migrations #11/#25 UNIQUE, its safe alternative
set lock_timeout = '2s';
create unique index concurrently accounts_email_idx on public.accounts (email);
alter table public.accounts add constraint accounts_email_key unique using index accounts_email_idx;
