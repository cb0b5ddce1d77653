alter table public.notes drop column body;
