-- peer: squawk adding-field-with-default
-- catch: add-column-rewrites-table
alter table public.accounts add column total numeric generated always as (price * qty) stored;
