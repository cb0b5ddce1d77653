-- peer: strong_migrations adding a unique constraint
alter table public.users add constraint users_email_key unique using index users_email_idx;
