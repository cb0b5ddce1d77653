-- peer: squawk constraint-missing-not-valid
-- catch: constraint-without-not-valid
alter table public.accounts add constraint accounts_balance_pos check (balance >= 0);
