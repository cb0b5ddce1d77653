alter function public.touch_todo(bigint) set search_path = '';
drop function public.old_report();
-- Made SECURITY DEFINER later: the other rule's error.
-- expect: security-definer-search-path
alter function public.later_definer() security definer;
-- A replacement with a fixed path replaces the unsafe one.
create or replace function public.open_todos() returns bigint language sql stable set search_path = '' as $$
  select count(*) from public.todos where not done
$$;
