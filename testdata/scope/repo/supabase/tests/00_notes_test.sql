begin;
select plan(1);
create table public.scratch (id int);
drop table public.scratch;
select has_table('public', 'notes', 'notes exists');
select * from finish();
rollback;
