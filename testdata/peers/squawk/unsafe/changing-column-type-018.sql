-- peer: squawk changing-column-type
-- catch: column-type-change
alter table public.accounts alter column balance type bigint;
