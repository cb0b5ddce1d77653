-- peer: django-pg-zero-downtime-migrations #3 CREATE TABLE
set lock_timeout = '2s';
create table public.invoices (id bigint generated always as identity primary key, account_id bigint not null);
alter table public.invoices enable row level security;
