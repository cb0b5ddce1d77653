alter table public.orders validate constraint orders_status_not_null;
-- Before PostgreSQL 12 the check constraint does not help.
-- expect: set-not-null
alter table public.orders alter column status set not null;
