create index concurrently carts_owner_idx on carts (owner);
