-- peer: django-pg-zero-downtime-migrations #21 FOREIGN KEY, its safe alternative
set lock_timeout = '2s';
alter table public.orders add constraint orders_account_id_fkey foreign key (account_id) references public.accounts (id) not valid;
alter table public.orders validate constraint orders_account_id_fkey;
