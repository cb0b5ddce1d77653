create index concurrently carts_id_owner_idx on carts (id, owner);
analyze carts;
