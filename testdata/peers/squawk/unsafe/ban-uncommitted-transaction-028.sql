-- peer: squawk ban-uncommitted-transaction
-- catch: transaction-not-committed
begin;
alter table public.accounts add column b text;
