-- peer: squawk renaming-table
-- catch: rename-table
alter table public.accounts rename to customers;
