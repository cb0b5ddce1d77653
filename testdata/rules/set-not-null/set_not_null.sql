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

-- OK: a constraint older than the set, validated just before, whose name says it is this
-- column's not-null check (its definition is not in the migrations).
alter table public.invoices validate constraint invoices_customer_id_not_null;
alter table public.invoices alter column customer_id set not null;

-- A constraint older than the set named like any CHECK on the column: it may pass NULLs.
alter table public.invoices validate constraint invoices_status_check;
-- expect: set-not-null
alter table public.invoices alter column status set not null;

-- OK: a validated CHECK whose AND-ed conditions include the column IS NOT NULL
-- (PostgreSQL's predicate_implied_by splits AND).
alter table public.invoices add constraint invoices_amount_valid
  check (amount > 0 and amount is not null) not valid;
alter table public.invoices validate constraint invoices_amount_valid;
alter table public.invoices alter column amount set not null;

-- An OR does not prove it.
alter table public.invoices add constraint invoices_due_valid
  check (due_at is not null or paid) not valid;
alter table public.invoices validate constraint invoices_due_valid;
-- expect: set-not-null
alter table public.invoices alter column due_at set not null;
