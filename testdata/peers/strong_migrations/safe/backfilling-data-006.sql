-- peer: strong_migrations backfilling data
update public.users set locale = 'en' where id between 1 and 1000;
