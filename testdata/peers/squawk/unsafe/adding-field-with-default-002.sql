-- peer: squawk adding-field-with-default
-- catch: add-column-rewrites-table
alter table public.accounts add column code text default make_code();
