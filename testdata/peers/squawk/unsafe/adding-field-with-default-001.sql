-- peer: squawk adding-field-with-default
-- catch: add-column-rewrites-table
alter table public.accounts add column token uuid default gen_random_uuid();
