-- peer: squawk constraint-missing-not-valid
-- catch: validate-in-same-transaction
begin;
alter table public.accounts add constraint accounts_balance_pos check (balance >= 0) not valid;
alter table public.accounts validate constraint accounts_balance_pos;
commit;
