-- peer: squawk require-concurrent-index-creation
create index concurrently accounts_email_idx on public.accounts (email);
