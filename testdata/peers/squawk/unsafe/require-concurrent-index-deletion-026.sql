-- peer: squawk require-concurrent-index-deletion
-- catch: require-concurrent-index-drop
drop index public.accounts_email_idx;
