alter table public.folders add column label text;
alter table public.folders add constraint folders_label_nn check (label is not null) not valid;
alter table public.folders add column code text;
alter table public.folders add constraint folders_code_nn check (code is not null) not valid;
