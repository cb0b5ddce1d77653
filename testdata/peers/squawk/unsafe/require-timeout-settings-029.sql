-- peer: squawk require-lock-timeout
-- catch: lock-timeout-missing
alter table public.accounts add column c text;
