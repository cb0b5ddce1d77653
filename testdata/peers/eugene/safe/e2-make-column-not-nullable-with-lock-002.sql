-- peer: eugene E2 make_column_not_nullable_with_lock
alter table public.items add constraint items_sku_nn check (sku is not null) not valid;
