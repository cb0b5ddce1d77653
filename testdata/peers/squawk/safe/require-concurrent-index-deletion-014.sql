-- peer: squawk require-concurrent-index-deletion
-- also-reported: drop-object (migcheck reports dropping an index that existed before as non-additive on purpose: queries relying on it slow down and a unique index stops enforcing uniqueness; the peer judges only the lock)
drop index concurrently public.accounts_email_idx;
