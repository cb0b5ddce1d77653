-- expect: security-definer-search-path
create function public.is_admin() returns boolean language sql security definer
as $$ select exists (select 1 from admins where user_id = auth.uid()) $$;

-- expect: security-definer-search-path
alter function public.touch() security definer;

-- OK: search_path pinned.
create or replace function public.is_member() returns boolean language sql security definer set search_path = ''
as $$ select true $$;

-- OK: fixed later in the same file.
create function public.owner_of(id bigint) returns uuid language sql security definer
as $$ select null::uuid $$;
alter function public.owner_of(bigint) set search_path = public, pg_temp;

-- OK: SECURITY INVOKER (the default).
create function public.add(a int, b int) returns int language sql as $$ select a + b $$;
