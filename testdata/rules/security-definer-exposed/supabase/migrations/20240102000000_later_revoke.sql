-- Revoking only from PUBLIC leaves the direct grant Supabase gives `anon`.
-- expect: security-definer-exposed
create function public.leaderboard() returns setof bigint
language sql security definer set search_path = ''
as $$ select 1::bigint $$;
revoke execute on function public.leaderboard() from public;
