-- peer: squawk require-lock-timeout
set lock_timeout = '2s';
alter table public.accounts add column c text;
