-- peer: eugene E6 new_index_on_existing_table_is_nonconcurrent
-- catch: require-concurrent-index
create unique index items_sku_idx on public.items (sku);
