truncate public.notes;
insert into public.notes (id) values (1);
