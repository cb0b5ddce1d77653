-- expect: unique-added-to-existing-table
create unique index concurrently users_email_key on public.users (email);

-- expect: unique-added-to-existing-table
alter table public.accounts add constraint accounts_slug_key unique (slug);

-- expect: unique-added-to-existing-table
alter table public.events add primary key (id);

-- OK: attaches the index built (and checked for duplicates) above.
alter table public.users add constraint users_email_key unique using index users_email_key;

-- OK: a table created in this file.
create table public.tags (id bigint, name text);
create unique index tags_name_key on public.tags (name);

-- OK: emptied earlier in the same transaction.
begin;
truncate public.sessions;
alter table public.sessions add constraint sessions_token_key unique (token);
commit;
