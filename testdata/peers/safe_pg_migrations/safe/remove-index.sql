-- peer: safe-pg-migrations Safe remove_index, what it runs instead
-- also-reported: drop-object (migcheck reports dropping an index that existed before as non-additive on purpose; the peer judges only the lock)
drop index concurrently public.index_users_on_email;
