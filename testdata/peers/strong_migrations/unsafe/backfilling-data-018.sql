-- peer: strong_migrations backfilling data
-- catch: update-all-rows
alter table public.users add column locale2 text;
update public.users set locale2 = 'en';
