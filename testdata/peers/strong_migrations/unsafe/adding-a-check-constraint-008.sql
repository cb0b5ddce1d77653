-- peer: strong_migrations adding a check constraint
-- catch: constraint-without-not-valid
alter table public.users add constraint users_age_pos check (age > 0);
