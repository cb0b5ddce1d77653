create table public.feedback (id bigint primary key, body text);
-- expect: grant-write-to-anon
grant insert, update on public.feedback to anon;

-- OK: RLS is enabled, policies decide.
create table public.posts (id bigint primary key, body text);
alter table public.posts enable row level security;
grant all on table public.posts to anon;

-- OK: read access only.
grant select on public.feedback to anon;

-- OK: authenticated only.
grant insert on public.feedback to authenticated;
