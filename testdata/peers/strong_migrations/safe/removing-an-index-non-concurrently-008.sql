-- peer: strong_migrations removing an index non-concurrently
-- also-reported: drop-object (migcheck reports dropping an index that existed before as non-additive on purpose; the peer judges only the lock)
drop index concurrently public.users_email_idx;
