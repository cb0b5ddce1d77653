-- peer: safe-pg-migrations Safe add_column, what it runs instead (column, default, batched backfill, CHECK NOT VALID, VALIDATE, SET NOT NULL)
set lock_timeout = '5s';
alter table public.users add column admin boolean;
alter table public.users alter column admin set default false;
update public.users set admin = false where id between 1 and 1000 and admin is null;
alter table public.users add constraint users_admin_null check (admin is not null) not valid;
alter table public.users validate constraint users_admin_null;
alter table public.users alter column admin set not null;
alter table public.users drop constraint users_admin_null;
