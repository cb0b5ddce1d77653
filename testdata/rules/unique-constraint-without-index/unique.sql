-- expect: unique-constraint-without-index
alter table public.users add constraint users_email_key unique (email);

-- expect: unique-constraint-without-index
alter table public.events add primary key (id);

-- OK: attaches an index built concurrently.
create unique index concurrently users_handle_key on public.users (handle);
alter table public.users add constraint users_handle_key unique using index users_handle_key;

-- OK: a new table.
create table public.tags (id bigint, name text);
alter table public.tags add primary key (id), add constraint tags_name_key unique (name);

-- A UNIQUE or PRIMARY KEY written inside ADD COLUMN builds the index under the same lock.
-- expect: unique-constraint-without-index
alter table public.orders add column external_id text unique;
