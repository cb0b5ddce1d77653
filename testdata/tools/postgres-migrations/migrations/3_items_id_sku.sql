-- postgres-migrations disable-transaction
create index concurrently items_id_sku_idx on items (id, sku);
