-- peer: django-pg-zero-downtime-migrations #21 ALTER TABLE ADD CONSTRAINT FOREIGN KEY
-- catch: constraint-without-not-valid
alter table public.orders add constraint orders_account_id_fkey foreign key (account_id) references public.accounts (id);
