alter table public.items validate constraint items_sku_nn;
