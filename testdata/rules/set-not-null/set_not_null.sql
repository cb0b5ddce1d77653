-- expect: set-not-null
alter table public.orders alter column currency set not null;

-- OK: proven by a validated check earlier in this file (PostgreSQL 12+ skips the scan).
alter table public.orders add constraint orders_status_not_null check (status is not null) not valid;
alter table public.orders validate constraint orders_status_not_null;
alter table public.orders alter column status set not null;

-- A validated constraint on another column proves nothing about this one.
alter table public.orders validate constraint orders_total_positive;
-- expect: set-not-null
alter table public.orders alter column note set not null;

-- OK: a valid CHECK (col IS NOT NULL) added without NOT VALID proves it too.
alter table public.orders add constraint orders_kind_nn check (kind is not null);
alter table public.orders alter column kind set not null;

-- OK: the column is added in this file.
alter table public.customers add column region text;
alter table public.customers alter column region set not null;
