alter table public.orders add constraint orders_qty_positive check (qty > 0) not valid;
