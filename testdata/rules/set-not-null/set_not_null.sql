-- expect: set-not-null
alter table public.orders alter column currency set not null;

-- OK: proven by a validated check earlier in this file (PostgreSQL 12+ skips the scan).
alter table public.orders validate constraint orders_status_not_null;
alter table public.orders alter column status set not null;

-- OK: the column is added in this file.
alter table public.customers add column region text;
alter table public.customers alter column region set not null;
