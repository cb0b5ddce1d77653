-- The table exists: PostgreSQL skips the statement ("already exists, skipping"), so nothing
-- about the created table is reported again, although this definition has no primary key.
create table if not exists public.events (id bigint, at timestamp);

-- A table that does not exist yet is created here: judged as usual.
-- expect: table-without-primary-key
create table if not exists public.event_tags (event_id bigint not null, tag text);
