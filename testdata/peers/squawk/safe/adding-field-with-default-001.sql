-- peer: squawk adding-field-with-default
alter table public.accounts add column active boolean default true;
