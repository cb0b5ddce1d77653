create table public.payments (id bigint primary key, account_id uuid not null, amount numeric not null, paid_at timestamptz not null);
alter table public.payments enable row level security;
create policy "own payments" on public.payments for select to authenticated using (account_id = (select auth.uid()));

-- expect: materialized-view-or-foreign-table-in-api
create materialized view public.monthly_revenue as
  select account_id, date_trunc('month', paid_at) as month, sum(amount) as total
  from public.payments group by 1, 2;

-- Without a schema: the first of search_path, public.
-- expect: materialized-view-or-foreign-table-in-api
create materialized view daily_revenue as select paid_at::date as day, sum(amount) from public.payments group by 1;

-- expect: materialized-view-or-foreign-table-in-api
create foreign table public.legacy_orders (id bigint, total numeric) server legacy_db options (table_name 'orders');

-- OK: a schema the API does not expose.
create schema if not exists private;
create materialized view private.yearly_revenue as select date_trunc('year', paid_at) as year, sum(amount) from public.payments group by 1;
create foreign table private.legacy_customers (id bigint, name text) server legacy_db;

-- OK: a plain view (it can be made security_invoker; other rules look at it).
create view private.recent_payments with (security_invoker = true) as select * from public.payments where paid_at > now() - interval '7 days';
