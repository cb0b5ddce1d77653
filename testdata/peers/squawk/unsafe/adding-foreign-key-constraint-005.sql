-- peer: squawk adding-foreign-key-constraint
-- catch: constraint-without-not-valid
alter table public.orders add column account_id bigint references public.accounts (id);
