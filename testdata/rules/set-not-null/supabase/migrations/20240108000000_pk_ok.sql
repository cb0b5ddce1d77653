-- OK: the index's column is declared NOT NULL.
alter table public.labels add constraint labels_pkey primary key using index labels_slug_key;
