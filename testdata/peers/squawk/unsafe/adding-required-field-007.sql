-- peer: squawk adding-required-field
-- catch: add-column-not-null-without-default
alter table public.accounts add column plan text not null;
