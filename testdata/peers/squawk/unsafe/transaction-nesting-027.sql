-- peer: squawk transaction-nesting
-- catch: nested-transaction
begin;
begin;
alter table public.accounts add column a text;
commit;
commit;
