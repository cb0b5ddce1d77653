-- peer: squawk adding-not-nullable-field
-- catch: set-not-null
alter table public.accounts alter column email set not null;
