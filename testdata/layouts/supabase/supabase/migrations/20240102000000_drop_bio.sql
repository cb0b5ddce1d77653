alter table public.profiles drop column bio;
