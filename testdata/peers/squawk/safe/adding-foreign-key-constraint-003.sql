-- peer: squawk adding-foreign-key-constraint
alter table public.orders add constraint orders_account_fk foreign key (account_id) references public.accounts (id) not valid;
