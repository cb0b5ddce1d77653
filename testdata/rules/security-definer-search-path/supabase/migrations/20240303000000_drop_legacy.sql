-- expect: drop-object
drop function public.legacy_stats();
