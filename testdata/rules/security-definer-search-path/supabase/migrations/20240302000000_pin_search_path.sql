-- OK: pins the search path of the function created by the previous migration.
create or replace function public.delete_account() returns void language plpgsql security definer
set search_path = ''
as $$ begin delete from public.profiles where id = auth.uid(); end $$;

create or replace function public.profile_of(uid text) returns text language sql security definer
set search_path = ''
as $$ select display_name from public.profiles where id::text = uid $$;
