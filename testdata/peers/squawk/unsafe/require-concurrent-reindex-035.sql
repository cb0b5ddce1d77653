-- peer: squawk require-concurrent-reindex
-- catch: table-rewrite-command
reindex index public.accounts_email_idx;
