-- expect: set-not-null
alter table public.tags add constraint tags_pkey primary key using index tags_name_key;
