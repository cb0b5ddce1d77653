-- expect: security-definer-exposed
create function public.delete_user_data(uid uuid) returns void
language sql security definer set search_path = ''
as $$ delete from public.notes where user_id = uid $$;

-- Revoked from PUBLIC and anon, granted to authenticated: any signed-in user can call it
-- (Supabase's advisor, lint 0029).
-- expect: security-definer-exposed
create function public.admin_stats() returns bigint
language sql security definer set search_path = ''
as $$ select count(*) from public.notes $$;
revoke execute on function public.admin_stats() from public, anon;
grant execute on function public.admin_stats() to authenticated;

-- Revoked from PUBLIC and anon only: Supabase's default privileges still gave it to
-- authenticated.
-- expect: security-definer-exposed
create function public.rebuild_counts() returns void
language sql security definer set search_path = ''
as $$ select 1 $$;
revoke execute on function public.rebuild_counts() from public, anon;

-- OK: revoked from PUBLIC and both client roles, granted to service_role only.
create function public.nightly_cleanup() returns void
language sql security definer set search_path = ''
as $$ delete from public.notes where created_at < now() - interval '1 year' $$;
revoke execute on function public.nightly_cleanup() from public, anon, authenticated;
grant execute on function public.nightly_cleanup() to service_role;

-- OK: SECURITY INVOKER (the default) runs with the caller's rights.
create function public.my_notes() returns setof public.notes
language sql security invoker set search_path = ''
as $$ select * from public.notes $$;

-- OK: not in an exposed schema.
create schema if not exists private;
create function private.purge() returns void language sql security definer set search_path = ''
as $$ delete from public.notes $$;

-- OK: trigger functions cannot be called through the API.
create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
