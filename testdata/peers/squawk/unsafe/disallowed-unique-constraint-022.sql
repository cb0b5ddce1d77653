-- peer: squawk disallowed-unique-constraint
-- catch: unique-constraint-without-index
alter table public.accounts add column handle text unique;
