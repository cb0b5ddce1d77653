-- peer: eugene E7 new_unique_constraint_created_index
-- catch: unique-constraint-without-index
alter table public.items add constraint items_sku_key unique (sku);
