-- peer: strong_migrations adding a check constraint
alter table public.users add constraint users_age_pos check (age > 0) not valid;
