-- peer: squawk adding-foreign-key-constraint
create table public.invoices (id bigint primary key, order_id bigint references public.orders (id));
alter table public.invoices enable row level security;
