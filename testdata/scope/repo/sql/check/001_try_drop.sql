begin;
drop table public.notes;
select count(*) from public.notes;
rollback;
