-- peer: safe-pg-migrations Prevent wrapping migrations in transaction
-- catch: concurrently-in-transaction
begin;
create index concurrently index_users_on_email on public.users (email);
commit;
