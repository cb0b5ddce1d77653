-- peer: squawk adding-required-field
alter table public.accounts add column plan text not null default 'free';
