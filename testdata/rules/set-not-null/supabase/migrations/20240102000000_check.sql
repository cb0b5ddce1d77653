alter table public.items add constraint items_sku_nn check (sku is not null) not valid;
