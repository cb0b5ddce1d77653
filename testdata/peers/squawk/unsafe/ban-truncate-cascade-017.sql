-- peer: squawk ban-truncate-cascade
-- catch: truncate-table
truncate table public.accounts cascade;
