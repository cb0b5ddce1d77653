create index concurrently carts_owner_id_idx on carts (owner, id);
analyze carts;
