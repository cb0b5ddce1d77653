-- expect: security-definer-exposed
create function public.delete_user_data(uid uuid) returns void
language sql security definer set search_path = ''
as $$ delete from public.notes where user_id = uid $$;

-- OK: EXECUTE revoked from PUBLIC and anon.
create function public.admin_stats() returns bigint
language sql security definer set search_path = ''
as $$ select count(*) from public.notes $$;
revoke execute on function public.admin_stats() from public, anon;
grant execute on function public.admin_stats() to authenticated;

-- OK: not in an exposed schema.
create schema if not exists private;
create function private.purge() returns void language sql security definer set search_path = ''
as $$ delete from public.notes $$;

-- OK: trigger functions cannot be called through the API.
create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
