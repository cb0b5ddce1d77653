create index concurrently items_sku_idx on items (sku);
