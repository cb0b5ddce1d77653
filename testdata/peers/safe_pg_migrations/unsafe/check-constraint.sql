-- peer: safe-pg-migrations Safe add_check_constraint
-- catch: constraint-without-not-valid
alter table public.users add constraint users_age_check check (age >= 0);
