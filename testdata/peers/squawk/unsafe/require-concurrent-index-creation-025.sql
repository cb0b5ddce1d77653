-- peer: squawk require-concurrent-index-creation
-- catch: require-concurrent-index
create index accounts_email_idx on public.accounts (email);
