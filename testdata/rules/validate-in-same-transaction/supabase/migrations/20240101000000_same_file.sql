alter table public.orders add constraint orders_total_positive check (total > 0) not valid;
-- expect: validate-in-same-transaction
alter table public.orders validate constraint orders_total_positive;

alter table public.orders add constraint orders_customer_fk
  foreign key (customer_id) references public.customers (id) not valid;
-- expect: validate-in-same-transaction
alter table public.orders validate constraint orders_customer_fk;
