-- peer: safe-pg-migrations Safe add_check_constraint, what it runs instead
set lock_timeout = '5s';
alter table public.users add constraint users_age_check check (age >= 0) not valid;
alter table public.users validate constraint users_age_check;
