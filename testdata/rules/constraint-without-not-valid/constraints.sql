-- expect: constraint-without-not-valid
alter table public.orders add constraint orders_customer_fk foreign key (customer_id) references public.customers (id);

-- expect: constraint-without-not-valid
alter table orders add constraint orders_total_positive check (total >= 0);

-- OK: NOT VALID, then validated.
alter table public.orders add constraint orders_user_fk foreign key (user_id) references auth.users (id) not valid;
alter table public.orders validate constraint orders_user_fk;

-- OK: a table created in this file.
create table public.refunds (id bigint primary key, order_id bigint, amount numeric);
alter table public.refunds add constraint refunds_order_fk foreign key (order_id) references public.orders (id);
alter table public.refunds add constraint refunds_amount_positive check (amount > 0);
