-- peer: eugene E7 new_unique_constraint_created_index
alter table public.items add constraint items_sku_key unique using index items_sku_idx;
