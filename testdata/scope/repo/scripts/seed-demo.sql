delete from public.notes;
