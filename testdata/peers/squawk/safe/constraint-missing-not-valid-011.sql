-- peer: squawk constraint-missing-not-valid
alter table public.accounts add constraint accounts_balance_pos check (balance >= 0) not valid;
