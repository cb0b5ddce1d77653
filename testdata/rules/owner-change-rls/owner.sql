create table public.invoices (id bigint primary key);
-- OK: RLS not enabled yet.
alter table public.invoices owner to billing_service;
alter table public.invoices enable row level security;
-- expect: owner-change-rls
alter table public.invoices owner to reporting;
-- OK: the usual Supabase owner.
alter table public.invoices owner to postgres;

create table public.ledger (id bigint primary key);
alter table public.ledger enable row level security;
alter table public.ledger force row level security;
-- OK: forced, so the owner obeys the policies.
alter table public.ledger owner to billing_service;
