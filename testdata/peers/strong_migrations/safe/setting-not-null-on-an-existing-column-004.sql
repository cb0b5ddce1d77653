-- peer: strong_migrations setting NOT NULL on an existing column
alter table public.users add constraint users_email_nn check (email is not null) not valid;
