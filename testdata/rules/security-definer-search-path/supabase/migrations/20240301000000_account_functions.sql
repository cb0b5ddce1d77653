-- OK in a whole-set run: 20240302000000 replaces it (same signature) with `search_path` set,
-- so the database the set ends with is safe.
create function public.delete_account() returns void language plpgsql security definer
as $$ begin delete from public.profiles where id = auth.uid(); end $$;

-- Replaced later, but with other argument types: a different function, still unsafe.
-- expect: security-definer-search-path
create function public.profile_of(uid uuid) returns text language sql security definer
as $$ select display_name from public.profiles where id = uid $$;

-- OK in a whole-set run: 20240303000000 drops it, so the set ends without it.
create function public.legacy_stats() returns bigint language sql security definer
as $$ select count(*) from public.profiles $$;
