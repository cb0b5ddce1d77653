-- peer: django-pg-zero-downtime-migrations #13 SET NOT NULL, its replacement on PostgreSQL 12+ (a validated CHECK first)
set lock_timeout = '2s';
alter table public.accounts add constraint accounts_email_not_null check (email is not null) not valid;
alter table public.accounts validate constraint accounts_email_not_null;
alter table public.accounts alter column email set not null;
alter table public.accounts drop constraint accounts_email_not_null;
