-- expect: transaction-not-committed
begin;
alter table public.orders add column note text;
