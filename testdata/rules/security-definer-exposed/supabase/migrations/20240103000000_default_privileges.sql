-- A per-schema revoke from PUBLIC takes nothing away (PostgreSQL adds per-schema defaults to the
-- global ones), and a global revoke from the client roles leaves Supabase's grants made
-- `in schema public`.
alter default privileges in schema public revoke execute on functions from public;
alter default privileges revoke execute on functions from anon, authenticated;

-- expect: security-definer-exposed
create function public.sync_totals() returns void
language sql security definer set search_path = ''
as $$ select 1 $$;

-- Revoking each default where it was made.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- OK: no client role holds EXECUTE.
create function public.audit_row_count() returns bigint
language sql security definer set search_path = ''
as $$ select count(*) from public.notes $$;

-- A later explicit grant to authenticated makes it callable by signed-in users.
-- expect: security-definer-exposed
create function public.touch_profile() returns void
language sql security definer set search_path = ''
as $$ update public.profiles set updated_at = now() $$;
grant execute on function public.touch_profile() to authenticated;

-- Granted to PUBLIC again: both client roles inherit it.
-- expect: security-definer-exposed
create function public.open_stats() returns bigint
language sql security definer set search_path = ''
as $$ select 1::bigint $$;
grant execute on function public.open_stats() to public;

-- OK: switched to SECURITY INVOKER later.
create function public.profile_count() returns bigint
language sql security definer set search_path = ''
as $$ select count(*) from public.profiles $$;
grant execute on function public.profile_count() to authenticated;
alter function public.profile_count() security invoker;
