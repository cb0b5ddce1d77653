-- peer: squawk prefer-robust-stmts
-- out-of-scope: re-runnability of a failed non-transactional migration: migcheck reports the transaction facts instead
create index concurrently accounts_nick_idx on public.accounts (nick);
