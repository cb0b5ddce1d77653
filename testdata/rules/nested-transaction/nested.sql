begin;
alter table public.orders add column note text;
-- expect: nested-transaction
begin;
update public.orders set note = '';
commit;
commit;

-- OK: sequential transactions.
begin;
select 1;
commit;
begin;
select 2;
commit;
