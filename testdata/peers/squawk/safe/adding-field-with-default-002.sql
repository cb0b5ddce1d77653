-- peer: squawk adding-field-with-default
alter table public.accounts add column created_at timestamptz default now();
