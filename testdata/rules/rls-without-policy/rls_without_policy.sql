-- A table the migrations never create may have policies made elsewhere: not judged.
alter table public.audit_log enable row level security;

create table public.invoices (id bigint primary key);
-- expect: rls-without-policy
alter table public.invoices enable row level security;

-- A policy anywhere in the set counts, before or after.
create table public.orders (id bigint primary key);
alter table public.orders enable row level security;
create policy "read orders" on public.orders for select to authenticated using (true);

create policy "read carts" on public.carts for select to authenticated using (true);
alter table public.carts enable row level security;

-- Dropping the only policy leaves the table locked again.
create table public.tokens (id bigint primary key);
-- expect: rls-without-policy
alter table public.tokens enable row level security;
create policy "read tokens" on public.tokens for select to authenticated using (true);
drop policy "read tokens" on public.tokens;

-- RLS disabled again later: nothing to lock out (but the table is open).
-- expect: missing-rls
create table public.logs (id bigint primary key);
alter table public.logs enable row level security;
-- expect: disable-rls
alter table public.logs disable row level security;
create policy "service only" on public.logs for all to service_role using (true);
