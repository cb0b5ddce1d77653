-- peer: squawk require-concurrent-reindex
reindex index concurrently public.accounts_email_idx;
