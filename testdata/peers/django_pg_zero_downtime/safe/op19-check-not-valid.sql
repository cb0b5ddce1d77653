-- peer: django-pg-zero-downtime-migrations #19 CHECK, its safe alternative (NOT VALID, then VALIDATE; the backend runs no transaction)
set lock_timeout = '2s';
alter table public.accounts add constraint accounts_balance_check check (balance >= 0) not valid;
alter table public.accounts validate constraint accounts_balance_check;
